package dev.lockstep.models.vmsa;

import static dev.lockstep.models.vmsa.Granule.G16K;
import static dev.lockstep.models.vmsa.Granule.G4K;
import static dev.lockstep.models.vmsa.Granule.G64K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.vmsa.Translation.Fault;
import dev.lockstep.models.vmsa.Translation.Translated;
import java.util.EnumSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each fault kind, at the level the architecture reports it. */
class WalkerFaultTest {

    static final long VA = 0x40_2030_1ABCL; // 4K, 39 bits: L1 index 0x100, L2 0x101, L3 0x101
    static final LeafAttributes NORMAL = LeafAttributes.stage1(0, 0, 3);

    final SparseMemory mem = new SparseMemory();

    /** 4K, 39-bit VA, start level 1: L1 at 0x4000_0000, L2 at 0x4000_1000, L3 at 0x4000_2000. */
    WalkConfig tables(int outputBits) {
        WalkConfig cfg = WalkConfig.stage1(G4K, 39, outputBits, 0x4000_0000L, 0xff);
        mem.writeU64(0x4000_0800L, Descriptor.table(0x4000_1000L));
        mem.writeU64(0x4000_1808L, Descriptor.table(0x4000_2000L));
        mem.writeU64(0x4000_2808L, Descriptor.page(0x8_7654_3000L, NORMAL, cfg));
        return cfg;
    }

    Fault fault(WalkConfig cfg, long va, FaultKind kind, int level, int steps) {
        Fault f = assertInstanceOf(Fault.class, Walker.walk(cfg, mem, va));
        assertEquals(kind, f.kind());
        assertEquals(level, f.level());
        assertEquals(steps, f.steps().size());
        assertEquals(va, f.va());
        return f;
    }

    @Test
    void inputOutsideTheRangeIsATranslationFaultAtLevelZero() {
        WalkConfig cfg = tables(48);
        // 2^39 is the first address a 39-bit VA space lacks; the walk starts at level 1 but the
        // architecture reports TxSZ-range faults at level 0, before reading any descriptor.
        fault(cfg, 1L << 39, FaultKind.TRANSLATION, 0, 0);
        fault(cfg, -1L, FaultKind.TRANSLATION, 0, 0);
        assertInstanceOf(Translated.class, Walker.walk(cfg, mem, VA));
    }

    @Test
    void unbackedInitialTableIsAnExternalAbortAtTheStartLevel() {
        WalkConfig cfg = WalkConfig.stage1(G4K, 39, 48, 0x4000_0000L, 0xff);
        fault(cfg, VA, FaultKind.EXTERNAL_ABORT_ON_WALK, 1, 0);
    }

    @Test
    void unbackedNextTableIsAnExternalAbortAtItsLevel() {
        WalkConfig cfg = tables(48);
        mem.writeU64(0x4000_0800L, Descriptor.table(0x7000_0000L)); // nothing at 0x7000_0000
        Fault f = fault(cfg, VA, FaultKind.EXTERNAL_ABORT_ON_WALK, 2, 1);
        assertInstanceOf(Descriptor.Table.class, f.steps().get(0).descriptor());
    }

    @Test
    void invalidDescriptorIsATranslationFaultAtItsLevel() {
        WalkConfig cfg = tables(48);
        mem.writeU64(0x4000_1808L, 0x4000_2002L); // bit 0 clear
        Fault f = fault(cfg, VA, FaultKind.TRANSLATION, 2, 2);
        assertInstanceOf(Descriptor.Invalid.class, f.steps().get(1).descriptor());
    }

    @Test
    void reservedPageEncodingIsATranslationFault() {
        WalkConfig cfg = tables(48);
        mem.writeU64(0x4000_2808L, 0x0000_0008_7654_3701L); // 0b01 at level 3
        Fault f = fault(cfg, VA, FaultKind.TRANSLATION, 3, 3);
        assertEquals(new Descriptor.Reserved(0x0000_0008_7654_3701L, 3), f.steps().get(2).descriptor());
    }

    @Test
    void blocksWhereTheGranuleHasNoneAreTranslationFaults() {
        // 4K, 48-bit VA and output: no level 0 blocks. va 0 -> L0 index 0.
        WalkConfig fourK = WalkConfig.stage1(G4K, 48, 48, 0x10_0000L, 0xff);
        mem.writeU64(0x10_0000L, 0x0000_0000_0000_0701L);
        fault(fourK, 0, FaultKind.TRANSLATION, 0, 1);
        // 16K, 47 bits: start level 1, no level 1 blocks without 52-bit output.
        WalkConfig sixteenK = WalkConfig.stage1(G16K, 47, 48, 0x20_0000L, 0xff);
        mem.writeU64(0x20_0000L, 0x0000_0000_0000_0701L);
        fault(sixteenK, 0, FaultKind.TRANSLATION, 1, 1);
        // 64K, 48 bits: start level 1, likewise.
        WalkConfig sixtyFourK = WalkConfig.stage1(G64K, 48, 48, 0x30_0000L, 0xff);
        mem.writeU64(0x30_0000L, 0x0000_0000_0000_0701L);
        fault(sixtyFourK, 0, FaultKind.TRANSLATION, 1, 1);
    }

