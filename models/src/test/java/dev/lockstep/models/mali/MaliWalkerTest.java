package dev.lockstep.models.mali;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.SparseMemory;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Mali LPAE entry and walk: what differs from LPAE stage 1 is exactly what the sources say. */
class MaliWalkerTest {
    private static final long L0 = 0x8000_0000L;
    private static final long L1 = L0 + 0x1000;
    private static final long L2 = L0 + 0x2000;
    private static final long L3 = L0 + 0x3000;
    private static final long MEMATTR = 0x88_8d_88L;   // any three bytes; only their equality matters

    private final SparseMemory mem = new SparseMemory().addPage(L0, 0x4000);
    private final MaliConfig cfg = MaliConfig.fromTranstab(L0 | 0b11, 48, 40, MEMATTR);

    private void tables(long va) {
        mem.writeU64(L0 + 8L * MaliConfig.indexOf(va, 0), L1 | 0b11);
        mem.writeU64(L1 + 8L * MaliConfig.indexOf(va, 1), L2 | 0b11);
        mem.writeU64(L2 + 8L * MaliConfig.indexOf(va, 2), L3 | 0b11);
    }

    @Test
    void aLevel3PageIsWrittenWithTheBlockType() {
        long va = 0x1234_5000L;
        tables(va);
        long page = MaliPte.leaf(0x9_0000_0000L, 1, true, false, 0b10, true, false, false, false);
        assertEquals(0b01, page & 0b11);
        mem.writeU64(L3 + 8L * MaliConfig.indexOf(va, 3), page);
        MaliTranslation t = MaliWalker.walk(cfg, mem, va + 0x123, MaliOptions.AccessFlag.FAULTS);
        MaliTranslation.Translated tr = assertInstanceOf(MaliTranslation.Translated.class, t);
        assertEquals(0x9_0000_0123L, tr.pa());
        assertEquals(3, tr.level());
        assertTrue(tr.read());
        assertFalse(tr.write());
        assertTrue(tr.execute());
        assertEquals(0x8d, tr.attribute());
    }

    @Test
    void theLpaePageTypeIsReservedAtLevel3AndABlockAtLevel0() {
        assertInstanceOf(MaliPte.Reserved.class, MaliPte.decode(0x1000L | 0b11, 3));
        assertInstanceOf(MaliPte.Reserved.class, MaliPte.decode(0x1000L | 0b01, 0));
        assertInstanceOf(MaliPte.Invalid.class, MaliPte.decode(0x1000L | 0b10, 2));
        long va = 0x4000_0000L;
        tables(va);
        mem.writeU64(L3 + 8L * MaliConfig.indexOf(va, 3), 0x9_0000_0000L | 0b11 | MaliPte.AF | MaliPte.READ);
        MaliTranslation.Fault f = assertInstanceOf(MaliTranslation.Fault.class,
                MaliWalker.walk(cfg, mem, va, MaliOptions.AccessFlag.IGNORED));
        assertEquals(MaliTranslation.FaultKind.TRANSLATION, f.kind());
        assertEquals(3, f.level());
    }

    @Test
    void aBlockAtLevel2MapsTwoMegabytesAndXnAloneForbidsExecution() {
        long va = 0x40_0020_0000L;
        mem.writeU64(L0 + 8L * MaliConfig.indexOf(va, 0), L1 | 0b11);
        mem.writeU64(L1 + 8L * MaliConfig.indexOf(va, 1), L2 | 0b11);
        mem.writeU64(L2 + 8L * MaliConfig.indexOf(va, 2), MaliPte.leaf(0x7_0020_0000L, 0, true, true, 0b10, true, false, false, true));
        MaliTranslation.Translated tr = assertInstanceOf(MaliTranslation.Translated.class,
                MaliWalker.walk(cfg, mem, va + 0x1f_f000L, MaliOptions.AccessFlag.FAULTS));
        assertEquals(0x7_003f_f000L, tr.pa());
        assertEquals(2, tr.level());
        assertFalse(tr.execute());
        assertTrue(tr.write());
    }

