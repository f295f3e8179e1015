package dev.lockstep.models.dart;

import static dev.lockstep.models.dart.DartLayout.DART1;
import static dev.lockstep.models.dart.DartLayout.DART2;
import static dev.lockstep.models.vmsa.Granule.G16K;
import static dev.lockstep.models.vmsa.Granule.G4K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.dart.DartTranslation.Fault;
import dev.lockstep.models.dart.DartTranslation.Translated;
import dev.lockstep.models.vmsa.SparseMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Walks through tables laid out by hand, one per fault kind and one per TTBR. */
class DartWalkerTest {

    final SparseMemory mem = new SparseMemory();

    Fault fault(DartConfig cfg, long iova, DartFaultKind kind, int level, int steps) {
        Fault f = assertInstanceOf(Fault.class, DartWalker.walk(cfg, mem, iova));
        assertEquals(kind, f.kind());
        assertEquals(level, f.level());
        assertEquals(steps, f.steps().size());
        assertEquals(iova, f.iova());
        return f;
    }

    Translated translated(DartConfig cfg, long iova) {
        return assertInstanceOf(Translated.class, DartWalker.walk(cfg, mem, iova));
    }

    /**
     * 4K DART1, four TTBRs at 0x10_0000 + n * 0x1000. In each GiB n, iova n << 30 | 0x0020_3456
     * has L1 index 1 and L2 index 3 (see DartConfigTest); its L2 table is at 0x20_0000 + n * 0x1000
     * and its page at 0x8_0000_0000 + n * 0x1000_0000.
     */
    DartConfig fourTtbrs(int valid) {
        List<Long> ttbrs = List.of(0x10_0000L, 0x10_1000L, 0x10_2000L, 0x10_3000L).subList(0, valid);
        DartConfig cfg = DartConfig.linux61(DART1, G4K, ttbrs);
        for (int n = 0; n < 4; n++) {
            mem.writeU64(0x10_0000L + n * 0x1000L + 8 * 1, DART1.tableEntry(0x20_0000L + n * 0x1000L));
            mem.writeU64(0x20_0000L + n * 0x1000L + 8 * 3, DART1.pageEntry(0x8_0000_0000L + n * 0x1000_0000L, true, n % 2 == 0, true));
        }
        return cfg;
    }

    @Test
    void eachGibWalksFromItsOwnTtbr() {
        DartConfig cfg = fourTtbrs(4);
        for (int n = 0; n < 4; n++) {
            long iova = ((long) n << 30) | 0x0020_3456L;
            Translated t = translated(cfg, iova);
            assertEquals(n, t.ttbrIndex());
            assertEquals(0x8_0000_0456L + n * 0x1000_0000L, t.pa());
            assertTrue(t.read());
            assertEquals(n % 2 == 0, t.write());
            assertTrue(t.cacheable());
            assertTrue(t.coversWholePage());
            assertEquals(2, t.steps().size());
            DartWalkStep l1 = t.steps().get(0);
            assertEquals(1, l1.level());
            assertEquals(0x10_0000L + n * 0x1000L, l1.tableAddress());
            assertEquals(1, l1.index());
            assertEquals(0x10_0008L + n * 0x1000L, l1.pteAddress());
            assertEquals(new DartPte.Table(0x20_0000L + n * 0x1000L), l1.pte());
            DartWalkStep l2 = t.steps().get(1);
            assertEquals(2, l2.level());
            assertEquals(0x20_0018L + n * 0x1000L, l2.pteAddress());
            assertInstanceOf(DartPte.Leaf.class, l2.pte());
        }
    }

    @Test
    void aTtbrMissingFromTheListFaultsNoTtbr() {
        DartConfig cfg = fourTtbrs(2);
        translated(cfg, 0x4020_3456L);
        fault(cfg, 0x8020_3456L, DartFaultKind.NO_TTBR, 1, 0);
        fault(cfg, 0xC020_3456L, DartFaultKind.NO_TTBR, 1, 0);
    }

