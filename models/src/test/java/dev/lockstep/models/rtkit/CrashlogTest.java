package dev.lockstep.models.rtkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The crash log parser on hand-built logs, every truncation, and bytes that are not a log at all. */
class CrashlogTest {

    private static CrashlogSection.Registers regs() {
        List<Long> x = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            x.add(0x1000L + i);
        }
        return new CrashlogSection.Registers(x, 0x5000, 0x6000, 0x3c5, 0x30_0000, 0, 0, 0xdead_0000L, 0x9600_0045L);
    }

    private static byte[] fullLog() {
        return CrashlogWriter.begin(1, 0)
                .version("RTKit-1234.56.7")
                .str(3, "ASSERT: boom")
                .time(0x1122_3344_5566_7788L)
                .mailbox(1, 2, List.of(new CrashlogSection.MailboxEntry(0x0010_0000_000c_000bL, 0, 77),
                        new CrashlogSection.MailboxEntry(0x0050_0020_0000_0002L, 0x20, 78)))
                .registers(regs())
                .section(Fourcc.of("Cxyz"), 5, new byte[] {1, 2, 3})
                .bytes();
    }

    @Test
    void fourccsArePackedBigEndianAndStoredLittleEndian() {
        assertEquals(0x434c4845, Fourcc.CLHE);
        byte[] log = fullLog();
        assertEquals("EHLC", new String(Arrays.copyOf(log, 4), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("Crg8", Fourcc.name(Fourcc.CRG8));
        assertEquals("\\x00abc", Fourcc.name(0x00616263));
    }

    @Test
    void aHandBuiltLogParsesToItsSections() {
        byte[] log = fullLog();
        CrashlogParse.Parsed p = assertInstanceOf(CrashlogParse.Parsed.class, Crashlog.parse(log));
        assertEquals(new CrashlogParse.Header(1, log.length, 0), p.header());
        assertEquals(6, p.sections().size());
        assertEquals("RTKit-1234.56.7", ((CrashlogSection.Cver) p.sections().get(0)).text());
        CrashlogSection.Cstr s = (CrashlogSection.Cstr) p.sections().get(1);
        assertEquals(3, s.id());
        assertEquals("ASSERT: boom", s.text());
        assertEquals(0x1122_3344_5566_7788L, ((CrashlogSection.Ctim) p.sections().get(2)).time());
        CrashlogSection.Cmbx m = (CrashlogSection.Cmbx) p.sections().get(3);
        assertEquals(1, m.type());
        assertEquals(2, m.index());
        assertEquals(2, m.entries().size());
        assertEquals(new CrashlogSection.MailboxEntry(0x0050_0020_0000_0002L, 0x20, 78), m.entries().get(1));
        assertEquals(regs(), ((CrashlogSection.Crg8) p.sections().get(4)).registers());
        CrashlogSection.Other o = (CrashlogSection.Other) p.sections().get(5);
        assertEquals(Fourcc.of("Cxyz"), o.header().fourcc());
        assertEquals(5, o.header().flags());
        assertEquals(19, o.header().size());
        assertEquals(log.length - 32, p.end());
    }

    @Test
    void everyTruncationIsMalformedUntilTheClosingSectionHeader() {
        byte[] log = fullLog();
        int end = log.length - 32;
        for (int n = 0; n <= log.length; n++) {
            CrashlogParse r = Crashlog.parse(Arrays.copyOf(log, n));
            if (n >= end + 16) {
                assertInstanceOf(CrashlogParse.Parsed.class, r, "length " + n);
            } else {
                CrashlogParse.Malformed m = assertInstanceOf(CrashlogParse.Malformed.class, r, "length " + n);
                assertTrue(m.offset() >= 0 && m.offset() <= n, m.toString());
            }
        }
    }

    @Test
    void malformedLogsSayWhereAndWhy() {
        assertEquals(new CrashlogParse.Malformed(0, "no log"), Crashlog.parse(null));
        byte[] wrongTag = fullLog();
        wrongTag[0] = 'X';
        assertInstanceOf(CrashlogParse.Malformed.class, Crashlog.parse(wrongTag));
        assertEquals(0, ((CrashlogParse.Malformed) Crashlog.parse(wrongTag)).offset());

        byte[] tiny = CrashlogWriter.begin(1, 0).sectionWithSize(Fourcc.CSTR, 0, new byte[8], 8).bytes();
        CrashlogParse.Malformed m = assertInstanceOf(CrashlogParse.Malformed.class, Crashlog.parse(tiny));
        assertEquals(0x20, m.offset());
        assertTrue(m.reason().contains("below its 16-byte header"), m.reason());

        byte[] huge = CrashlogWriter.begin(1, 0).sectionWithSize(Fourcc.CSTR, 0, new byte[8], 0xffff_fff0L).bytes();
        m = assertInstanceOf(CrashlogParse.Malformed.class, Crashlog.parse(huge));
        assertTrue(m.reason().contains("past the end"), m.reason());

        byte[] shortRegs = CrashlogWriter.begin(1, 0).section(Fourcc.CRG8, 0, new byte[0x34f]).bytes();
        m = assertInstanceOf(CrashlogParse.Malformed.class, Crashlog.parse(shortRegs));
        assertTrue(m.reason().startsWith("Crg8"), m.reason());
        for (int fourcc : new int[] {Fourcc.CSTR, Fourcc.CVER, Fourcc.CMBX, Fourcc.CTIM}) {
            byte[] empty = CrashlogWriter.begin(1, 0).section(fourcc, 0, new byte[3]).bytes();
            assertInstanceOf(CrashlogParse.Malformed.class, Crashlog.parse(empty), Fourcc.name(fourcc));
        }
        byte[] noEnd = Arrays.copyOf(fullLog(), fullLog().length - 32);
        m = assertInstanceOf(CrashlogParse.Malformed.class, Crashlog.parse(noEnd));
        assertTrue(m.reason().contains("without a closing"), m.reason());
    }

    @Test
    void textsStopAtNulOrThePayloadsEnd() {
        byte[] p = {7, 0, 0, 0, 'a', 'b', 0, 'c'};
        byte[] log = CrashlogWriter.begin(1, 0).section(Fourcc.CSTR, 0, p).section(Fourcc.CSTR, 0, new byte[] {1, 0, 0, 0, 'x', 'y'}).bytes();
        CrashlogParse.Parsed parsed = assertInstanceOf(CrashlogParse.Parsed.class, Crashlog.parse(log));
        assertEquals("ab", ((CrashlogSection.Cstr) parsed.sections().get(0)).text());
        assertEquals("xy", ((CrashlogSection.Cstr) parsed.sections().get(1)).text());
        byte[] partial = CrashlogWriter.begin(1, 0).section(Fourcc.CMBX, 0, new byte[28 + 0x18 + 5]).bytes();
        assertEquals(1, ((CrashlogSection.Cmbx) ((CrashlogParse.Parsed) Crashlog.parse(partial)).sections().get(0)).entries().size());
    }

    @Test
    void arbitraryBytesNeverThrow() {
        SplittableRandom rng = new SplittableRandom(11);
        byte[] good = fullLog();
        for (int i = 0; i < 5000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[rng.nextInt(0, 200)];
                rng.nextBytes(b);
                if (b.length >= 4 && rng.nextBoolean()) {
                    CrashlogWriter.put32(b, 0, Fourcc.CLHE);
                }
            } else {
                b = good.clone();
                for (int k = rng.nextInt(1, 8); k > 0; k--) {
                    b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
                }
            }
            assertInstanceOf(CrashlogParse.class, Crashlog.parse(b));
        }
    }
}
