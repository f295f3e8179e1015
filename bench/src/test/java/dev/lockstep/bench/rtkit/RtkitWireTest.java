package dev.lockstep.bench.rtkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.bench.engine.ReproducerFormatException;
import dev.lockstep.bench.wire.AgentEvent;
import dev.lockstep.bench.wire.WireFormatException;
import dev.lockstep.models.rtkit.ApCall;
import dev.lockstep.models.rtkit.Message;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The RTKIT codec, byte for byte, and its refusal of damaged replies; the reproducer text round trip. */
class RtkitWireTest {
    @Test
    void encodesOperationsLittleEndian() throws Exception {
        byte[] b = RtkitWire.encode(List.of(new RtkitOp.Init(0, "", 0, "rtk"), new RtkitOp.Inject(0x0010_0000_000c_000bL, 0),
                new RtkitOp.Call(0, 7, 0x20, 0x1234, 0, true)));
        ByteBuffer w = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        w.putInt(3).put((byte) 1).put((byte) 0).putShort((short) 0).putInt(0).putShort((short) 3).put("rtk".getBytes());
        w.put((byte) 3).putLong(0x0010_0000_000c_000bL).putLong(0);
        w.put((byte) 7).put((byte) 0).put((byte) 7).put((byte) 0x20).putLong(0x1234).putInt(0).put((byte) 1);
        byte[] want = new byte[w.position()];
        System.arraycopy(w.array(), 0, want, 0, want.length);
        assertArrayEquals(want, b);
    }

    @Test
    void refusesLongStringsAndTooManyOps() {
        assertThrows(WireFormatException.class, () -> RtkitWire.encode(List.of(new RtkitOp.Init(0, "x".repeat(64), 0, ""))));
        assertThrows(WireFormatException.class, () -> RtkitWire.encode(java.util.Collections.nCopies(4097, new RtkitOp.State())));
        assertThrows(WireFormatException.class, () -> RtkitWire.encode(List.of(new RtkitOp.Advance((1L << 40) + 1))));
    }

    static byte[] reply() {
        ByteBuffer b = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).put((byte) 9).putInt(0).putLong(1).putLong(5);
        b.putInt(1).putInt(0).put((byte) 1).put((byte) 0).putLong(0x0020_0000_000c_000cL).putLong(0);
        b.putInt(1).putInt(0).put((byte) 1).putShort((short) 2).put("w!".getBytes());
        byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    @Test
    void decodesResultsRecordsAndEvents() throws Exception {
        RtkitReply r = RtkitWire.decode(reply());
        assertEquals(new RtkitReply.Result(9, 0, 1, 5), r.results().get(0));
        assertEquals(new RtkitReply.Record(0, RtkitReply.Kind.TX, 0, 0x0020_0000_000c_000cL, 0), r.records().get(0));
        assertEquals(new AgentEvent(0, AgentEvent.Kind.WARN, "w!"), r.events().get(0));
    }

    @Test
    void refusesEveryTruncationAndTrailingBytes() {
        byte[] ok = reply();
        for (int n = 0; n < ok.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(ok, n);
            assertThrows(WireFormatException.class, () -> RtkitWire.decode(cut), "length " + n);
        }
        assertThrows(WireFormatException.class, () -> RtkitWire.decode(java.util.Arrays.copyOf(ok, ok.length + 1)));
    }

    @Test
    void refusesUnknownRecordKindsAndHugeCounts() {
        byte[] bad = reply();
        bad[4 + 21 + 4 + 4] = 99; // the record's kind
        assertThrows(WireFormatException.class, () -> RtkitWire.decode(bad));
        byte[] huge = reply();
        huge[3] = 0x7f;
        assertThrows(WireFormatException.class, () -> RtkitWire.decode(huge));
    }

    @Test
    void reproducerTextRoundTrips() throws Exception {
        List<RtkitStep> steps = List.of(new RtkitStep.Fw(new Message(0x0010_0000_000c_000bL, 0)), new RtkitStep.Call(new ApCall.Boot()),
                new RtkitStep.Call(new ApCall.Send(0x20, -1L)), new RtkitStep.Call(new ApCall.StartEp(3)), new RtkitStep.Advance(1000));
        RtkitReproducer r = new RtkitReproducer("rtkit: x", Map.of("oslog", "INIT_ACK"), 7, steps);
        assertEquals(r, RtkitReproducer.parse(r.text(), "t"));
        assertThrows(ReproducerFormatException.class, () -> RtkitReproducer.parse("nope\n", "t"));
        assertThrows(ReproducerFormatException.class, () -> RtkitReproducer.parse(RtkitReproducer.MAGIC + "\ncall fly\n", "t"));
    }
}
