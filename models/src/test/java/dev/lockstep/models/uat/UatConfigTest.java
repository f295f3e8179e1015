package dev.lockstep.models.uat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The 40-bit split address space, the level indices and the TTBAT codec, worked out by hand. */
class UatConfigTest {

    @Test
    void shape() {
        assertEquals(0x4000L, UatConfig.PAGE_SIZE);
        assertEquals(2048, UatConfig.ENTRIES_PER_TABLE);
        assertEquals(36, UatConfig.shiftOf(1));
        assertEquals(25, UatConfig.shiftOf(2));
        assertEquals(14, UatConfig.shiftOf(3));
        assertThrows(IllegalArgumentException.class, () -> UatConfig.shiftOf(0));
        assertThrows(IllegalArgumentException.class, () -> UatConfig.shiftOf(4));
    }

    @Test
    void indicesByHand() {
        // 0x12_3456_789A: [38:36] = 0x1, [35:25] = (0x1234 >> 1) & 0x7ff = 0x11a,
        // [24:14] = ((0x123456 << 2) | 1) & 0x7ff = 0x159.
        assertEquals(1, UatConfig.indexOf(0x12_3456_789AL, 1));
        assertEquals(0x11a, UatConfig.indexOf(0x12_3456_789AL, 2));
        assertEquals(0x159, UatConfig.indexOf(0x12_3456_789AL, 3));
        // The top table uses 8 entries: the half bit (39) is not part of the index.
        assertEquals(7, UatConfig.indexOf(-1L, 1));
        assertEquals(7, UatConfig.indexOf((1L << 39) - 1, 1));
        assertEquals(0x7ff, UatConfig.indexOf(-1L, 2));
        assertEquals(0x7ff, UatConfig.indexOf(-1L, 3));
        assertEquals(UatConfig.TOP_ENTRIES - 1, UatConfig.indexOf(-1L, 1));
    }

    @Test
    void theKernelRangeIsEntryTwoOfTheFirmwaresTopTable() {
        // 0xffff_ffa0_0000_0000: VA[39:36] = 0xa = 0b1010, so [38:36] = 2.
        assertEquals(2, UatConfig.indexOf(UatConfig.KERNEL_START, 1));
        assertEquals(2, UatConfig.indexOf(UatConfig.KERNEL_END - 1, 1));
        assertEquals(0, UatConfig.indexOf(UatConfig.KERNEL_START, 2));
        // The firmware's private range is entries 0 and 1.
        assertEquals(0, UatConfig.indexOf(UatConfig.FW_PRIVATE_START, 1));
        assertEquals(1, UatConfig.indexOf(UatConfig.FW_PRIVATE_LAST, 1));
        assertEquals(UatConfig.KERNEL_START, UatConfig.FW_PRIVATE_LAST + 1);
        // 0x10_0000_0000 bytes, one top-level entry's worth (2^36).
        assertEquals(1L << 36, UatConfig.KERNEL_END - UatConfig.KERNEL_START);
    }

    @Test
    void halves() {
        assertEquals(Optional.of(UatHalf.TTB0), UatHalf.of(0));
        assertEquals(Optional.of(UatHalf.TTB0), UatHalf.of((1L << 39) - 1));
        assertEquals(Optional.empty(), UatHalf.of(1L << 39));
        assertEquals(Optional.empty(), UatHalf.of(0xffff_ff7f_ffff_ffffL));
        assertEquals(Optional.empty(), UatHalf.of(Long.MIN_VALUE));
        assertEquals(Optional.of(UatHalf.TTB1), UatHalf.of(0xffff_ff80_0000_0000L));
        assertEquals(Optional.of(UatHalf.TTB1), UatHalf.of(-1L));
        assertEquals(0x7f_ffff_ffffL, UatHalf.TTB0.last());
        assertEquals(-1L, UatHalf.TTB1.last());
        assertEquals(UatConfig.FW_PRIVATE_START, UatHalf.TTB1.base());
    }

    @Test
    void ttbatEntryByHand() {
        // 0x8_0000_4000 | VALID | ASID 5 << 48 = 0x0005_0008_0000_4001.
        UatTtbatEntry e = new UatTtbatEntry(0x8_0000_4000L, true, 5);
        assertEquals(0x0005_0008_0000_4001L, e.encode());
        assertEquals(e, UatTtbatEntry.decode(0x0005_0008_0000_4001L));
        // The ASID at its bound, the base at its bound (47:1), VALID clear.
        UatTtbatEntry max = UatTtbatEntry.decode(-2L);
        assertEquals(0xffff, max.asid());
        assertEquals(0x0000_FFFF_FFFF_FFFEL, max.tablePa());
        assertFalse(max.valid());
        assertFalse(max.isAligned());
        assertEquals(0L, UatTtbatEntry.invalid().encode());
        assertThrows(IllegalArgumentException.class, () -> new UatTtbatEntry(1, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new UatTtbatEntry(1L << 48, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new UatTtbatEntry(0, true, 0x10000));
    }

    @Test
    void everyRawTtbatEntryRoundTrips() {
        java.util.Random rnd = new java.util.Random(48);
        for (int i = 0; i < 5000; i++) {
            long raw = rnd.nextLong();
            assertEquals(raw, UatTtbatEntry.decode(raw).encode());
        }
    }

    @Test
    void ttbatSlots() {
        assertEquals(0x1_0000_0000L, UatTtbat.ttb0Address(0x1_0000_0000L, 0));
        assertEquals(0x1_0000_0008L, UatTtbat.ttb1Address(0x1_0000_0000L, 0));
        // Slot 63: 63 * 16 = 0x3f0.
        assertEquals(0x1_0000_03F0L, UatTtbat.ttb0Address(0x1_0000_0000L, 63));
        assertEquals(0x1_0000_03F8L, UatTtbat.entryAddress(0x1_0000_0000L, 63, UatHalf.TTB1));
        assertThrows(IllegalArgumentException.class, () -> UatTtbat.ttb0Address(0, 64));
        assertThrows(IllegalArgumentException.class, () -> UatTtbat.ttb1Address(0, -1));
        assertEquals(0, UatTtbat.KERNEL_SLOT);
        assertEquals(1, UatTtbat.FIRST_USER_SLOT);
    }

    @Test
    void configurations() {
        UatConfig c = UatConfig.fromSlot(42, 0x0003_0000_0010_0001L, 0);
        assertEquals(new UatTtbatEntry(0x10_0000L, true, 3), c.ttb(UatHalf.TTB0));
        assertEquals(UatTtbatEntry.invalid(), c.ttb(UatHalf.TTB1));
        assertTrue(c.acceptsOutput((1L << 42) - 1));
        assertFalse(c.acceptsOutput(1L << 42));
        assertFalse(UatConfig.fromSlot(40, 0, 0).acceptsOutput(1L << 40));
        assertThrows(IllegalArgumentException.class, () -> UatConfig.fromSlot(41, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> UatConfig.fromSlot(48, 0, 0));
        // A valid TTB must point at a 16K-aligned table; an invalid one may hold anything.
        assertThrows(IllegalArgumentException.class, () -> UatConfig.fromSlot(40, 0x1001L, 0));
        UatConfig.fromSlot(40, 0x1000L, 0x1000L);
    }
}
