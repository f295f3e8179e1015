package dev.lockstep.models.vmsa;

import static dev.lockstep.models.vmsa.Granule.G16K;
import static dev.lockstep.models.vmsa.Granule.G4K;
import static dev.lockstep.models.vmsa.Granule.G64K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DescriptorTest {

    static final WalkConfig S1_4K = WalkConfig.stage1(G4K, 39, 48, 0, 0);
    static final WalkConfig S1_4K_48 = WalkConfig.stage1(G4K, 48, 48, 0, 0);
    static final WalkConfig S1_16K = WalkConfig.stage1(G16K, 47, 48, 0, 0);
    static final WalkConfig S1_64K = WalkConfig.stage1(G64K, 48, 48, 0, 0);
    static final WalkConfig S1_64K_LPA = WalkConfig.stage1(G64K, 52, 52, 0, 0);
    static final WalkConfig S1_4K_LPA2 = WalkConfig.stage1(G4K, 48, 52, 0, 0);
    static final WalkConfig S1_16K_LPA2 = WalkConfig.stage1(G16K, 48, 52, 0, 0);
    static final WalkConfig S2_4K = WalkConfig.stage2(G4K, 40, 48, 0, 1);

    @Test
    void tableEncoding() {
        // Address in place, bits[1:0] = 0b11.
        assertEquals(0x4000_1003L, Descriptor.table(0x4000_1000L));
        // NSTable bit 63, APTable 0b11 in [62:61], UXNTable 60, PXNTable 59: top nibbles 0xF8.
        assertEquals(0xF800_0000_4000_1003L, Descriptor.table(0x4000_1000L, true, 3, true, true, S1_4K));
        Descriptor.Table t = assertInstanceOf(Descriptor.Table.class,
                Descriptor.decode(0xF800_0000_4000_1003L, 1, S1_4K));
        assertEquals(new Descriptor.Table(0xF800_0000_4000_1003L, 0x4000_1000L, true, 3, true, true), t);
        // APTable = 0b01 alone: bit 61.
        Descriptor.Table ap = assertInstanceOf(Descriptor.Table.class,
                Descriptor.decode(0x2000_0000_4000_1003L, 2, S1_4K));
        assertEquals(1, ap.apTable());
        assertFalse(ap.nsTable());
    }

    @Test
    void stage2TableDescriptorsHaveNoAttributes() {
        long raw = 0xF800_0000_4000_1003L;
        assertEquals(new Descriptor.Table(raw, 0x4000_1000L, false, 0, false, false), Descriptor.decode(raw, 1, S2_4K));
        // Their bits [63:59] are RES0, so such a descriptor is not well-formed at stage 2.
        assertFalse(Descriptor.isWellFormed(raw, 1, S2_4K));
        assertTrue(Descriptor.isWellFormed(raw, 1, S1_4K));
        assertThrows(IllegalArgumentException.class, () -> Descriptor.table(0x4000_1000L, false, 1, false, false, S2_4K));
    }

    @Test
    void stage1PageEncoding() {
        // AttrIndx 0, AP 00, SH 0b11 (0x300), AF (0x400), page type 0b11: 0x703.
        assertEquals(0x0000_0008_7654_3703L, Descriptor.page(0x8_7654_3000L, LeafAttributes.stage1(0, 0, 3), S1_4K));
        LeafAttributes all = LeafAttributes.stage1(2, 3, 2).withNs(true).withNG(true).withContiguous(true)
                .withDbm(true).withPxn(true).withUxn(true).withSoftware(0xA);
        // Low bits: AttrIndx 2<<2 = 0x8, NS 0x20, AP 3<<6 = 0xC0, SH 2<<8 = 0x200, AF 0x400, nG 0x800, 0b11
        //   = 0xEEB. High bits: DBM 51, Contiguous 52, PXN 53, UXN 54 = 0x0078 << 48;
        //   software 0xA << 55 = bits 56 and 58 = 0x0500 << 48.
        long raw = 0x0578_0008_7654_3EEBL;
        assertEquals(raw, Descriptor.page(0x8_7654_3000L, all, S1_4K));
        Descriptor.Page p = assertInstanceOf(Descriptor.Page.class, Descriptor.decode(raw, 3, S1_4K));
        assertEquals(0x8_7654_3000L, p.outputAddress());
        assertEquals(all, p.attributes());
        assertEquals(raw, p.raw());
    }

    @Test
    void stage2PageEncoding() {
        // MemAttr 0xF << 2 = 0x3C, S2AP 3 << 6 = 0xC0, SH 0x300, AF 0x400, 0b11: 0x7FF; XN 0b10 = bit 54.
        LeafAttributes a = LeafAttributes.stage2(0xF, 3, 3).withS2xn(2);
        long raw = 0x0040_0000_1234_57FFL;
        assertEquals(raw, Descriptor.page(0x1234_5000L, a, S2_4K));
        Descriptor.Page p = assertInstanceOf(Descriptor.Page.class, Descriptor.decode(raw, 3, S2_4K));
        assertEquals(a, p.attributes());
        // The same raw word read at stage 1 is AttrIndx 0b111, NS, AP 0b11, UXN.
        LeafAttributes s1 = assertInstanceOf(Descriptor.Page.class, Descriptor.decode(raw, 3, S1_4K)).attributes();
        assertEquals(7, s1.attrIndx());
        assertTrue(s1.ns());
        assertTrue(s1.uxn());
        assertFalse(s1.pxn());
    }

    @Test
    void stage2BitElevenIsNotNotGlobal() {
        // Bit 11 is nG at stage 1 only; at stage 2 it is not a modelled field.
        long raw = 0x1234_5000L | 0x800 | 0x400 | 0b11;
        LeafAttributes a = assertInstanceOf(Descriptor.Page.class, Descriptor.decode(raw, 3, S2_4K)).attributes();
        assertFalse(a.nG());
        assertFalse(Descriptor.isWellFormed(raw, 3, S2_4K));
        assertTrue(assertInstanceOf(Descriptor.Page.class, Descriptor.decode(raw, 3, S1_4K)).attributes().nG());
    }

    @Test
    void blockEncoding() {
        // 4K level 2 block: 2M-aligned OA in place, 0x700 attributes, bits[1:0] = 0b01.
        assertEquals(0x0000_0008_7640_0701L, Descriptor.block(2, 0x8_7640_0000L, LeafAttributes.stage1(0, 0, 3), S1_4K));
        Descriptor.Block b = assertInstanceOf(Descriptor.Block.class, Descriptor.decode(0x0000_0008_7640_0701L, 2, S1_4K));
        assertEquals(2, b.level());
        assertEquals(0x8_7640_0000L, b.outputAddress());
        // Bits between 4K and the 2M alignment are not output address bits.
        long lowBits = 0x0000_0008_7640_1701L;
        assertEquals(0x8_7640_0000L,
                assertInstanceOf(Descriptor.Block.class, Descriptor.decode(lowBits, 2, S1_4K)).outputAddress());
        assertFalse(Descriptor.isWellFormed(lowBits, 2, S1_4K));
    }

    @Test
    void encodersRejectWhatCannotBeEncoded() {
        LeafAttributes s1 = LeafAttributes.stage1(0, 0, 3);
        assertThrows(IllegalArgumentException.class, () -> Descriptor.block(2, 0x8_7640_1000L, s1, S1_4K));
        assertThrows(IllegalArgumentException.class, () -> Descriptor.block(3, 0x8_7640_0000L, s1, S1_4K));
        assertThrows(IllegalArgumentException.class, () -> Descriptor.block(0, 0, s1, S1_4K_48));
        assertThrows(IllegalArgumentException.class, () -> Descriptor.page(1L << 48, s1, S1_4K));
        assertThrows(IllegalArgumentException.class, () -> Descriptor.page(0x1800, s1, S1_4K));
        assertThrows(IllegalArgumentException.class, () -> Descriptor.page(0x1000, s1, S2_4K));
        assertThrows(IllegalArgumentException.class, () -> Descriptor.table(0x4000_0800L));
        assertThrows(IllegalArgumentException.class, () -> LeafAttributes.stage1(8, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LeafAttributes.stage2(0, 0, 0).withPxn(true));
        assertThrows(IllegalArgumentException.class, () -> LeafAttributes.stage1(0, 0, 0).withS2xn(1));
    }

    @Test
    void invalidAndReservedEncodings() {
        // bit 0 clear: invalid, whatever else is set.
        assertEquals(new Descriptor.Invalid(0xFFFF_FFFF_FFFF_FFFEL), Descriptor.decode(0xFFFF_FFFF_FFFF_FFFEL, 2, S1_4K));
        // 0b01 at level 3 is reserved.
        assertEquals(new Descriptor.Reserved(0x8_7654_3701L, 3), Descriptor.decode(0x8_7654_3701L, 3, S1_4K));
        // Blocks where the granule has none: 4K L0, 16K L1, 64K L1 with a 48-bit output size.
        assertEquals(new Descriptor.Reserved(0x401L, 0), Descriptor.decode(0x401L, 0, S1_4K_48));
        assertEquals(new Descriptor.Reserved(0x401L, 1), Descriptor.decode(0x401L, 1, S1_16K));
        assertEquals(new Descriptor.Reserved(0x401L, 1), Descriptor.decode(0x401L, 1, S1_64K));
        // ... which the 52-bit layouts permit.
        assertInstanceOf(Descriptor.Block.class, Descriptor.decode(0x401L, 0, S1_4K_LPA2));
        assertInstanceOf(Descriptor.Block.class, Descriptor.decode(0x401L, 1, S1_16K_LPA2));
        assertInstanceOf(Descriptor.Block.class, Descriptor.decode(0x401L, 1, S1_64K_LPA));
        assertThrows(IllegalArgumentException.class, () -> Descriptor.decode(0x3L, 0, S1_64K));
    }

    @Test
    void lpaLayoutFor64KPutsOutputBits51To48InBits15To12() {
        // OA 0xF_1234_5678_0000: [47:16] in place, 0xF into [15:12] (0xF000), plus 0x703.
        long raw = 0x0000_1234_5678_F703L;
        assertEquals(raw, Descriptor.page(0xF_1234_5678_0000L, LeafAttributes.stage1(0, 0, 3), S1_64K_LPA));
        assertEquals(0xF_1234_5678_0000L,
                assertInstanceOf(Descriptor.Page.class, Descriptor.decode(raw, 3, S1_64K_LPA)).outputAddress());
        // With a 48-bit output size bits [15:12] are RES0, not address.
        assertEquals(0x1234_5678_0000L,
                assertInstanceOf(Descriptor.Page.class, Descriptor.decode(raw, 3, S1_64K)).outputAddress());
        assertFalse(Descriptor.isWellFormed(raw, 3, S1_64K));
        // Tables use the same layout: 0xF003 points at 0xF_0000_0000_0000.
        assertEquals(0xF_0000_0000_0000L,
                assertInstanceOf(Descriptor.Table.class, Descriptor.decode(0xF003L, 1, S1_64K_LPA)).nextTableAddress());
    }

    @Test
    void lpa2LayoutPutsOutputBits51To50InBits9To8() {
        // OA 0xF_0000_1234_5000: bits [49:12] in place (0x3_0000_1234_5000), [51:50] = 0b11 into
        // [9:8] (0x300), AF 0x400, page 0b11. SH must be 0: its field holds the address.
        long raw = 0x0003_0000_1234_5703L;
        assertEquals(raw, Descriptor.page(0xF_0000_1234_5000L, LeafAttributes.stage1(0, 0, 0), S1_4K_LPA2));
        Descriptor.Page p = assertInstanceOf(Descriptor.Page.class, Descriptor.decode(raw, 3, S1_4K_LPA2));
        assertEquals(0xF_0000_1234_5000L, p.outputAddress());
        assertEquals(0, p.attributes().sh());
        assertThrows(IllegalArgumentException.class,
                () -> Descriptor.page(0x1000, LeafAttributes.stage1(0, 0, 3), S1_4K_LPA2));
        // Table: 0x1303 points at 0xC_0000_0000_1000 (0x300 -> bits [51:50] = 0b11).
        assertEquals(0xC_0000_0000_1000L,
                assertInstanceOf(Descriptor.Table.class, Descriptor.decode(0x1303L, 0, S1_4K_LPA2)).nextTableAddress());
    }

    @Test
    void encodeDecodeRoundTripsForRandomWellFormedDescriptors() {
        Random random = new Random(0x10c5_7e9L);
        List<WalkConfig> configs = List.of(S1_4K, S1_4K_48, S1_16K, S1_64K, S1_64K_LPA, S1_4K_LPA2, S1_16K_LPA2, S2_4K,
                WalkConfig.stage2(G64K, 52, 52, 0, 1), WalkConfig.stage2(G16K, 40, 40, 0, 2));
        for (WalkConfig cfg : configs) {
            OutputAddressField field = OutputAddressField.of(cfg);
            Granule g = cfg.granule();
            for (int i = 0; i < 2000; i++) {
                int level = g.firstLevel() + random.nextInt(4 - g.firstLevel());
                LeafAttributes a = randomAttributes(random, cfg.stage(), field.holdsShareability());
                Descriptor expected;
                long raw;
                switch (random.nextInt(3)) {
                    case 0 -> {
                        if (level == 3) {
                            continue;
                        }
                        long next = randomAddress(random, field.addressBits(), g.shift());
                        boolean s1 = cfg.stage() == Stage.STAGE1;
                        boolean ns = s1 && random.nextBoolean();
                        int ap = s1 ? random.nextInt(4) : 0;
                        boolean uxn = s1 && random.nextBoolean();
                        boolean pxn = s1 && random.nextBoolean();
                        raw = Descriptor.table(next, ns, ap, uxn, pxn, cfg);
                        expected = new Descriptor.Table(raw, next, ns, ap, uxn, pxn);
                    }
                    case 1 -> {
                        if (!g.allowsBlockAt(level, cfg.outputBits())) {
                            continue;
                        }
                        long oa = randomAddress(random, field.addressBits(), g.blockShift(level));
                        raw = Descriptor.block(level, oa, a, cfg);
                        expected = new Descriptor.Block(raw, level, oa, a);
                    }
                    default -> {
                        level = 3;
                        long oa = randomAddress(random, field.addressBits(), g.shift());
                        raw = Descriptor.page(oa, a, cfg);
                        expected = new Descriptor.Page(raw, oa, a);
                    }
                }
                Descriptor decoded = Descriptor.decode(raw, level, cfg);
                assertEquals(expected, decoded, () -> cfg + " " + Long.toHexString(raw));
                assertEquals(raw, Descriptor.encode(decoded, cfg));
                assertTrue(Descriptor.isWellFormed(raw, level, cfg));
            }
        }
    }

    private static long randomAddress(Random random, int addressBits, int alignment) {
        return random.nextLong() & ((1L << addressBits) - 1) & -(1L << alignment);
    }

    private static LeafAttributes randomAttributes(Random random, Stage stage, boolean sh) {
        LeafAttributes a = stage == Stage.STAGE1
                ? LeafAttributes.stage1(random.nextInt(8), random.nextInt(4), sh ? random.nextInt(4) : 0)
                        .withNs(random.nextBoolean()).withNG(random.nextBoolean())
                        .withPxn(random.nextBoolean()).withUxn(random.nextBoolean())
                : LeafAttributes.stage2(random.nextInt(16), random.nextInt(4), sh ? random.nextInt(4) : 0)
                        .withS2xn(random.nextInt(4));
        return a.withAf(random.nextBoolean()).withContiguous(random.nextBoolean()).withDbm(random.nextBoolean())
                .withSoftware(random.nextInt(16));
    }
}