    @Test
    void tableAddressBeyondTheOutputSizeIsAnAddressSizeFaultAtTheTablesLevel() {
        WalkConfig cfg = tables(40);
        mem.writeU64(0x4000_0800L, Descriptor.table(1L << 40)); // first address a 40-bit PA lacks
        fault(cfg, VA, FaultKind.ADDRESS_SIZE, 1, 1);
        // One bit lower is in range; the walk then fails on the unbacked table instead.
        mem.writeU64(0x4000_0800L, Descriptor.table(1L << 39));
        fault(cfg, VA, FaultKind.EXTERNAL_ABORT_ON_WALK, 2, 1);
    }

    @Test
    void outputAddressBeyondTheOutputSizeIsAnAddressSizeFaultAtTheLeafsLevel() {
        WalkConfig cfg = tables(40);
        mem.writeU64(0x4000_2808L, Descriptor.page(1L << 40, NORMAL, cfg));
        fault(cfg, VA, FaultKind.ADDRESS_SIZE, 3, 3);
        mem.writeU64(0x4000_1808L, Descriptor.block(2, 1L << 40, NORMAL, cfg));
        fault(cfg, VA, FaultKind.ADDRESS_SIZE, 2, 2);
        // The same tables with a 48-bit output size translate.
        WalkConfig wide = WalkConfig.stage1(G4K, 39, 48, 0x4000_0000L, 0xff);
        assertEquals((1L << 40) | 0x10_1ABC, assertInstanceOf(Translated.class, Walker.walk(wide, mem, VA)).pa());
    }

    @Test
    void tableBaseBeyondTheOutputSizeIsAnAddressSizeFaultAtLevelZero() {
        // TTBR 2^44 with a 40-bit PA: reported at level 0 ("level 0 or translation table base
        // register"), although the walk would start at level 1; nothing is read.
        WalkConfig cfg = WalkConfig.stage1(G4K, 39, 40, 1L << 44, 0xff);
        fault(cfg, VA, FaultKind.ADDRESS_SIZE, 0, 0);
    }

    @Test
    void clearAccessFlagIsAnAccessFlagFaultAtTheLeafsLevel() {
        WalkConfig cfg = tables(48);
        mem.writeU64(0x4000_2808L, Descriptor.page(0x8_7654_3000L, NORMAL.withAf(false), cfg));
        fault(cfg, VA, FaultKind.ACCESS_FLAG, 3, 3);
        mem.writeU64(0x4000_1808L, Descriptor.block(2, 0x8_7640_0000L, NORMAL.withAf(false), cfg));
        fault(cfg, VA, FaultKind.ACCESS_FLAG, 2, 2);
    }

    @Test
    void addressSizeIsCheckedBeforeTheAccessFlag() {
        WalkConfig cfg = tables(40);
        mem.writeU64(0x4000_2808L, Descriptor.page(1L << 40, NORMAL.withAf(false), cfg));
        fault(cfg, VA, FaultKind.ADDRESS_SIZE, 3, 3);
    }

    @Test
    void theWalkIsTotalOverArbitraryTableContents() {
        // A memory of pseudo-random words, one address in eight unbacked, address bits mostly kept
        // inside the 40-bit output range: every walk must end in a result of at most four steps,
        // and between them the walks must reach every outcome.
        PhysicalMemory noise = new PhysicalMemory() {
            @Override
            public boolean isBacked(long pa) {
                return (mix(pa) & 7) != 0;
            }

            @Override
            public long readU64(long pa) {
                long word = mix(pa ^ 0x5eed);
                return (word & 0x30) == 0 ? word : word & 0xFFF0_00FF_FFFF_FFFFL;
            }
        };
        EnumSet<FaultKind> faults = EnumSet.noneOf(FaultKind.class);
        int translated = 0;
        Random random = new Random(42);
        for (Granule g : Granule.values()) {
            WalkConfig cfg = WalkConfig.stage1(g, 48, 40, 0, random.nextLong());
            for (int i = 0; i < 20_000; i++) {
                Translation t = Walker.walk(cfg, noise, random.nextLong() >>> 16);
                assertTrue(t.steps().size() <= 4);
                if (t instanceof Fault f) {
                    faults.add(f.kind());
                } else {
                    translated++;
                }
            }
        }
        assertEquals(EnumSet.allOf(FaultKind.class), faults);
        assertTrue(translated > 0);
    }

    /** A 64-bit finaliser (MurmurHash3's fmix64): a fixed pseudo-random word per address. */
    static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }
}
