package dev.lockstep.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lockstep.models.rtkit.Crashlog;
import dev.lockstep.models.rtkit.CrashlogParse;
import dev.lockstep.models.rtkit.CrashlogSection;
import dev.lockstep.models.rtkit.Fourcc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The RTKit crash log parser reads firmware-written memory, so it must survive any bytes: it
 * answers Parsed or Malformed, never throws, and what it answers points inside the log.
 *
 * <p>Tags are little-endian words, so 'CLHE' is the bytes "EHLC" in the log (and in the dictionary).
 */
class CrashlogFuzzTest {

    /** Any bytes at all: most are refused at the header, which is the first thing to get right. */
    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"EHLC", "rtsC", "revC", "xbmC", "mitC", "8grC"})
    void parseNeverThrows(byte[] log) {
        check(log);
    }

    /**
     * The same behind a valid 'CLHE' header, so every input reaches the section loop: the bounds
     * checks there are where a parser of this shape goes wrong.
     */
    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"EHLC", "rtsC", "revC", "xbmC", "mitC", "8grC"})
    void sectionsNeverThrow(byte[] sections) {
        ByteBuffer b = ByteBuffer.allocate(Crashlog.HEADER_SIZE + sections.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(Fourcc.CLHE).putInt(2).putInt(Crashlog.HEADER_SIZE + sections.length).putInt(0);
        b.position(Crashlog.HEADER_SIZE);
        b.put(sections);
        check(b.array());
    }

    private static void check(byte[] log) {
        CrashlogParse p = Crashlog.parse(log);
        assertNotNull(p);
        if (p instanceof CrashlogParse.Malformed m) {
            assertTrue(m.offset() >= 0 && m.offset() <= log.length, "Malformed at 0x" + Integer.toHexString(m.offset())
                    + " outside a log of 0x" + Integer.toHexString(log.length) + " bytes");
            assertNotNull(m.reason());
        } else {
            CrashlogParse.Parsed parsed = (CrashlogParse.Parsed) p;
            assertTrue(parsed.end() >= Crashlog.HEADER_SIZE && parsed.end() + Crashlog.SECTION_HEADER_SIZE <= log.length,
                    "closing section at 0x" + Integer.toHexString(parsed.end()) + " is not inside the log");
            long next = Crashlog.HEADER_SIZE;
            for (CrashlogSection s : parsed.sections()) {
                // Sections tile the log from the header to the closing 'CLHE', in order.
                assertTrue(s.header().offset() == next, "section at 0x" + Long.toHexString(s.header().offset())
                        + ", expected 0x" + Long.toHexString(next));
                next += s.header().size();
            }
            assertTrue(next == parsed.end(), "sections end at 0x" + Long.toHexString(next) + ", not at the closing 'CLHE'");
        }
    }
}