    @Test
    void outsideTheApertureFaultsBeforeAnyRead() {
        DartConfig cfg = fourTtbrs(4);
        fault(cfg, 1L << 32, DartFaultKind.OUT_OF_RANGE, 1, 0);
        fault(cfg, -1L, DartFaultKind.OUT_OF_RANGE, 1, 0);
    }

    @Test
    void missingEntriesFaultByLevel() {
        DartConfig cfg = fourTtbrs(4);
        // L1 index 2 of TTBR 0 was never written: no leaf table.
        fault(cfg, 0x0040_0000L, DartFaultKind.NO_PMD, 1, 1);
        // L2 index 4 of the table under L1 index 1: no leaf.
        Fault f = fault(cfg, 0x0020_4000L, DartFaultKind.NO_PTE, 2, 2);
        assertEquals(new DartPte.Empty(), f.steps().get(1).pte());
        // A nonzero entry with VALID clear is as missing as a zero one.
        mem.writeU64(0x10_0008L, DART1.tableEntry(0x20_0000L) & ~1L);
        Fault stale = fault(cfg, 0x0020_3456L, DartFaultKind.NO_PMD, 1, 1);
        assertInstanceOf(DartPte.Invalid.class, stale.steps().get(0).pte());
        mem.writeU64(0x20_1018L, 0x100L);
        fault(cfg, 0x4020_3456L, DartFaultKind.NO_PTE, 2, 2);
    }

    @Test
    void unbackedTablesAreExternalAbortsAtTheirLevel() {
        DartConfig cfg = DartConfig.linux61(DART1, G4K, List.of(0x10_0000L, 0x10_1000L, 0x10_2000L, 0x10_3000L));
        // Nothing is backed yet: the TTBR's own table.
        fault(cfg, 0x0020_3456L, DartFaultKind.EXTERNAL_ABORT_ON_WALK, 1, 0);
        // An L1 entry pointing at memory that does not answer.
        mem.writeU64(0x10_0008L, DART1.tableEntry(0x70_0000L));
        fault(cfg, 0x0020_3456L, DartFaultKind.EXTERNAL_ABORT_ON_WALK, 2, 1);
    }

    @Test
    void sixteenKilobyteDart2TwoLevels() {
        // 0x8765_4321: L1 index 0x43, L2 index 0x595, offset 0x321 (DartConfigTest).
        DartConfig cfg = DartConfig.linux61(DART2, G16K, List.of(0x40_0000L));
        mem.addPage(0x40_0000L, 0x4000).addPage(0x40_4000L, 0x4000);
        mem.writeU64(0x40_0000L + 8 * 0x43, DART2.tableEntry(0x40_4000L));
        mem.writeU64(0x40_4000L + 8 * 0x595, DART2.pageEntry(0x3FF_FFFF_C000L, false, true, false));
        Translated t = translated(cfg, 0x8765_4321L);
        assertEquals(0x3FF_FFFF_C321L, t.pa());
        assertFalse(t.read());
        assertTrue(t.write());
        assertFalse(t.cacheable());
        assertEquals(0, t.ttbrIndex());
        // The neighbouring page of the same leaf table is missing.
        fault(cfg, 0x8765_4321L + 0x4000, DartFaultKind.NO_PTE, 2, 2);
    }

    @Test
    void sixteenKilobyteDart2ThreeLevelsFaultNoPgdAtTheTop() {
        // 0x234_5678_9ABC at ias 42: L0 0x23, L1 0x22b, L2 0x1e2, offset 0x1abc.
        DartConfig cfg = new DartConfig(DART2, G16K, 42, 42, List.of(0x40_0000L));
        mem.addPage(0x40_0000L, 0x4000);
        fault(cfg, 0x234_5678_9ABCL, DartFaultKind.NO_PGD, 0, 1);
        mem.writeU64(0x40_0000L + 8 * 0x23, DART2.tableEntry(0x40_4000L));
        mem.addPage(0x40_4000L, 0x4000);
        fault(cfg, 0x234_5678_9ABCL, DartFaultKind.NO_PMD, 1, 2);
        mem.writeU64(0x40_4000L + 8 * 0x22b, DART2.tableEntry(0x40_8000L));
        mem.addPage(0x40_8000L, 0x4000);
        fault(cfg, 0x234_5678_9ABCL, DartFaultKind.NO_PTE, 2, 3);
        mem.writeU64(0x40_8000L + 8 * 0x1e2, DART2.pageEntry(0x1_0000_4000L, true, true, true));
        Translated t = translated(cfg, 0x234_5678_9ABCL);
        assertEquals(0x1_0000_5ABCL, t.pa());
        assertEquals(3, t.steps().size());
        assertEquals(0, t.steps().get(0).level());
    }

