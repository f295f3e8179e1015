package dev.lockstep.bench.coverage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.bench.link.Frame;
import dev.lockstep.bench.wire.CoverageReply;
import dev.lockstep.bench.wire.WireCodec;
import dev.lockstep.bench.wire.WireFormatException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The COVERAGE_REPLY payload (docs/protocol.md, "Coverage"). */
class CoverageWireTest {
    @Test
    void aReplyRoundTrips() throws Exception {
        CoverageReply r = new CoverageReply(396, 3, "/x/lockstep-agent", new long[] {0xabf1L, 0xac00L, 0x1_0000_0000L});
        CoverageReply back = WireCodec.coverageReply(WireCodec.coverageReplyPayload(r));
        assertEquals(396, back.total());
        assertEquals(3, back.hit());
        assertEquals("/x/lockstep-agent", back.image());
        assertArrayEquals(r.fresh(), back.fresh());
        assertEquals("COVERAGE", Frame.typeName(Frame.COVERAGE));
        assertEquals("COVERAGE_REPLY", Frame.typeName(Frame.COVERAGE_REPLY));
    }

    @Test
    void aTruncatedOrPaddedReplyIsRefused() {
        byte[] p = WireCodec.coverageReplyPayload(new CoverageReply(10, 1, "", new long[] {5}));
        assertThrows(WireFormatException.class, () -> WireCodec.coverageReply(Arrays.copyOf(p, p.length - 1)));
        assertThrows(WireFormatException.class, () -> WireCodec.coverageReply(Arrays.copyOf(p, p.length + 8)));
        assertThrows(WireFormatException.class, () -> WireCodec.coverageReply(new byte[3]));
    }
}