    @Test
    void aClearAccessFlagFaultsOnlyWhereTheOptionSaysTheGpuChecksIt() {
        long va = 0x5000;
        tables(va);
        mem.writeU64(L3 + 8L * MaliConfig.indexOf(va, 3), MaliPte.leaf(0x1000_0000L, 0, true, true, 0b10, false, false, false, false));
        assertInstanceOf(MaliTranslation.Translated.class, MaliWalker.walk(cfg, mem, va, MaliOptions.AccessFlag.IGNORED));
        MaliTranslation.Fault f = assertInstanceOf(MaliTranslation.Fault.class, MaliWalker.walk(cfg, mem, va, MaliOptions.AccessFlag.FAULTS));
        assertEquals(MaliTranslation.FaultKind.ACCESS_FLAG, f.kind());
    }

    @Test
    void anOutputAddressPastTheOutputSizeIsAnAddressSizeFault() {
        long va = 0x6000;
        tables(va);
        mem.writeU64(L3 + 8L * MaliConfig.indexOf(va, 3), MaliPte.leaf(1L << 40, 0, true, true, 0b10, true, false, false, false));
        MaliTranslation.Fault f = assertInstanceOf(MaliTranslation.Fault.class, MaliWalker.walk(cfg, mem, va, MaliOptions.AccessFlag.IGNORED));
        assertEquals(MaliTranslation.FaultKind.ADDRESS_SIZE, f.kind());
    }

    @Test
    void everyWalkStartsAtLevel0EvenForASmallInputSize() {
        MaliConfig small = MaliConfig.fromTranstab(L0 | 0b11, 33, 40, MEMATTR);
        long va = 0x1_2345_6000L;
        tables(va);
        mem.writeU64(L3 + 8L * MaliConfig.indexOf(va, 3), MaliPte.leaf(0x2000_0000L, 0, true, true, 0b10, true, false, false, false));
        MaliTranslation.Translated tr = assertInstanceOf(MaliTranslation.Translated.class,
                MaliWalker.walk(small, mem, va, MaliOptions.AccessFlag.FAULTS));
        assertEquals(0, tr.steps().get(0).level());
        assertEquals(4, tr.steps().size());
    }

    @Test
    void transtabMustSelectTheTableWalkMode() {
        assertThrows(IllegalArgumentException.class, () -> MaliConfig.fromTranstab(L0 | 0b10, 48, 40, 0));
        assertEquals(L0, MaliConfig.fromTranstab(L0 | 0b10011, 48, 40, 0).base());
    }

    @Test
    void theMemoryAttributeMustBeOneForCacheableMappingsAndAnotherForTheRest() {
        long va = 0x7000;
        tables(va);
        Mapping cached = new Mapping(va, 0x1000_0000L, 0x1000, 0x1000, Prot.of(Prot.READ | Prot.CACHE), false);
        mem.writeU64(L3 + 8L * MaliConfig.indexOf(va, 3), MaliPte.leaf(0x1000_0000L, 0, true, false, 0b10, true, false, false, false));
        MaliTranslation t = MaliWalker.walk(cfg, mem, va, MaliOptions.AccessFlag.IGNORED);
        MaliSemantics.Attributes seenPlain = MaliSemantics.Attributes.none().seen(Prot.of(Prot.READ), 0x88);
        assertEquals("memory attribute", MaliSemantics.compare(Optional.of(cached), va, t, seenPlain).get(0).field());
        assertTrue(MaliSemantics.compare(Optional.of(cached), va, t, MaliSemantics.Attributes.none()).isEmpty());
    }

    @Test
    void theLeafIsPredictedBitForBitUnderTheDefaults() {
        Mapping m = new Mapping(0x20_0000L, 0x3_0020_0000L, 0x20_0000L, 0x20_0000L,
                Prot.of(Prot.READ | Prot.WRITE | Prot.CACHE | Prot.NOEXEC), false);
        ContractOptions o = ContractOptions.defaults().with("cacheableShareability=OUTER");
        long leaf = MaliEncoding.leaf(m, 0x20_0000L, 2, 1, o, MaliOptions.defaults());
        assertEquals(0x3_0020_0000L | 0b01 | 1 << 2 | MaliPte.READ | MaliPte.WRITE | 0b10 << 8 | MaliPte.AF | MaliPte.XN, leaf);
        long withPxn = MaliEncoding.leaf(m, 0x20_0000L, 2, 1, o, MaliOptions.defaults().with("maliPxn", "AS_XN"));
        assertEquals("bit 53 (stage-1 PXN)", MaliEncoding.diff(leaf, withPxn, 2).get(0).field());
    }
}
