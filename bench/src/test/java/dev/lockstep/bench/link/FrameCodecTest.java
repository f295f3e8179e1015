package dev.lockstep.bench.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    @Test
    void roundTripsAFrame() {
        Frame f = new Frame(Frame.BATCH, 7, new byte[] {1, 2, 3});
        FrameCodec c = new FrameCodec();
        byte[] wire = FrameCodec.encode(f);
        c.feed(wire, 0, wire.length);
        Frame back = c.next();
        assertEquals(Frame.BATCH, back.type());
        assertEquals(7, back.seq());
        assertArrayEquals(new byte[] {1, 2, 3}, back.payload());
        assertNull(c.next());
    }

    @Test
    void resynchronisesAfterGarbageAndKeepsItAsNoise() {
        byte[] noise = "console: hello\n".getBytes(StandardCharsets.US_ASCII);
        byte[] a = FrameCodec.encode(new Frame(Frame.HELLO_REPLY, 1, new byte[] {9}));
        FrameCodec c = new FrameCodec();
        byte[] all = concat(noise, a);
        c.feed(all, 0, all.length);
        List<Frame> frames = c.frames();
        assertEquals(1, frames.size());
        assertEquals(noise.length, c.noiseBytes());
        assertEquals("console: hello\n", c.noiseSample());
    }

    @Test
    void dropsACorruptFrameAndFindsTheNextOne() {
        byte[] bad = FrameCodec.encode(new Frame(Frame.BATCH_REPLY, 1, new byte[40]));
        bad[20] ^= 0x10;
        byte[] good = FrameCodec.encode(new Frame(Frame.BATCH_REPLY, 2, new byte[] {5}));
        FrameCodec c = new FrameCodec();
        byte[] all = concat(bad, good);
        c.feed(all, 0, all.length);
        List<Frame> frames = c.frames();
        assertEquals(1, frames.size());
        assertEquals(2, frames.get(0).seq());
        assertEquals(1, c.crcErrors());
    }

    @Test
    void assemblesFramesSplitAcrossReadsAtEveryByte() {
        byte[] wire = concat(FrameCodec.encode(new Frame(Frame.MEM_SYNC_REPLY, 3, new byte[300])),
                FrameCodec.encode(new Frame(Frame.RESET_REPLY, 4, new byte[4])));
        for (int cut = 1; cut < wire.length; cut++) {
            FrameCodec c = new FrameCodec();
            c.feed(wire, 0, cut);
            int got = c.frames().size();
            c.feed(wire, cut, wire.length - cut);
            got += c.frames().size();
            assertEquals(2, got, "split at " + cut);
        }
    }

    @Test
    void survivesRandomLineNoiseWithoutInventingFrames() {
        Random r = new Random(42);
        byte[] junk = new byte[1 << 16];
        r.nextBytes(junk);
        FrameCodec c = new FrameCodec();
        c.feed(junk, 0, junk.length);
        assertEquals(0, c.frames().size());
        byte[] good = FrameCodec.encode(new Frame(Frame.NAK, 0, new byte[6]));
        c.feed(good, 0, good.length);
        assertEquals(1, c.frames().size());
    }

    @Test
    void refusesAnOversizedLengthAndResyncs() {
        byte[] hdr = FrameCodec.encode(new Frame(Frame.BATCH, 1, new byte[0]));
        hdr[15] = 0x7f; // length field's top byte: far beyond MAX_PAYLOAD
        byte[] good = FrameCodec.encode(new Frame(Frame.BATCH, 2, new byte[0]));
        FrameCodec c = new FrameCodec();
        byte[] all = concat(hdr, good);
        c.feed(all, 0, all.length);
        List<Frame> frames = c.frames();
        assertEquals(1, frames.size());
        assertEquals(2, frames.get(0).seq());
        assertEquals(1, c.badHeaders());
    }
}
