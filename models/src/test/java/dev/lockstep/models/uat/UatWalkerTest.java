package dev.lockstep.models.uat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.uat.UatPte.Page;
import dev.lockstep.models.uat.UatTranslation.Fault;
import dev.lockstep.models.uat.UatTranslation.Translated;
import dev.lockstep.models.vmsa.SparseMemory;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Walks through hand-built UAT tables in both halves, and each fault kind. */
class UatWalkerTest {
    static final long K16 = 0x4000;
    /** TTB0 VA 0x12_3456_789A: indices 1, 0x11a, 0x159, offset 0x389a (UatConfigTest). */
    static final long USER_VA = 0x12_3456_789AL;
    /** TTB1 VA in the kernel range: indices 2, 0, 1, offset 0xabc. */
    static final long KERNEL_VA = 0xffff_ffa0_0000_4abcL;

    final SparseMemory mem = new SparseMemory();

    UatWalkerTest() {
        for (long t = 0x100_0000L; t < 0x100_0000L + 6 * K16; t += K16) {
            mem.addPage(t, K16);
        }
    }

    /** User tables: top 0x100_0000, L2 0x100_4000, leaf table 0x100_8000; a GPU RW uncached page. */
    UatConfig user(int oas, int asid) {
        mem.writeU64(0x100_0000L + 8 * 1, UatPte.table(0x100_4000L));
        mem.writeU64(0x100_4000L + 8 * 0x11a, UatPte.table(0x100_8000L));
        mem.writeU64(0x100_8000L + 8 * 0x159,
                UatPte.encode(new Page(0x3_2100_4000L, 2, 2, 0, true, true, false, true, true)));
        return new UatConfig(oas, new UatTtbatEntry(0x100_0000L, true, asid), UatTtbatEntry.invalid());
    }

    /** Kernel tables: top 0x100_C000, L2 0x101_0000, leaf 0x101_4000; a firmware-shared page. */
    UatConfig kernel() {
        mem.writeU64(0x100_C000L + 8 * 2, UatPte.table(0x101_0000L));
        mem.writeU64(0x101_0000L, UatPte.table(0x101_4000L));
        mem.writeU64(0x101_4000L + 8, UatPte.encode(new Page(0x80_0000_0000L, 2, 0, 0, true, false, true, true, true)));
        return new UatConfig(40, new UatTtbatEntry(0x100_0000L, true, 0), new UatTtbatEntry(0x100_C000L, true, 0));
    }

    Fault fault(UatConfig cfg, long va, UatFaultKind kind, int level, int steps) {
        Fault f = assertInstanceOf(Fault.class, UatWalker.walk(cfg, mem, va));
        assertEquals(kind, f.kind());
        assertEquals(level, f.level());
        assertEquals(steps, f.steps().size());
        assertEquals(va, f.va());
        return f;
    }

    @Test
    void aUserPageThroughTtb0() {
        Translated t = assertInstanceOf(Translated.class, UatWalker.walk(user(42, 7), mem, USER_VA));
        assertEquals(UatHalf.TTB0, t.half());
        assertEquals(7, t.asid());
        assertEquals(0x3_2100_789AL, t.pa());
        assertEquals(Optional.of(UatMemAttr.UNCACHED_SHARED), t.memAttr());
        assertEquals(2, t.ap());
        assertTrue(t.uxn());
        assertFalse(t.pxn());
        assertTrue(t.gpuAccess());
        assertTrue(t.nG());
        assertEquals(0, t.sh());
        UatAccess.Rights r = assertInstanceOf(UatAccess.Rights.class, t.access());
        assertEquals(UatRights.RW, r.gpu());
        assertEquals(UatRights.NONE, r.fw());
        assertEquals(3, t.steps().size());
        assertEquals(0x100_0008L, t.steps().get(0).entryAddress());
        assertEquals(1, t.steps().get(0).index());
        // 0x100_4000 + 8 * 0x11a = 0x100_48d0; 0x100_8000 + 8 * 0x159 = 0x100_8ac8.
        assertEquals(0x100_48D0L, t.steps().get(1).entryAddress());
        assertEquals(0x100_8AC8L, t.steps().get(2).entryAddress());
        assertEquals(3, t.steps().get(2).level());
    }

