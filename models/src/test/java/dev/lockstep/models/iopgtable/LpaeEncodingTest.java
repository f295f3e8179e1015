package dev.lockstep.models.iopgtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.WalkConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class LpaeEncodingTest {
    // MAIR with index 0 Normal-NC (0x44), 1 Normal-WB (0xff), 2 Device-nGnRE (0x04), 3 0xf4.
    private static final long MAIR = 0xfffffffff404ff44L;
    private final WalkConfig s1 = WalkConfig.stage1(Granule.G4K, 48, 48, 0x800000000L, MAIR);
    private final ContractOptions o = ContractOptions.defaults();

    private static Mapping page(long iova, long pa, int prot) {
        return new Mapping(iova, pa, 0x1000, 0x1000, Prot.of(prot), false);
    }

    @Test
    void aCacheableReadWritePageAtStage1() {
        // 0b11 page | AttrIndx 1 (0x4) | AP[1] EL0 (0x40) | SH inner (0x300) | AF (0x400) | nG (0x800)
        long want = 0x12345000L | 0x3 | 0x4 | 0x40 | 0x300 | 0x400 | 0x800;
        assertEquals(want, LpaeEncoding.leaf(page(0, 0x12345000L, Prot.READ | Prot.WRITE | Prot.CACHE), 0x18, 3, s1, o).getAsLong());
    }

    @Test
    void aPrivilegedReadOnlyNoExecDevicePage() {
        // AttrIndx 2 (0x8) | AP[2] read-only (0x80) | SH outer (0x200) | AF | nG | PXN (bit 53) | UXN (bit 54)
        long want = 0x40000000L | 0x3 | 0x8 | 0x80 | 0x200 | 0x400 | 0x800 | (1L << 53) | (1L << 54);
        assertEquals(want, LpaeEncoding.leaf(page(0, 0x40000000L, Prot.READ | Prot.MMIO | Prot.PRIV | Prot.NOEXEC), 0, 3, s1, o)
                .getAsLong());
    }

    @Test
    void aBlockCarriesTheOutputAddressOfTheBlockHoldingVa() {
        Mapping m = new Mapping(0, 0x80000000L, 0x400000, 0x200000, Prot.of(Prot.READ | Prot.WRITE), false);
        long raw = LpaeEncoding.leaf(m, 0x200123, 2, s1, o).getAsLong();
        assertEquals(0x80200000L, raw & 0x0000fffffffff000L);
        assertEquals(0b01, raw & 0b11);
    }

    @Test
    void stage2UsesMemAttrS2apAndXn() {
        WalkConfig s2 = WalkConfig.stage2(Granule.G4K, 40, 48, 0x800000000L, 1);
        // MemAttr 0b1111 (0x3c) | S2AP read only (0x40) | SH inner (0x300) | AF | XN 0b10 (bit 54)
        long want = 0x1000L | 0x3 | 0x3c | 0x40 | 0x300 | 0x400 | (1L << 54);
        assertEquals(want, LpaeEncoding.leaf(page(0, 0x1000L, Prot.READ | Prot.CACHE | Prot.NOEXEC), 0, 3, s2, o).getAsLong());
    }

    @Test
    void diffNamesTheFieldsThatDiffer() {
        long want = LpaeEncoding.leaf(page(0, 0x12345000L, Prot.READ | Prot.WRITE | Prot.CACHE), 0, 3, s1, o).getAsLong();
        long got = want & ~0x800L & ~0x300L | 0x200L;
        List<LpaeEncoding.FieldDiff> d = LpaeEncoding.diff(want, got, 3, s1);
        assertEquals(List.of("SH", "nG"), d.stream().map(LpaeEncoding.FieldDiff::field).toList());
        assertTrue(LpaeEncoding.diff(want, want, 3, s1).isEmpty());
    }

    @Test
    void theNotGlobalChoiceIsAnOption() {
        long global = LpaeEncoding.leaf(page(0, 0x1000L, Prot.READ), 0, 3, s1, o.with("nG=CLEAR")).getAsLong();
        assertEquals(0, global & 0x800);
    }
}
