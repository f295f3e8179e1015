package dev.lockstep.models.vmsa;

import static dev.lockstep.models.vmsa.CachePolicy.NON_CACHEABLE;
import static dev.lockstep.models.vmsa.CachePolicy.WRITE_BACK;
import static dev.lockstep.models.vmsa.Granule.G16K;
import static dev.lockstep.models.vmsa.Granule.G4K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lockstep.models.vmsa.Translation.Translated;
import org.junit.jupiter.api.Test;

/** Stage 2: concatenated initial tables, S2AP, XN[1:0], MemAttr, and no table-level limits. */
class WalkerStage2Test {

    // 4K, 40-bit IPA from level 1: index [39:30] over two concatenated 4K tables at 0x8000_0000.
    static final WalkConfig CFG = WalkConfig.stage2(G4K, 40, 48, 0x8000_0000L, 1);
    // IPA = 1<<39 | 3<<30 | 5<<21 | 7<<12 | 0x123: level 1 index 512 + 3 = 515, in the second
    // table, at 0x8000_0000 + 515 * 8 = 0x8000_1018; level 2 index 5, level 3 index 7.
    static final long IPA = (1L << 39) | (3L << 30) | (5L << 21) | (7L << 12) | 0x123;

    final SparseMemory mem = new SparseMemory();

    Translated walk(LeafAttributes leaf) {
        mem.writeU64(0x8000_1018L, Descriptor.table(0x9000_0000L, CFG));
        mem.writeU64(0x9000_0028L, Descriptor.table(0x9100_0000L, CFG));
        mem.writeU64(0x9100_0038L, Descriptor.page(0xA_0000_0000L, leaf, CFG));
        return assertInstanceOf(Translated.class, Walker.walk(CFG, mem, IPA));
    }

    @Test
    void concatenatedInitialTablesAreIndexedAsOne() {
        assertEquals(2, CFG.concatenatedTables());
        Translated t = walk(LeafAttributes.stage2(0b1111, 0b11, 0b11));
        assertEquals(0xA_0000_0123L, t.pa());
        WalkStep first = t.steps().get(0);
        assertEquals(515, first.index());
        assertEquals(0x8000_0000L, first.tableAddress());
        assertEquals(0x8000_1018L, first.descriptorAddress());
        assertEquals(new MemoryType.Normal(WRITE_BACK, WRITE_BACK, false, false, false, false), t.memoryType());
        assertEquals(Shareability.INNER, t.shareability());
        assertEquals(new Permissions(true, true, true, true, true, true), t.permissions());
        assertFalse(t.nG());
        assertFalse(t.ns());

        // The same IPA without bit 39 uses index 3, in the first table.
        mem.writeU64(0x8000_0018L, Descriptor.block(1, 0x4000_0000L, LeafAttributes.stage2(0b1111, 0b11, 0b11), CFG));
        Translated low = assertInstanceOf(Translated.class, Walker.walk(CFG, mem, IPA & ~(1L << 39)));
        // 1G block at 0x4000_0000 plus IPA[29:0] = 5<<21 | 7<<12 | 0x123 = 0xA0_7123.
        assertEquals(0x40A0_7123L, low.pa());
        assertEquals(1, low.level());
    }

    @Test
    void s2apBitZeroReadsBitOneWrites() {
        assertEquals(new Permissions(false, false, true, false, false, true),
                walk(LeafAttributes.stage2(0b1111, 0b00, 3)).permissions());
        assertEquals(new Permissions(true, false, true, true, false, true),
                walk(LeafAttributes.stage2(0b1111, 0b01, 3)).permissions());
        assertEquals(new Permissions(false, true, true, false, true, true),
                walk(LeafAttributes.stage2(0b1111, 0b10, 3)).permissions());
    }

    @Test
    void xnTwoBitEncodings() {
        // FEAT_XNX: 00 both execute, 01 EL0 only, 10 neither, 11 EL1 only.
        assertEquals(new Permissions(true, true, true, true, true, true),
                walk(LeafAttributes.stage2(0b1111, 0b11, 3).withS2xn(0b00)).permissions());
        assertEquals(new Permissions(true, true, true, true, true, false),
                walk(LeafAttributes.stage2(0b1111, 0b11, 3).withS2xn(0b01)).permissions());
        assertEquals(new Permissions(true, true, false, true, true, false),
                walk(LeafAttributes.stage2(0b1111, 0b11, 3).withS2xn(0b10)).permissions());
        assertEquals(new Permissions(true, true, false, true, true, true),
                walk(LeafAttributes.stage2(0b1111, 0b11, 3).withS2xn(0b11)).permissions());
    }

