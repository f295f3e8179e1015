package dev.lockstep.models.dart;

import static dev.lockstep.models.dart.DartLayout.DART1;
import static dev.lockstep.models.dart.DartLayout.DART2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.iopgtable.PgtableFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each field of both layouts at its bounds, with the raw words worked out by hand from the sheet's table. */
class DartLayoutTest {

    @Test
    void permissionBitsSitWhereTheSheetPutsThem() {
        assertEquals(1L, DartLayout.VALID);
        assertEquals(1L << 7, DART1.noWrite());
        assertEquals(1L << 8, DART1.noRead());
        assertEquals(1L << 2, DART2.noWrite());
        assertEquals(1L << 3, DART2.noRead());
        assertTrue(DART1.hasSpDis());
        assertFalse(DART1.hasNoCache());
        assertTrue(DART2.hasNoCache());
        assertFalse(DART2.hasSpDis());
    }

    @Test
    void addressFieldsAndOutputSizes() {
        // DART1: PTE[35:12] -> 24 ones from bit 12 = 0xF_FFFF_F000.
        assertEquals(0x0000_000F_FFFF_F000L, DART1.addressMask());
        // DART2: PTE[37:10] -> 28 ones from bit 10 = 0x3F_FFFF_FC00.
        assertEquals(0x0000_003F_FFFF_FC00L, DART2.addressMask());
        assertEquals(36, DART1.maxOas());
        assertEquals(42, DART2.maxOas());
        assertEquals(12, DART1.addressAlignmentShift());
        assertEquals(14, DART2.addressAlignmentShift());
    }

    @Test
    void dart1HoldsTheAddressInPlace() {
        // Lowest address bit: PA bit 12 is PTE bit 12.
        assertEquals(0x1000L, DART1.addressField(0x1000L));
        // Highest: PA[35:12] all set.
        assertEquals(0xF_FFFF_F000L, DART1.addressField(0xF_FFFF_F000L));
        assertEquals(0xF_FFFF_F000L, DART1.address(-1L));
        assertEquals(0x8_1234_5000L, DART1.address(0x8_1234_5000L | 0x1FFL | (0xFFFL << 40)));
    }

    @Test
    void dart2HoldsTheAddressShiftedDownByFour() {
        // PA bit 14 (0x4000) lands on PTE bit 10 (0x400).
        assertEquals(0x400L, DART2.addressField(0x4000L));
        // PA[41:14] all set = 0x3FF_FFFF_C000; >> 4 = 0x3F_FFFF_FC00, the whole field.
        assertEquals(0x3F_FFFF_FC00L, DART2.addressField(0x3FF_FFFF_C000L));
        assertEquals(0x3FF_FFFF_C000L, DART2.address(-1L));
        // PTE bits 9:4 would be PA bits 13:8, outside the field: ignored.
        assertEquals(0L, DART2.address(0x3F0L));
    }

    @Test
    void addressesTheFieldCannotHoldAreRefused() {
        assertFalse(DART1.canHold(1L << 36));
        assertFalse(DART1.canHold(0x800L));
        assertFalse(DART1.canHold(-0x1000L));
        assertTrue(DART1.canHold(0));
        // DART2 has no PA bits 13:12: a 4K-aligned address that is not 16K-aligned cannot be written.
        assertFalse(DART2.canHold(0x1000L));
        assertFalse(DART2.canHold(0x3000L));
        assertFalse(DART2.canHold(1L << 42));
        assertTrue(DART2.canHold(0x4000L));
        assertTrue(DART2.canHold((1L << 42) - 0x4000));
        assertThrows(IllegalArgumentException.class, () -> DART2.addressField(0x1000L));
        assertThrows(IllegalArgumentException.class, () -> DART1.tableEntry(1L << 36));
    }

    @Test
    void dart1LeafByHand() {
        // 0x8_1234_5000 in place | VALID 0x1 | NO_WRITE 0x80 (read-only) | END 0xfff << 40.
        assertEquals(0x000F_FF08_1234_5081L, DART1.pageEntry(0x8_1234_5000L, true, false, true));
        // Write-only: NO_READ 0x100.
        assertEquals(0x000F_FF08_1234_5101L, DART1.pageEntry(0x8_1234_5000L, false, true, true));
        // No access: both.
        assertEquals(0x000F_FF08_1234_5181L, DART1.pageEntry(0x8_1234_5000L, false, false, true));
        // SP_DIS is bit 1.
        assertEquals(0x000F_FF08_1234_5003L, DART1.leafEntry(0x8_1234_5000L, true, true, true, 0, 0xfff, true));
    }

    @Test
    void dart2LeafByHand() {
        // 0x3_4567_8000 >> 4 = 0x3456_7800 | VALID 1 | NO_CACHE 2 | NO_READ 8 | END 0xfff << 40.
        assertEquals(0x000F_FF00_3456_780BL, DART2.pageEntry(0x3_4567_8000L, false, true, false));
        // Cacheable RW: only VALID and the window.
        assertEquals(0x000F_FF00_3456_7801L, DART2.pageEntry(0x3_4567_8000L, true, true, true));
        // NO_WRITE is bit 2.
        assertEquals(0x000F_FF00_3456_7805L, DART2.pageEntry(0x3_4567_8000L, true, false, true));
    }

    @Test
    void subpageFieldsAtTheirBounds() {
        // START 0xfff fills 63:52, END 0 leaves 51:40 clear.
        assertEquals(0xFFF0_0000_0000_1001L, DART1.leafEntry(0x1000L, true, true, true, 0xfff, 0, false));
        // START 0, END 0: nothing above the address.
        assertEquals(0x0000_0000_0000_1001L, DART1.leafEntry(0x1000L, true, true, true, 0, 0, false));
        // START 1, END 0xffe.
        assertEquals(0x001F_FE00_0000_0401L, DART2.leafEntry(0x4000L, true, true, true, 1, 0xffe, false));
        assertThrows(IllegalArgumentException.class, () -> DART1.leafEntry(0, true, true, true, 0x1000, 0, false));
        assertThrows(IllegalArgumentException.class, () -> DART1.leafEntry(0, true, true, true, 0, -1, false));
    }

    @Test
    void fieldsALayoutLacksCannotBeWritten() {
        assertThrows(IllegalArgumentException.class, () -> DART1.pageEntry(0x1000L, true, true, false));
        assertThrows(IllegalArgumentException.class, () -> DART2.leafEntry(0x4000L, true, true, true, 0, 0xfff, true));
    }

    @Test
    void tableEntriesHoldValidAndTheAddressOnly() {
        assertEquals(0x8_0000_1001L, DART1.tableEntry(0x8_0000_1000L));
        // 0x80_0000_4000 >> 4 = 0x8_0000_0400.
        assertEquals(0x8_0000_0401L, DART2.tableEntry(0x80_0000_4000L));
        assertEquals(0x0000_000F_FFFF_F001L, DART1.definedBits(false));
        // Leaf: VALID, SP_DIS, NO_WRITE, NO_READ, OA, both subpage fields.
        assertEquals(0xFFFF_FF0F_FFFF_F183L, DART1.definedBits(true));
        assertEquals(0xFFFF_FF3F_FFFF_FC0FL, DART2.definedBits(true));
    }

    @Test
    void formatsMapToLayouts() {
        assertEquals(Optional.of(DART1), DartLayout.of(PgtableFormat.APPLE_DART));
        assertEquals(Optional.of(DART2), DartLayout.of(PgtableFormat.APPLE_DART2));
        assertEquals(Optional.empty(), DartLayout.of(PgtableFormat.ARM_64_LPAE_S1));
    }
}
