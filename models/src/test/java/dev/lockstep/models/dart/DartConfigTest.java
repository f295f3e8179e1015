package dev.lockstep.models.dart;

import static dev.lockstep.models.dart.DartLayout.DART1;
import static dev.lockstep.models.dart.DartLayout.DART2;
import static dev.lockstep.models.vmsa.Granule.G16K;
import static dev.lockstep.models.vmsa.Granule.G4K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Granule;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The geometry of fact sheet §2.2, and its generalisation, worked out by hand. */
class DartConfigTest {

    @Test
    void linux61FourKilobytePagesUseFourTtbrs() {
        DartConfig c = DartConfig.linux61(DART1, G4K, List.of());
        assertEquals(32, c.ias());
        assertEquals(36, c.oas());
        assertEquals(2, c.levels());
        assertEquals(1, c.startLevel());
        assertEquals(4, c.ttbrCount());
        assertEquals(2, c.ttbrBits());
        // L1 = [29:21], L2 = [20:12].
        assertEquals(21, c.shiftOf(1));
        assertEquals(12, c.shiftOf(2));
        // IOVA[31:30] picks the TTBR: one per GiB.
        assertEquals(0, c.ttbrIndex(0x3FFF_FFFFL));
        assertEquals(1, c.ttbrIndex(0x4000_0000L));
        assertEquals(2, c.ttbrIndex(0x8000_0000L));
        assertEquals(3, c.ttbrIndex(0xFFFF_FFFFL));
        // 0xC020_3456: L1 = 0x203456 >> 21 = 1; L2 = (0x203456 >> 12) & 0x1ff = 0x203 & 0x1ff = 3.
        assertEquals(1, c.indexOf(0xC020_3456L, 1));
        assertEquals(3, c.indexOf(0xC020_3456L, 2));
        assertEquals(0x1ff, c.indexOf(0xFFFF_FFFFL, 1));
        assertEquals(512, c.entriesPerTable());
        assertEquals(0x1000, c.pageSize());
    }

    @Test
    void linux61SixteenKilobytePagesUseOneTtbrAndPartOfTheTopTable() {
        DartConfig c = DartConfig.linux61(DART2, G16K, List.of());
        assertEquals(42, c.oas());
        assertEquals(2, c.levels());
        assertEquals(1, c.ttbrCount());
        // L1 = [35:25], L2 = [24:14].
        assertEquals(25, c.shiftOf(1));
        assertEquals(14, c.shiftOf(2));
        // At ias 32 only L1 bits 31:25 are reachable: at most 0x7f.
        assertEquals(0x7f, c.indexOf(0xFFFF_FFFFL, 1));
        assertEquals(0x7ff, c.indexOf(0xFFFF_FFFFL, 2));
        // 0x8765_4321: L1 = >> 25 = 0x43, L2 = (>> 14) & 0x7ff = 0x595.
        assertEquals(0x43, c.indexOf(0x8765_4321L, 1));
        assertEquals(0x595, c.indexOf(0x8765_4321L, 2));
        assertEquals(0, c.ttbrIndex(0xFFFF_FFFFL));
    }

    @Test
    void levelsFollowTheNewerKernelsFormula() {
        // 16K: max(2, ceil((ias - 14) / 11)): 36 -> 2, 37 -> 3 (the sheet's "IAS > 36 uses 3 levels"), 47 -> 3.
        assertEquals(2, DartConfig.levels(G16K, 36));
        assertEquals(3, DartConfig.levels(G16K, 37));
        assertEquals(3, DartConfig.levels(G16K, 47));
        // 4K: max(2, ceil((ias - 12 - 2) / 9)): 32 -> 2, 33 -> 3 (19/9), 41 -> 3, 42 -> 4 (refused).
        assertEquals(2, DartConfig.levels(G4K, 32));
        assertEquals(3, DartConfig.levels(G4K, 33));
        assertEquals(3, DartConfig.levels(G4K, 41));
        assertEquals(4, DartConfig.levels(G4K, 42));
        assertEquals(41, DartConfig.maxIas(G4K));
        assertEquals(47, DartConfig.maxIas(G16K));
    }