    @Test
    void aKernelPageThroughTtb1() {
        Translated t = assertInstanceOf(Translated.class, UatWalker.walk(kernel(), mem, KERNEL_VA));
        assertEquals(UatHalf.TTB1, t.half());
        assertEquals(0x80_0000_0ABCL, t.pa());
        assertEquals(0x100_C010L, t.steps().get(0).entryAddress());
        assertEquals(0x101_4008L, t.steps().get(2).entryAddress());
        assertEquals(UatPermissions.cell(0, true, true), t.access());
        assertEquals("FW+GPU RW", ((UatAccess.Rights) t.access()).label());
        assertFalse(t.nG());
        // The same low 39 bits in TTB0 walk TTB0's tables, where nothing is mapped at index 2.
        fault(kernel(), KERNEL_VA & ((1L << 39) - 1), UatFaultKind.TRANSLATION, 1, 1);
    }

    @Test
    void vasInNeitherHalfAreOutOfRange() {
        UatConfig cfg = kernel();
        fault(cfg, 1L << 39, UatFaultKind.OUT_OF_RANGE, 1, 0);
        fault(cfg, 0xffff_ff7f_ffff_c000L, UatFaultKind.OUT_OF_RANGE, 1, 0);
        fault(cfg, 0x0000_8000_0000_0000L, UatFaultKind.OUT_OF_RANGE, 1, 0);
    }

    @Test
    void anInvalidTtbFaultsBeforeAnyRead() {
        // User slots leave TTB1 invalid.
        fault(user(40, 1), KERNEL_VA, UatFaultKind.TTB_INVALID, 1, 0);
        UatConfig none = new UatConfig(40, UatTtbatEntry.invalid(), UatTtbatEntry.invalid());
        fault(none, USER_VA, UatFaultKind.TTB_INVALID, 1, 0);
    }

    @Test
    void invalidAndReservedEntriesAreTranslationFaultsAtTheirLevel() {
        UatConfig cfg = user(42, 0);
        fault(cfg, USER_VA + K16, UatFaultKind.TRANSLATION, 3, 3);
        fault(cfg, USER_VA + (1L << 25), UatFaultKind.TRANSLATION, 2, 2);
        // A block-shaped entry (VALID, TYPE clear) at level 2.
        mem.writeU64(0x100_4000L + 8 * 0x11a, 0x100_8000L | 1);
        Fault f = fault(cfg, USER_VA, UatFaultKind.TRANSLATION, 2, 2);
        assertInstanceOf(UatPte.Reserved.class, f.steps().get(1).pte());
        // At the leaf level as well.
        mem.writeU64(0x100_4000L + 8 * 0x11a, UatPte.table(0x100_8000L));
        mem.writeU64(0x100_8000L + 8 * 0x159, 0x3_2100_4000L | UatPte.AF | 1);
        fault(cfg, USER_VA, UatFaultKind.TRANSLATION, 3, 3);
    }

    @Test
    void accessFlagClearFaults() {
        UatConfig cfg = user(42, 0);
        mem.writeU64(0x100_8000L + 8 * 0x159, UatPte.encode(new Page(0x3_2100_4000L, 2, 2, 0, false, true, false, true, true)));
        fault(cfg, USER_VA, UatFaultKind.ACCESS_FLAG, 3, 3);
    }

    @Test
    void addressesBeyondTheOutputSizeFault() {
        // 0x3_2100_4000 needs 34 bits: fine at 40. A page at 2^40 is not.
        UatConfig cfg = user(40, 0);
        mem.writeU64(0x100_8000L + 8 * 0x159, UatPte.encode(new Page(1L << 40, 0, 1, 0, true, false, false, false, true)));
        fault(cfg, USER_VA, UatFaultKind.ADDRESS_SIZE, 3, 3);
        // ...but is at 42.
        UatConfig wide = new UatConfig(42, cfg.ttb0(), cfg.ttb1());
        assertEquals((1L << 40) | 0x389A, ((Translated) UatWalker.walk(wide, mem, USER_VA)).pa());
        // A table at 2^40.
        mem.writeU64(0x100_4000L + 8 * 0x11a, UatPte.table(1L << 40));
        fault(cfg, USER_VA, UatFaultKind.ADDRESS_SIZE, 2, 2);
        // A TTB at 2^40.
        UatConfig far = new UatConfig(40, new UatTtbatEntry(1L << 40, true, 0), UatTtbatEntry.invalid());
        fault(far, USER_VA, UatFaultKind.ADDRESS_SIZE, 1, 0);
    }