    @Test
    void anAccessOutsideTheSubpageWindowFaults() {
        // 16K pages: a window unit is 16K / 4096 = 4 bytes. START 0x100 opens at offset 0x400;
        // END 0x200 closes after offset 0x803.
        DartConfig cfg = DartConfig.linux61(DART2, G16K, List.of(0x40_0000L));
        mem.addPage(0x40_0000L, 0x4000).addPage(0x40_4000L, 0x4000);
        mem.writeU64(0x40_0000L, DART2.tableEntry(0x40_4000L));
        mem.writeU64(0x40_4000L, DART2.leafEntry(0x8000L, true, true, true, 0x100, 0x200, false));
        fault(cfg, 0x0, DartFaultKind.SUBPAGE, 2, 2);
        fault(cfg, 0x3FF, DartFaultKind.SUBPAGE, 2, 2);
        Translated in = translated(cfg, 0x400);
        assertEquals(0x8400L, in.pa());
        assertFalse(in.coversWholePage());
        assertEquals(0x100, in.subpageStart());
        assertEquals(0x200, in.subpageEnd());
        translated(cfg, 0x803);
        fault(cfg, 0x804, DartFaultKind.SUBPAGE, 2, 2);
        fault(cfg, 0x3FFF, DartFaultKind.SUBPAGE, 2, 2);
    }

    @Test
    void fourKilobyteWindowsCountBytesAndSpDisTurnsThemOff() {
        DartConfig cfg = fourTtbrs(4);
        // 4K pages: one unit is one byte. START 0x10, END 0x10: only offset 0x10.
        mem.writeU64(0x20_0018L, DART1.leafEntry(0x8_0000_0000L, true, true, true, 0x10, 0x10, false));
        fault(cfg, 0x0020_300FL, DartFaultKind.SUBPAGE, 2, 2);
        translated(cfg, 0x0020_3010L);
        fault(cfg, 0x0020_3011L, DartFaultKind.SUBPAGE, 2, 2);
        // With SP_DIS the window is not enforced.
        mem.writeU64(0x20_0018L, DART1.leafEntry(0x8_0000_0000L, true, true, true, 0x10, 0x10, true));
        Translated t = translated(cfg, 0x0020_3FFFL);
        assertFalse(t.subpageEnforced());
        assertTrue(t.coversWholePage());
        // START > END leaves nothing.
        mem.writeU64(0x20_0018L, DART1.leafEntry(0x8_0000_0000L, true, true, true, 0x20, 0x10, false));
        fault(cfg, 0x0020_3018L, DartFaultKind.SUBPAGE, 2, 2);
    }

    @Test
    void dart1AddressBitsBelowASixteenKilobytePageAreDropped() {
        // DART1's field reaches PA bit 12; with 16K pages bits 13:12 are not page address bits.
        DartConfig cfg = DartConfig.linux61(DART1, G16K, List.of(0x40_0000L));
        mem.addPage(0x40_0000L, 0x4000).addPage(0x40_4000L, 0x4000);
        // A table entry pointing at 0x40_5000 reads the table at 0x40_4000.
        mem.writeU64(0x40_0000L, DART1.tableEntry(0x40_5000L));
        mem.writeU64(0x40_4000L + 8, DART1.pageEntry(0x9_0000_3000L, true, true, true));
        Translated t = translated(cfg, 0x4123);
        assertEquals(0x9_0000_0123L, t.pa());
        assertEquals(new DartPte.Table(0x40_5000L), t.steps().get(0).pte());
        assertEquals(0x40_4008L, t.steps().get(1).pteAddress());
    }
}