    @Test
    void threeLevelWalksStartAtLevelZero() {
        DartConfig c = new DartConfig(DART2, G16K, 42, 42, List.of(0x4000L));
        assertEquals(0, c.startLevel());
        // L0 = [46:36], L1 = [35:25], L2 = [24:14].
        assertEquals(36, c.shiftOf(0));
        // 0x234_5678_9ABC: L0 = >> 36 = 0x23, L1 = (>> 25) & 0x7ff = 0x22b, L2 = (>> 14) & 0x7ff = 0x1e2.
        assertEquals(0x23, c.indexOf(0x234_5678_9ABCL, 0));
        assertEquals(0x22b, c.indexOf(0x234_5678_9ABCL, 1));
        assertEquals(0x1e2, c.indexOf(0x234_5678_9ABCL, 2));
        assertEquals(1, c.ttbrCount());
    }

    @Test
    void ttbrBitsAreWhatTheLevelsLeaveOver() {
        // 4K, 3 levels cover 12 + 27 = 39 bits: 39 -> 1 TTBR, 40 -> 2 (bit 39), 41 -> 4 (bits 40:39).
        assertEquals(1, new DartConfig(DART2, G4K, 39, 42, List.of()).ttbrCount());
        DartConfig forty = new DartConfig(DART2, G4K, 40, 42, List.of());
        assertEquals(2, forty.ttbrCount());
        assertEquals(1, forty.ttbrIndex(1L << 39));
        DartConfig fortyOne = new DartConfig(DART2, G4K, 41, 42, List.of());
        assertEquals(4, fortyOne.ttbrCount());
        assertEquals(3, fortyOne.ttbrIndex((1L << 41) - 1));
        assertEquals(0, fortyOne.startLevel());
    }

    @Test
    void impossibleConfigurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DartConfig(DART1, Granule.G64K, 32, 36, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DartConfig(DART1, G4K, 32, 37, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DartConfig(DART2, G4K, 32, 43, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DartConfig(DART2, G4K, 32, 31, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DartConfig(DART2, G4K, 42, 42, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DartConfig(DART2, G16K, 48, 42, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DartConfig(DART2, G16K, 31, 42, List.of()));
        // Two TTBRs where the geometry has one.
        assertThrows(IllegalArgumentException.class, () -> DartConfig.linux61(DART2, G16K, List.of(0x4000L, 0x8000L)));
        // A TTBR table base not aligned to the granule, or beyond the layout's addresses.
        assertThrows(IllegalArgumentException.class, () -> DartConfig.linux61(DART2, G16K, List.of(0x1000L)));
        assertThrows(IllegalArgumentException.class, () -> DartConfig.linux61(DART1, G4K, List.of(1L << 36)));
        assertThrows(IllegalArgumentException.class, () -> DartConfig.linux61(DART1, G4K, List.of(-4096L)));
        assertThrows(IllegalArgumentException.class, () -> DartConfig.linux61(DART1, G4K, List.of()).shiftOf(0));
    }

    @Test
    void ttbrsPastTheListAreInvalid() {
        DartConfig c = DartConfig.linux61(DART1, G4K, List.of(0x1000L, 0x2000L));
        assertEquals(OptionalLong.of(0x2000L), c.ttbr(1));
        assertEquals(OptionalLong.empty(), c.ttbr(2));
        assertEquals(OptionalLong.empty(), c.ttbr(-1));
    }

    @Test
    void apertureAndLeafTableEnds() {
        DartConfig c = DartConfig.linux61(DART1, G4K, List.of());
        assertTrue(c.acceptsIova(0xFFFF_FFFFL));
        assertFalse(c.acceptsIova(1L << 32));
        assertFalse(c.acceptsIova(-1L));
        // Entry 511 of its leaf table is the last one.
        assertEquals(1, c.entriesLeftInLeafTable(0x1FF000L));
        assertEquals(512, c.entriesLeftInLeafTable(0x200000L));
        assertEquals(2048, DartConfig.linux61(DART2, G16K, List.of()).entriesLeftInLeafTable(0));
        assertEquals(1L << 32, c.inputLimit());
        assertEquals(1L << 36, c.outputLimit());
    }

    @Test
    void fromAnIoPgtableConfiguration() {
        PgtableConfig pc = new PgtableConfig(PgtableFormat.APPLE_DART2, G16K, 32, 36, 0, false);
        DartConfig c = DartConfig.of(pc, List.of());
        assertEquals(DART2, c.layout());
        assertEquals(36, c.oas());
        assertThrows(IllegalArgumentException.class, () -> DartConfig.of(
                new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, G4K, 48, 48, 0, true), List.of()));
    }
}