    @Test
    void unbackedTablesAreExternalAborts() {
        UatConfig cfg = new UatConfig(40, new UatTtbatEntry(0x200_0000L, true, 0), UatTtbatEntry.invalid());
        fault(cfg, USER_VA, UatFaultKind.EXTERNAL_ABORT_ON_WALK, 1, 0);
        UatConfig u = user(40, 0);
        mem.writeU64(0x100_4000L + 8 * 0x11a, UatPte.table(0x300_0000L));
        fault(u, USER_VA, UatFaultKind.EXTERNAL_ABORT_ON_WALK, 3, 2);
    }

    @Test
    void withoutGpuAccessTheRightsAreTheFirmwaresSprrView() {
        UatConfig cfg = user(42, 0);
        mem.writeU64(0x100_8000L + 8 * 0x159, UatPte.encode(new Page(0x3_2100_4000L, 1, 1, 0, true, false, true, false, false)));
        Translated t = (Translated) UatWalker.walk(cfg, mem, USER_VA);
        assertEquals(new UatAccess.FirmwareSprr(1, false, true), t.access());
        assertEquals(Optional.of(UatMemAttr.DEVICE), t.memAttr());
    }

    @Test
    void unknownAttrIndicesTranslateWithNoKnownAttribute() {
        UatConfig cfg = user(42, 0);
        mem.writeU64(0x100_8000L + 8 * 0x159, UatPte.encode(new Page(0x3_2100_4000L, 5, 2, 0, true, false, false, false, true)));
        Translated t = (Translated) UatWalker.walk(cfg, mem, USER_VA);
        assertEquals(5, t.attrIndex());
        assertEquals(Optional.empty(), t.memAttr());
    }

    /** Every page of a random layout translates to where it was put, in both halves, and nothing else does. */
    @Test
    void randomPagesTranslateWhereTheyWerePut() {
        Random rnd = new Random(0x6A7);
        SparseMemory ram = new SparseMemory();
        long next = 0x1000_0000L;
        long[] tops = {next, next + K16};
        ram.addPage(tops[0], K16).addPage(tops[1], K16);
        next += 2 * K16;
        UatConfig cfg = new UatConfig(42, new UatTtbatEntry(tops[0], true, 9), new UatTtbatEntry(tops[1], true, 0));
        java.util.Map<Long, Long> placed = new java.util.HashMap<>();
        for (int i = 0; i < 400; i++) {
            boolean high = rnd.nextBoolean();
            long low = (rnd.nextLong() & ((1L << 39) - 1)) & -K16;
            long va = high ? UatHalf.TTB1.base() | low : low;
            long pa = (rnd.nextLong() & ((1L << 42) - 1)) & -K16;
            long table = tops[high ? 1 : 0];
            for (int level = 1; level < 3; level++) {
                long at = table + 8L * UatConfig.indexOf(va, level);
                if (ram.readU64(at) == 0) {
                    ram.addPage(next, K16);
                    ram.writeU64(at, UatPte.table(next));
                    next += K16;
                }
                table = ram.readU64(at) & UatPte.OA_MASK;
            }
            ram.writeU64(table + 8L * UatConfig.indexOf(va, 3),
                    UatPte.encode(new Page(pa, 0, 0, 0, true, false, true, true, true)));
            placed.put(va, pa);
        }
        for (var e : placed.entrySet()) {
            long off = rnd.nextInt((int) K16);
            Translated t = assertInstanceOf(Translated.class, UatWalker.walk(cfg, ram, e.getKey() + off));
            assertEquals(e.getValue() + off, t.pa());
            assertEquals(e.getKey() < 0 ? UatHalf.TTB1 : UatHalf.TTB0, t.half());
            assertEquals(e.getKey() < 0 ? 0 : 9, t.asid());
            // The next page was placed only by chance.
            long neighbour = e.getKey() + K16;
            if (!placed.containsKey(neighbour) && UatHalf.of(neighbour).isPresent()) {
                assertInstanceOf(Fault.class, UatWalker.walk(cfg, ram, neighbour));
            }
        }
    }
}
