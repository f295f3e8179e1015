package dev.lockstep.models.vmsa;

import static dev.lockstep.models.vmsa.Granule.G16K;
import static dev.lockstep.models.vmsa.Granule.G4K;
import static dev.lockstep.models.vmsa.Granule.G64K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lockstep.models.vmsa.Translation.Translated;
import org.junit.jupiter.api.Test;

/** 52-bit output addresses: FEAT_LPA with 64K, FEAT_LPA2 with 4K and 16K. */
class WalkerLargeAddressTest {

    final SparseMemory mem = new SparseMemory();

    @Test
    void sixtyFourKFiftyTwoBitWalk() {
        // 64K, 52-bit VA and PA: start level 1, index [51:42] (1024 entries, an 8K table).
        // TTBR bits [5:2] = 0x8 (0x20) put the table at 0x8_0000_0000_0000.
        WalkConfig cfg = WalkConfig.stage1(G64K, 52, 52, 0x20, 0xff);
        assertEquals(0x8_0000_0000_0000L, cfg.tableBase());
        // va = 0x3FF<<42 | 3<<29 | 2<<16 | 1 = 0xF_FC00_6002_0001: L1 index 1023 (descriptor at
        // 0x8_0000_0000_1FF8), L2 index 3, L3 index 2.
        long va = 0xF_FC00_6002_0001L;
        mem.writeU64(0x8_0000_0000_1FF8L, 0xF003L);                // table 0xF_0000_0000_0000 (OA[51:48] in [15:12])
        mem.writeU64(0xF_0000_0000_0018L, 0x1_F003L);              // table 0xF_0000_0001_0000
        mem.writeU64(0xF_0000_0001_0010L, 0x0000_1234_5678_A703L); // page 0xA_1234_5678_0000
        Translated t = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, va));
        assertEquals(0xA_1234_5678_0001L, t.pa());
        assertEquals(1023, t.steps().get(0).index());

        // A level 1 block is permitted with 52-bit PA: 4T at 0xF_FC00_0000_0000 ([47:42] = 0xFC00_0000_0000
        // in place, 0xF in [15:12]) plus va[41:0] = 0x6002_0001.
        mem.writeU64(0x8_0000_0000_1FF8L, 0x0000_FC00_0000_F701L);
        Translated block = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, va));
        assertEquals(0xF_FC00_6002_0001L, block.pa());
        assertEquals(1, block.level());
        assertEquals(1L << 42, block.regionSize());
    }

    @Test
    void fourKLpa2BlockAtLevelZero() {
        // 4K, 48-bit VA, 52-bit PA (DS = 1): level 0 blocks of 512G exist. OA 0x8_0000_0000_0000 has
        // OA[51:50] = 0b10 -> bits [9:8] = 0x200; with AF: 0x601. va 0x7F_1234_5678 < 2^39 uses L0[0].
        WalkConfig cfg = WalkConfig.stage1(G4K, 48, 52, 0x10_0000L, 0xff);
        mem.writeU64(0x10_0000L, 0x601L);
        Translated t = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0x7F_1234_5678L));
        assertEquals(0x8_007F_1234_5678L, t.pa());
        assertEquals(0, t.level());
        assertEquals(DescriptorKind.BLOCK, t.kind());
        // SH comes from TCR under LPA2, which the model does not carry: sh 0, and so non-shareable
        // for cacheable memory.
        assertEquals(0, t.sh());
        assertEquals(Shareability.NON, t.shareability());
    }

    @Test
    void fourKLpa2TableAndPageAddressesUseBitsNineAndEight() {
        WalkConfig cfg = WalkConfig.stage1(G4K, 48, 52, 0x10_0000L, 0xff);
        // va 1<<39 | 0xABC: L0 index 1, then index 0 at levels 1..3.
        mem.writeU64(0x10_0008L, 0x1303L);                    // table 0xC_0000_0000_1000 ([9:8] = 0b11)
        mem.writeU64(0xC_0000_0000_1000L, 0x2003L);            // table 0x2000
        mem.writeU64(0x2000L, 0x3003L);                        // table 0x3000
        mem.writeU64(0x3000L, 0x0003_0000_1234_5703L);         // page 0xF_0000_1234_5000
        Translated t = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, (1L << 39) | 0xABC));
        assertEquals(0xF_0000_1234_5ABCL, t.pa());
        assertEquals(0xC_0000_0000_1000L, t.steps().get(1).tableAddress());
    }

    @Test
    void sixteenKLpa2BlockAtLevelOne() {
        // 16K, 48-bit VA, 52-bit PA: level 1 blocks of 64G exist. va 0x12_3456_789A: L0 index 0,
        // L1 index va[46:36] = 1. OA 0x4_0000_0000_0000 has OA[51:50] = 0b01 -> 0x100; with AF: 0x501.
        WalkConfig cfg = WalkConfig.stage1(G16K, 48, 52, 0x10_0000L, 0xff);
        mem.writeU64(0x10_0000L, Descriptor.table(0x20_0000L, cfg));
        mem.writeU64(0x20_0008L, 0x501L);
        Translated t = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0x12_3456_789AL));
        // plus va[35:0] = 0x2_3456_789A
        assertEquals(0x4_0002_3456_789AL, t.pa());
        assertEquals(1, t.level());
        assertEquals(1L << 36, t.regionSize());
    }
}