    @Test
    void memAttrGivesTheMemoryTypeAndDecidesShareability() {
        Translated device = walk(LeafAttributes.stage2(0b0001, 0b11, 0b00));
        assertEquals(new MemoryType.Device(DeviceKind.nGnRE), device.memoryType());
        assertEquals(Shareability.OUTER, device.shareability());
        Translated nc = walk(LeafAttributes.stage2(0b0101, 0b11, 0b11));
        assertEquals(new MemoryType.Normal(NON_CACHEABLE, NON_CACHEABLE, false, false, false, false), nc.memoryType());
        assertEquals(Shareability.OUTER, nc.shareability());
        assertEquals(3, nc.sh());
        Translated wbOuter = walk(LeafAttributes.stage2(0b1111, 0b11, 0b10));
        assertEquals(Shareability.OUTER, wbOuter.shareability());
        Translated reserved = walk(LeafAttributes.stage2(0b0100, 0b11, 0b00));
        assertEquals(new MemoryType.Reserved(0b0100), reserved.memoryType());
        assertEquals(Shareability.NON, reserved.shareability());
    }

    @Test
    void stage2TableBitsImposeNoLimits() {
        // Bits [63:59] of a stage 2 table descriptor are RES0: the APTable/XNTable positions of
        // stage 1 take nothing away here.
        walk(LeafAttributes.stage2(0b1111, 0b11, 3));
        mem.writeU64(0x8000_1018L, 0xF800_0000_9000_0003L);
        Translated t = assertInstanceOf(Translated.class, Walker.walk(CFG, mem, IPA));
        assertEquals(new Permissions(true, true, true, true, true, true), t.permissions());
        assertFalse(t.ns());
    }

    @Test
    void sixteenConcatenatedSixteenKTables() {
        // 16K, 40-bit IPA from level 2: index [39:25], 15 bits over 16 tables (256K, so the base is
        // 256K aligned). IPA 0xFF_FE00_1234 has all 15 index bits set: index 0x7FFF, descriptor at
        // 0x4000_0000 + 0x7FFF * 8 = 0x4003_FFF8. A 32M block there at 0x1_0000_0000 adds
        // IPA[24:0] = 0x1234.
        WalkConfig cfg = WalkConfig.stage2(G16K, 40, 48, 0x4000_0000L, 2);
        assertEquals(16, cfg.concatenatedTables());
        mem.writeU64(0x4003_FFF8L, Descriptor.block(2, 0x1_0000_0000L, LeafAttributes.stage2(0b1111, 0b11, 3), cfg));
        Translated t = assertInstanceOf(Translated.class, Walker.walk(cfg, mem, 0xFF_FE00_1234L));
        assertEquals(0x1_0000_1234L, t.pa());
        assertEquals(0x7FFF, t.steps().get(0).index());
        assertEquals(DescriptorKind.BLOCK, t.kind());
    }

    @Test
    void stage2FaultsLikeStage1() {
        // IPA beyond 40 bits: Translation fault at level 0.
        Translation.Fault f = assertInstanceOf(Translation.Fault.class, Walker.walk(CFG, mem, 1L << 40));
        assertEquals(FaultKind.TRANSLATION, f.kind());
        assertEquals(0, f.level());
        // Access flag clear at the page.
        mem.writeU64(0x8000_1018L, Descriptor.table(0x9000_0000L, CFG));
        mem.writeU64(0x9000_0028L, Descriptor.table(0x9100_0000L, CFG));
        mem.writeU64(0x9100_0038L, Descriptor.page(0xA_0000_0000L, LeafAttributes.stage2(0b1111, 3, 3).withAf(false), CFG));
        Translation.Fault af = assertInstanceOf(Translation.Fault.class, Walker.walk(CFG, mem, IPA));
        assertEquals(FaultKind.ACCESS_FLAG, af.kind());
        assertEquals(3, af.level());
    }
}
