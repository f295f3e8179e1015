package dev.lockstep.bench.m1n1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The m1n1 client against a scripted peer: framing, checksums, desync and refusals. */
class M1n1ClientTest {

    private static byte[] le(long... values) {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    @Test
    void checksumFollowsTheM1n1Definition() {
        // s = 0xDEADBEEF; s = s * 31337 + (b ^ 0x5A); result s ^ 0xADDEDBAD
        assertEquals(0xDEADBEEF ^ 0xADDEDBAD, M1n1Checksum.of(new byte[0]));
        int s = 0xDEADBEEF * 31337 + (0x01 ^ 0x5A);
        assertEquals(s ^ 0xADDEDBAD, M1n1Checksum.of(new byte[] {1}));
    }

    @Test
    void requestsAreFramedAndConsoleBytesAreKeptAside() throws Exception {
        FakeLink link = new FakeLink()
                .queue("hello\n".getBytes(StandardCharsets.US_ASCII))
                .queue(FakeLink.reply(M1n1Client.PROXY, 0, le(0x104, 0, 0x1234)));
        M1n1Client c = new M1n1Client(link, 1000);
        assertEquals(0x1234, c.read64(0x40000000L));
        byte[] req = link.written.toByteArray();
        assertEquals(64, req.length);
        ByteBuffer bb = ByteBuffer.wrap(req).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(M1n1Client.PROXY, bb.getInt(0));
        assertEquals(0x104, bb.getLong(4));
        assertEquals(0x40000000L, bb.getLong(12));
        assertEquals(M1n1Checksum.of(req, 0, 60), bb.getInt(60));
        assertEquals("hello\n", c.console());
    }

    @Test
    void aBadReplyChecksumIsRefusedNotGuessed() {
        byte[] r = FakeLink.reply(M1n1Client.NOP, 0, new byte[24]);
        r[10] ^= 0x40;
        M1n1Client c = new M1n1Client(new FakeLink().queue(r), 1000);
        M1n1ChecksumException e = assertThrows(M1n1ChecksumException.class, () -> c.nop(0));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void aBadDataChecksumIsRefused() {
        byte[] data = {1, 2, 3, 4};
        byte[] payload = new byte[24];
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(M1n1Checksum.of(data) ^ 1);
        M1n1Client c = new M1n1Client(new FakeLink()
                .queue(FakeLink.reply(M1n1Client.MEMREAD, 0, payload)).queue(data), 1000);
        assertThrows(M1n1ChecksumException.class, () -> c.memRead(0x60000000L, 4));
    }

    @Test
    void memReadChecksAndReturnsTheData() throws Exception {
        byte[] data = {9, 8, 7, 6, 5};
        byte[] payload = new byte[24];
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(M1n1Checksum.of(data));
        M1n1Client c = new M1n1Client(new FakeLink()
                .queue(FakeLink.reply(M1n1Client.MEMREAD, 0, payload)).queue(data), 1000);
        assertArrayEquals(data, c.memRead(0x60000000L, 5));
    }

    @Test
    void peerCsumerrIsAChecksumException() {
        M1n1Client c = new M1n1Client(new FakeLink()
                .queue(FakeLink.reply(M1n1Client.NOP, M1n1Client.ST_CSUMERR, new byte[24])), 1000);
        assertThrows(M1n1ChecksumException.class, () -> c.nop(0));
    }

    @Test
    void bootFramesAreSkippedAndExceptionsReported() throws Exception {
        FakeLink link = new FakeLink()
                .queue(FakeLink.reply(M1n1Client.BOOT, 0, new byte[24]))
                .queue(FakeLink.reply(M1n1Client.NOP, 0, new byte[24]));
        M1n1Client c = new M1n1Client(link, 1000);
        c.nop(0);
        assertEquals(1, c.bootFrames());
        byte[] exc = new byte[24];
        ByteBuffer.wrap(exc).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(0).putLong(0x96000010L);
        link.queue(FakeLink.reply(M1n1Client.BOOT, 0, exc));
        M1n1Exception e = assertThrows(M1n1Exception.class, () -> c.nop(0));
        assertTrue(e.getMessage().contains("0x96000010"), e.getMessage());
    }

    @Test
    void desyncRecoversOnTheNextGoodFrame() throws Exception {
        // A truncated frame (magic, then garbage) followed by a good reply: the scan resumes.
        FakeLink link = new FakeLink()
                .queue(new byte[] {(byte) 0xFF, 0x55, (byte) 0xAA, 0x00, 1, 2, 3})
                .queue(new byte[29])
                .queue(FakeLink.reply(M1n1Client.NOP, 0, new byte[24]));
        M1n1Client c = new M1n1Client(link, 1000);
        assertThrows(M1n1ChecksumException.class, () -> c.nop(0));
        c.nop(0); // the good frame is still there
    }

    @Test
    void wrongReplyTypeAndTimeoutAreErrors() {
        M1n1Client c = new M1n1Client(new FakeLink()
                .queue(FakeLink.reply(M1n1Client.MEMREAD, 0, new byte[24])), 1000);
        assertThrows(M1n1Exception.class, () -> c.nop(0));
        M1n1Client silent = new M1n1Client(new FakeLink(), 50);
        M1n1Exception e = assertThrows(M1n1Exception.class, () -> silent.nop(0));
        assertTrue(e.getMessage().contains("no reply"), e.getMessage());
    }
}
