package dev.lockstep.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lockstep.models.rtkit.CodecLayout;
import dev.lockstep.models.rtkit.Decoded;
import dev.lockstep.models.rtkit.IovaField;
import dev.lockstep.models.rtkit.Message;
import dev.lockstep.models.rtkit.OslogLayout;
import dev.lockstep.models.rtkit.RtkitCodec;
import dev.lockstep.models.rtkit.RtkitMessage;
import dev.lockstep.models.rtkit.SyslogInitLayout;

/**
 * The RTKit message codecs are total: any (msg0, endpoint) under any codec layout decodes, in both
 * directions, to a record or to Unknown with a reason, and never throws. What decodes re-encodes
 * to exactly the message it came from.
 *
 * <p>Input layout (so regression inputs can be written by hand): bytes 0..7 msg0 little-endian,
 * byte 8 the endpoint, byte 9 the layout (bit 0 IOVA field, bit 1 syslog INIT layout, bit 2 oslog
 * layout). Missing bytes read as zero.
 */
class RtkitCodecFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decodersAreTotalAndRoundTrip(byte[] data) {
        long msg0 = 0;
        for (int i = 0; i < 8; i++) {
            msg0 |= (long) (at(data, i) & 0xff) << (8 * i);
        }
        Message m = new Message(msg0, at(data, 8) & 0xff);
        int l = at(data, 9);
        CodecLayout layout = new CodecLayout(IovaField.values()[l & 1], SyslogInitLayout.values()[(l >> 1) & 1],
                OslogLayout.values()[(l >> 2) & 1]);
        check(m, RtkitCodec.decodeFromIop(m, layout));
        check(m, RtkitCodec.decodeFromAp(m, layout));
        // kind() is what statistics and reports print for every message; it must be total as well.
        assertNotNull(RtkitCodec.kind(m, layout));
    }

    private static void check(Message m, Decoded<RtkitMessage> d) {
        assertNotNull(d, "a decoder answered null for " + m);
        if (d instanceof Decoded.Ok<RtkitMessage> ok) {
            assertEquals(m, ok.value().encode(), "decode then encode changed the message " + m);
        } else {
            Decoded.Unknown<RtkitMessage> u = (Decoded.Unknown<RtkitMessage>) d;
            assertEquals(m, u.message(), "Unknown names another message");
            // Only a stray reserved bit leaves a meaning behind, and clearing bits only clears bits.
            assertEquals(u.reason() == Decoded.Reason.RESERVED_BITS_SET, u.ignoringReserved().isPresent(),
                    "ignoringReserved present for " + u.reason());
            u.ignoringReserved().ifPresent(r -> assertTrue((r.encode().msg0() & ~m.msg0()) == 0,
                    "ignoring reserved bits set a bit in " + m));
        }
    }

    private static byte at(byte[] data, int i) {
        return i < data.length ? data[i] : 0;
    }
}
