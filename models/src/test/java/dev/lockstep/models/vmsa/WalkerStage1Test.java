package dev.lockstep.models.vmsa;

import static dev.lockstep.models.vmsa.Granule.G16K;
import static dev.lockstep.models.vmsa.Granule.G4K;
import static dev.lockstep.models.vmsa.Granule.G64K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lockstep.models.vmsa.Translation.Translated;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stage 1 walks to pages and blocks with each granule, from the start level each input size implies. */
class WalkerStage1Test {

    /** Attr0 = 0xff (Normal write-back), Attr1 = 0x04 (Device-nGnRE), Attr2 = 0x44 (Normal non-cacheable). */
    static final long MAIR = 0x0044_04ffL;

    /** AttrIndx 0, AP 00, SH 0b11, AF: 0x700 in the low bits of a leaf. */
    static final LeafAttributes NORMAL = LeafAttributes.stage1(0, 0, 3);

    final SparseMemory mem = new SparseMemory();

    @Test
    void fourKThirtyNineBitPageFromLevelOne() {
        // 39-bit VA with 4K: start level 1. va 0x40_2030_1ABC has L1 index 0x100 (bit 38),
        // L2 index 0x101 (bits 29, 21), L3 index 0x101 (bits 20, 12), page offset 0xABC.
        WalkConfig cfg = WalkConfig.stage1(G4K, 39, 48, 0x4000_0000L, MAIR);
        mem.writeU64(0x4000_0800L, 0x4000_1003L);           // L1[0x100] -> table 0x4000_1000
        mem.writeU64(0x4000_1808L, 0x4000_2003L);           // L2[0x101] -> table 0x4000_2000
        mem.writeU64(0x4000_2808L, 0x0000_0008_7654_3703L); // L3[0x101] -> page 0x8_7654_3000

        Translated t = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0x40_2030_1ABCL));
        assertEquals(0x8_7654_3ABCL, t.pa());
        assertEquals(3, t.level());
        assertEquals(DescriptorKind.PAGE, t.kind());
        assertEquals(0x1000, t.regionSize());
        assertEquals(MemoryType.fromMairAttr(0xff), t.memoryType());
        assertEquals(Shareability.INNER, t.shareability());
        assertEquals(3, t.sh());
        assertEquals(List.of(1, 2, 3), t.steps().stream().map(WalkStep::level).toList());
        assertEquals(List.of(0x100, 0x101, 0x101), t.steps().stream().map(WalkStep::index).toList());
        assertEquals(List.of(0x4000_0800L, 0x4000_1808L, 0x4000_2808L),
                t.steps().stream().map(WalkStep::descriptorAddress).toList());
        assertEquals(List.of(0x4000_0000L, 0x4000_1000L, 0x4000_2000L),
                t.steps().stream().map(WalkStep::tableAddress).toList());
    }

    @Test
    void fourKBlocksAtLevelsOneAndTwo() {
        WalkConfig cfg = WalkConfig.stage1(G4K, 39, 48, 0x4000_0000L, MAIR);
        long va = 0x40_2030_1ABCL;
        // L2 block: 2M at 0x8_7640_0000, plus va[20:0] = 0x10_1ABC.
        mem.writeU64(0x4000_0800L, 0x4000_1003L);
        mem.writeU64(0x4000_1808L, 0x0000_0008_7640_0701L);
        Translated l2 = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, va));
        assertEquals(0x8_7650_1ABCL, l2.pa());
        assertEquals(2, l2.level());
        assertEquals(DescriptorKind.BLOCK, l2.kind());
        assertEquals(0x20_0000, l2.regionSize());
        assertEquals(2, l2.steps().size());

        // L1 block: 1G at 0x80_0000_0000, plus va[29:0] = 0x2030_1ABC.
        mem.writeU64(0x4000_0800L, 0x0000_0080_0000_0701L);
        Translated l1 = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, va));
        assertEquals(0x80_2030_1ABCL, l1.pa());
        assertEquals(1, l1.level());
        assertEquals(0x4000_0000L, l1.regionSize());
    }

    @Test
    void fourKFortyEightBitWalkStartsAtLevelZero() {
        // 48-bit VA: start level 0. va = 1<<39 | 2<<30 | 3<<21 | 4<<12 | 5 = 0x80_8060_4005
        // gives indices 1, 2, 3, 4 at levels 0..3.
        WalkConfig cfg = WalkConfig.stage1(G4K, 48, 48, 0x10_0000L, MAIR);
        mem.writeU64(0x10_0008L, Descriptor.table(0x11_0000L));
        mem.writeU64(0x11_0010L, Descriptor.table(0x12_0000L));
        mem.writeU64(0x12_0018L, Descriptor.table(0x13_0000L));
        mem.writeU64(0x13_0020L, Descriptor.page(0x9_9999_9000L, NORMAL, cfg));
        Translated t = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0x80_8060_4005L));
        assertEquals(0x9_9999_9005L, t.pa());
        assertEquals(List.of(0, 1, 2, 3), t.steps().stream().map(WalkStep::level).toList());
        assertEquals(List.of(1, 2, 3, 4), t.steps().stream().map(WalkStep::index).toList());
    }

    @Test
    void fourKThirtyTwoBitWalkHasAFourEntryLevelOneTable() {
        // 32-bit VA: start level 1 with index [31:30], a 32-byte table that may sit at 0x4000_0020.
        // va 0xC020_3456: L1 index 3 (at 0x4000_0038), L2 index 1, L3 index 3, offset 0x456.
        WalkConfig cfg = WalkConfig.stage1(G4K, 32, 48, 0x4000_0020L, MAIR);
        mem.writeU64(0x4000_0038L, Descriptor.table(0x5000_0000L));
        mem.writeU64(0x5000_0008L, Descriptor.table(0x6000_0000L));
        mem.writeU64(0x6000_0018L, Descriptor.page(0x7000_0000L, NORMAL, cfg));
        Translated t = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0xC020_3456L));
        assertEquals(0x7000_0456L, t.pa());
        assertEquals(0x4000_0038L, t.steps().get(0).descriptorAddress());
    }

    @Test
    void sixteenKThirtySixBitStartsAtLevelTwo() {
        // 16K, 36-bit VA: start level 2, index [35:25]. va 0xA01_8007 = 5<<25 | 6<<14 | 7.
        WalkConfig cfg = WalkConfig.stage1(G16K, 36, 48, 0x100_0000L, MAIR);
        mem.writeU64(0x100_0028L, Descriptor.table(0x100_4000L));                 // L2[5]
        mem.writeU64(0x100_4030L, Descriptor.page(0x2_0000_C000L, NORMAL, cfg)); // L3[6]
        Translated page = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0xA01_8007L));
        assertEquals(0x2_0000_C007L, page.pa());
        assertEquals(0x4000, page.regionSize());
        assertEquals(2, page.steps().get(0).level());

        // L2 block: 32M at 0x2_0000_0000 plus va[24:0] = 0x1_8007.
        mem.writeU64(0x100_0028L, Descriptor.block(2, 0x2_0000_0000L, NORMAL, cfg));
        Translated block = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0xA01_8007L));
        assertEquals(0x2_0001_8007L, block.pa());
        assertEquals(0x200_0000, block.regionSize());
        assertEquals(DescriptorKind.BLOCK, block.kind());
    }

    @Test
    void sixteenKFortySevenBitStartsAtLevelOne() {
        // 47 bits: start level 1, index [46:36]. va = 1<<36 | 2<<25 | 3<<14 | 4 = 0x10_0400_C004.
        WalkConfig cfg = WalkConfig.stage1(G16K, 47, 48, 0x100_0000L, MAIR);
        mem.writeU64(0x100_0008L, Descriptor.table(0x100_4000L));
        mem.writeU64(0x100_4010L, Descriptor.table(0x100_8000L));
        mem.writeU64(0x100_8018L, Descriptor.page(0x3_0000_0000L, NORMAL, cfg));
        Translated t = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0x10_0400_C004L));
        assertEquals(0x3_0000_0004L, t.pa());
        assertEquals(List.of(1, 2, 3), t.steps().stream().map(WalkStep::level).toList());
    }

    @Test
    void sixteenKFortyEightBitStartsAtATwoEntryLevelZero() {
        // 48 bits: level 0 resolves bit 47 alone, a 16-byte table. va = 1<<47 | 1<<36 | 2<<25 | 3<<14 | 4.
        WalkConfig cfg = WalkConfig.stage1(G16K, 48, 48, 0x200_0010L, MAIR);
        mem.writeU64(0x200_0018L, Descriptor.table(0x100_0000L)); // L0[1]
        mem.writeU64(0x100_0008L, Descriptor.table(0x100_4000L));
        mem.writeU64(0x100_4010L, Descriptor.table(0x100_8000L));
        mem.writeU64(0x100_8018L, Descriptor.page(0x3_0000_0000L, NORMAL, cfg));
        Translated t = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0x8010_0400_C004L));
        assertEquals(0x3_0000_0004L, t.pa());
        assertEquals(List.of(0, 1, 2, 3), t.steps().stream().map(WalkStep::level).toList());
    }

    @Test
    void sixtyFourKFortyTwoBitStartsAtLevelTwo() {
        // 64K, 42 bits: start level 2, index [41:29]. va 0x6002_0001 = 3<<29 | 2<<16 | 1.
        WalkConfig cfg = WalkConfig.stage1(G64K, 42, 48, 0x1000_0000L, MAIR);
        mem.writeU64(0x1000_0018L, Descriptor.table(0x1001_0000L));
        mem.writeU64(0x1001_0010L, Descriptor.page(0x3_0005_0000L, NORMAL, cfg));
        Translated page = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0x6002_0001L));
        assertEquals(0x3_0005_0001L, page.pa());
        assertEquals(0x1_0000, page.regionSize());

        // L2 block: 512M at 0x3_2000_0000 plus va[28:0] = 0x2_0001.
        mem.writeU64(0x1000_0018L, Descriptor.block(2, 0x3_2000_0000L, NORMAL, cfg));
        Translated block = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0x6002_0001L));
        assertEquals(0x3_2002_0001L, block.pa());
        assertEquals(0x2000_0000, block.regionSize());
    }

    @Test
    void sixtyFourKFortyEightBitStartsAtLevelOne() {
        // 48 bits: start level 1, index [47:42], 64 entries.
        // va = 5<<42 (0x1400_0000_0000) | 3<<29 (0x6000_0000) | 2<<16 | 1 = 0x1400_6002_0001.
        WalkConfig cfg = WalkConfig.stage1(G64K, 48, 48, 0x1000_0000L, MAIR);
        mem.writeU64(0x1000_0028L, Descriptor.table(0x1001_0000L));
        mem.writeU64(0x1001_0018L, Descriptor.table(0x1002_0000L));
        mem.writeU64(0x1002_0010L, Descriptor.page(0x3_0005_0000L, NORMAL, cfg));
        Translated t = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0x1400_6002_0001L));
        assertEquals(0x3_0005_0001L, t.pa());
        assertEquals(List.of(5, 3, 2), t.steps().stream().map(WalkStep::index).toList());
    }

    @Test
    void attributesReportedFromTheLeaf() {
        WalkConfig cfg = WalkConfig.stage1(G4K, 39, 48, 0x4000_0000L, MAIR);
        mem.writeU64(0x4000_0800L, Descriptor.block(1, 0x80_0000_0000L,
                LeafAttributes.stage1(1, 0, 0).withNG(true).withContiguous(true), cfg));
        Translated t = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0x40_0000_0000L));
        // AttrIndx 1 selects MAIR byte 1 = 0x04: Device-nGnRE, outer shareable although SH = 00.
        assertEquals(new MemoryType.Device(DeviceKind.nGnRE), t.memoryType());
        assertEquals(Shareability.OUTER, t.shareability());
        assertEquals(0, t.sh());
        assertEquals(true, t.nG());
        assertEquals(true, t.contiguous());
        assertEquals(true, t.af());
        assertFalse(t.ns());
    }
}
