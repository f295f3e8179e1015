package dev.lockstep.models.vmsa;

import static dev.lockstep.models.vmsa.Granule.G16K;
import static dev.lockstep.models.vmsa.Granule.G4K;
import static dev.lockstep.models.vmsa.Granule.G64K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WalkConfigTest {

    // The level whose index holds input bit (inputBits - 1). Level l of a granule resolves bits
    // [shift + (3-l)*bpl + bpl - 1 : shift + (3-l)*bpl]:
    //   4K:  L3 [20:12]  L2 [29:21]  L1 [38:30]  L0 [47:39]
    //   16K: L3 [24:14]  L2 [35:25]  L1 [46:36]  L0 [47]
    //   64K: L3 [28:16]  L2 [41:29]  L1 [51:42]
    @ParameterizedTest(name = "{0}, {1}-bit VA starts at level {2}")
    @CsvSource({
        "G4K, 39, 1", "G4K, 48, 0", "G4K, 32, 1", "G4K, 30, 2", "G4K, 21, 3", "G4K, 16, 3",
        "G16K, 36, 2", "G16K, 47, 1", "G16K, 48, 0", "G16K, 25, 3", "G16K, 26, 2",
        "G64K, 42, 2", "G64K, 48, 1", "G64K, 52, 1", "G64K, 29, 3", "G64K, 30, 2",
    })
    void stage1StartsAtTheLevelHoldingTheTopInputBit(Granule g, int inputBits, int level) {
        WalkConfig cfg = WalkConfig.stage1(g, inputBits, 48, 0, 0);
        assertEquals(level, cfg.startLevel());
        assertEquals(1, cfg.concatenatedTables());
    }

    @Test
    void stage1DropsAsidCnpAndMisalignedBaseBits() {
        // ASID 0xABCD in [63:48] and CnP in bit 0 are not address bits.
        WalkConfig cfg = WalkConfig.stage1(G4K, 39, 48, 0xABCD_0000_4000_0001L, 0xFF);
        assertEquals(0x4000_0000L, cfg.tableBase());
        assertEquals(0xFF, cfg.mair());
        // A 32-bit VA starts at L1 with index bits [31:30]: 4 entries, a 32-byte table, so the base
        // only needs 32-byte alignment: 0x4000_0020 stays, 0x4000_0028 loses bit 3.
        assertEquals(0x4000_0020L, WalkConfig.stage1(G4K, 32, 48, 0x4000_0020L, 0).tableBase());
        assertEquals(0x4000_0020L, WalkConfig.stage1(G4K, 32, 48, 0x4000_0028L, 0).tableBase());
        // A full 4K level-1 table needs 4K alignment.
        assertEquals(0x4000_0000L, WalkConfig.stage1(G4K, 39, 48, 0x4000_0020L, 0).tableBase());
    }

    @Test
    void fiftyTwoBitBaseTakesBits51To48FromTtbrBits5To2() {
        // 64K, 48-bit VA: L1 resolves [47:42], 64 entries, a 512-byte table (alignment 2^9).
        // TTBR bits [5:2] = 0xA (0x28) become base bits [51:48]; bit 9 (0x200) is kept.
        WalkConfig cfg = WalkConfig.stage1(G64K, 48, 52, 0x1234_5678_0200L | 0x28, 0);
        assertEquals(0xA_1234_5678_0200L, cfg.tableBase());
        // The same TTBR with a 48-bit output size has no BADDR[51:48]: bits [5:2] are dropped.
        assertEquals(0x1234_5678_0200L, WalkConfig.stage1(G64K, 48, 48, 0x1234_5678_0200L | 0x28, 0).tableBase());
    }

    @Test
    void fiftyTwoBitBaseIsAtLeastSixtyFourByteAligned() {
        // 64K, 43-bit VA: L1 resolves bit 42 alone, a 16-byte table. With the 52-bit TTBR layout
        // bits [5:2] are BADDR[51:48], never low address bits: TTBR 0x1_0000_0050 gives
        // 0x4 << 48 from bits [5:2] (0x10), bit 6 (0x40) in place, and no bit 4.
        WalkConfig cfg = WalkConfig.stage1(G64K, 43, 52, 0x1_0000_0050L, 0);
        assertEquals(16, cfg.initialTableSize());
        assertEquals(0x4_0001_0000_0040L, cfg.tableBase());
    }

    @ParameterizedTest(name = "{0}, {1}-bit IPA from level {2}: {3} tables")
    @CsvSource({
        // 4K L1 resolves 9 bits above bit 30: 39 bits fill one table, each bit more doubles it.
        "G4K, 39, 1, 1", "G4K, 40, 1, 2", "G4K, 43, 1, 16", "G4K, 31, 1, 1",
        // 4K L0 resolves [47:39]; L2 resolves [29:21], so 34 bits are 4 more: 16 tables.
        "G4K, 48, 0, 1", "G4K, 34, 2, 16",
    })
    void stage2ConcatenatesTablesForExtraInputBits(Granule g, int inputBits, int startLevel, int tables) {
        assertEquals(tables, WalkConfig.stage2(g, inputBits, 48, 0, startLevel).concatenatedTables());
    }

    @Test
    void stage2ConcatenationAcrossGranules() {
        // 16K L2 holds [35:25]; 40 bits are 4 more: 2^4 = 16 tables.
        assertEquals(16, WalkConfig.stage2(G16K, 40, 48, 0, 2).concatenatedTables());
        // 64K L2 holds [41:29]; 42 bits fit one table, 46 bits need 16.
        assertEquals(1, WalkConfig.stage2(G64K, 42, 48, 0, 2).concatenatedTables());
        assertEquals(16, WalkConfig.stage2(G64K, 46, 48, 0, 2).concatenatedTables());
        // 16K L0 holds [47]; it exists at stage 2 only with FEAT_LPA2 (52-bit output here).
        assertEquals(1, WalkConfig.stage2(G16K, 48, 52, 0, 0).concatenatedTables());
    }

    @Test
    void stage2RejectsWhatS2InvalidSLAndS2InconsistentSLReject() {
        // 4K from L1: 31..43 input bits (30+1 .. 30+9+4).
        assertThrows(IllegalArgumentException.class, () -> WalkConfig.stage2(G4K, 44, 48, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> WalkConfig.stage2(G4K, 30, 48, 0, 1));
        // 4K from L2: 22..34 bits.
        assertThrows(IllegalArgumentException.class, () -> WalkConfig.stage2(G4K, 42, 48, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> WalkConfig.stage2(G64K, 48, 48, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> WalkConfig.stage2(G16K, 48, 48, 0, 0));
    }

    @Test
    void stage2BaseIsAlignedToAllConcatenatedTables() {
        // 4K, 40 bits from L1: two 4K tables, 8K aligned; the VMID in [63:48] is dropped.
        WalkConfig cfg = WalkConfig.stage2(G4K, 40, 48, 0x0001_0000_8000_1000L, 1);
        assertEquals(0x8000_0000L, cfg.tableBase());
        assertEquals(8192, cfg.initialTableSize());
        assertEquals(Stage.STAGE2, cfg.stage());
    }

    @Test
    void indexOfTakesEachLevelsBits() {
        WalkConfig cfg = WalkConfig.stage1(G4K, 39, 48, 0, 0);
        // 0x40_2030_1ABC: bit 38 -> L1 index 0x100; bits 29 and 21 -> L2 index 0x101;
        // bits 20 and 12 -> L3 index 0x101.
        long va = 0x40_2030_1ABCL;
        assertEquals(0x100, cfg.indexOf(va, 1));
        assertEquals(0x101, cfg.indexOf(va, 2));
        assertEquals(0x101, cfg.indexOf(va, 3));
        assertThrows(IllegalArgumentException.class, () -> cfg.indexOf(va, 0));
    }

    @Test
    void indexAtTheStartLevelIsNarrowedOrWidenedToTheInputSize() {
        // 4K, 32-bit VA: L1 index is only [31:30], so 0xC020_3456 gives 3.
        WalkConfig narrow = WalkConfig.stage1(G4K, 32, 48, 0, 0);
        assertEquals(2, narrow.indexBits(1));
        assertEquals(3, narrow.indexOf(0xC020_3456L, 1));
        assertEquals(32, narrow.initialTableSize());
        // 4K stage 2, 40-bit IPA from L1: index [39:30], 10 bits into two concatenated tables:
        // bit 39 (512) + 3 = 515.
        WalkConfig wide = WalkConfig.stage2(G4K, 40, 48, 0, 1);
        assertEquals(10, wide.indexBits(1));
        assertEquals(515, wide.indexOf((1L << 39) | (3L << 30), 1));
        assertEquals(9, wide.indexBits(2));
    }

    @Test
    void inputAndOutputRanges() {
        WalkConfig cfg = WalkConfig.stage1(G4K, 39, 40, 0, 0);
        assertTrue(cfg.acceptsInput((1L << 39) - 1));
        assertFalse(cfg.acceptsInput(1L << 39));
        assertFalse(cfg.acceptsInput(-1));
        assertTrue(cfg.acceptsOutput((1L << 40) - 1));
        assertFalse(cfg.acceptsOutput(1L << 40));
    }

    @Test
    void canonicalConstructorRejectsInconsistentConfigurations() {
        // 39-bit stage 1 with 4K starts at level 1, never 0.
        assertThrows(IllegalArgumentException.class,
                () -> new WalkConfig(Stage.STAGE1, G4K, 39, 48, 0, 0, 1, 0));
        // 40-bit stage 2 from 4K L1 concatenates exactly 2 tables.
        assertThrows(IllegalArgumentException.class,
                () -> new WalkConfig(Stage.STAGE2, G4K, 40, 48, 0, 1, 1, 0));
        // A 4K level-1 table must be 4K aligned.
        assertThrows(IllegalArgumentException.class,
                () -> new WalkConfig(Stage.STAGE1, G4K, 39, 48, 0x800, 1, 1, 0));
        // Output sizes are PARange values: 32..48 or 52.
        assertThrows(IllegalArgumentException.class, () -> WalkConfig.stage1(G4K, 39, 50, 0, 0));
        // 4K stage 1 stops at 48 bits (52 would need level -1); 64K reaches 52 (FEAT_LVA).
        assertThrows(IllegalArgumentException.class, () -> WalkConfig.stage1(G4K, 49, 52, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> WalkConfig.stage1(G4K, 15, 48, 0, 0));
        assertEquals(52, WalkConfig.stage1(G64K, 52, 48, 0, 0).inputBits());
    }

    @Test
    void sixtyFourKLevelOneBlocksDependOnTheImplementationHavingFeatLpa() {
        WalkConfig plain = WalkConfig.stage1(Granule.G64K, 48, 48, 0, 0);
        assertFalse(plain.allowsBlockAt(1));
        assertTrue(plain.withFeatLpa(true).allowsBlockAt(1));
        assertTrue(plain.withFeatLpa(true).allowsBlockAt(2));
        // 4K and 16K need the 52-bit (DS) layout, not merely the feature.
        assertFalse(WalkConfig.stage1(Granule.G4K, 48, 48, 0, 0).withFeatLpa(true).allowsBlockAt(0));
        assertFalse(WalkConfig.stage1(Granule.G16K, 48, 48, 0, 0).withFeatLpa(true).allowsBlockAt(1));
        // A 4 TiB block at level 1 decodes as a block only on such an implementation.
        long raw = 0x0000_0400_0000_0000L | (1L << 10) | 0b01;
        assertTrue(Descriptor.decode(raw, 1, plain) instanceof Descriptor.Reserved);
        assertTrue(Descriptor.decode(raw, 1, plain.withFeatLpa(true)) instanceof Descriptor.Block);
    }
}
