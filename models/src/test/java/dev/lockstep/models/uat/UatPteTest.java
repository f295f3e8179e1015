package dev.lockstep.models.uat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.uat.UatPte.Invalid;
import dev.lockstep.models.uat.UatPte.Page;
import dev.lockstep.models.uat.UatPte.Reserved;
import dev.lockstep.models.uat.UatPte.Table;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every field of the UAT entry at its bounds, raw words worked out by hand from the sheet's table. */
class UatPteTest {

    /** Every bit the sheet defines for a page: 55:53, 47:14, 11:6, 4:0. */
    static final long PAGE_BITS = 0x00E0_FFFF_FFFF_CFDFL;

    @Test
    void bitPositions() {
        assertEquals(1L, UatPte.VALID);
        assertEquals(2L, UatPte.TYPE);
        assertEquals(0x400L, UatPte.AF);
        assertEquals(0x800L, UatPte.NG);
        assertEquals(0x0020_0000_0000_0000L, UatPte.PXN);
        assertEquals(0x0040_0000_0000_0000L, UatPte.UXN);
        assertEquals(0x0080_0000_0000_0000L, UatPte.GPU_ACCESS);
        // 34 ones from bit 14: 47:14.
        assertEquals(0x0000_FFFF_FFFF_C000L, UatPte.OA_MASK);
        assertEquals(0xFFFFL << 32 | 0xFFFF_C000L, UatPte.OA_MASK);
    }

    @Test
    void aGpuBufferPageByHand() {
        // The driver's GPU buffer: uncached (AttrIndex 2), AP 2 with UXN (GPU RW), AF, nG, GPU_ACCESS.
        // 0x8_1234_4000 | VALID|TYPE 0x3 | 2 << 2 = 0x8 | 2 << 6 = 0x80 | AF 0x400 | nG 0x800
        //   | UXN 1 << 54 | GPU_ACCESS 1 << 55  =  0x00C0_0008_1234_4C8B.
        Page p = new Page(0x8_1234_4000L, 2, 2, 0, true, true, false, true, true);
        assertEquals(0x00C0_0008_1234_4C8BL, UatPte.encode(p));
        assertEquals(p, UatPte.decode(0x00C0_0008_1234_4C8BL, 3));
        assertEquals(UatPermissions.cell(2, true, false), p.access());
    }

    @Test
    void fieldsAtTheirBounds() {
        Page max = (Page) UatPte.decode(-1L, 3);
        assertEquals(0x0000_FFFF_FFFF_C000L, max.pa());
        assertEquals(7, max.attrIndex());
        assertEquals(3, max.ap());
        assertEquals(3, max.sh());
        assertTrue(max.af());
        assertTrue(max.nG());
        assertTrue(max.pxn());
        assertTrue(max.uxn());
        assertTrue(max.gpuAccess());
        assertEquals(PAGE_BITS, UatPte.encode(max));
        // Only VALID and TYPE: everything at zero, the lowest page.
        Page min = (Page) UatPte.decode(0x3, 3);
        assertEquals(new Page(0, 0, 0, 0, false, false, false, false, false), min);
        // Each field alone.
        assertEquals(0x4000L | 3, UatPte.encode(new Page(0x4000L, 0, 0, 0, false, false, false, false, false)));
        assertEquals(0x1CL | 3, UatPte.encode(new Page(0, 7, 0, 0, false, false, false, false, false)));
        assertEquals(0xC0L | 3, UatPte.encode(new Page(0, 0, 3, 0, false, false, false, false, false)));
        assertEquals(0x300L | 3, UatPte.encode(new Page(0, 0, 0, 3, false, false, false, false, false)));
        assertEquals(1, ((Page) UatPte.decode(0x100L | 3, 3)).sh());
        assertEquals(2, ((Page) UatPte.decode(0x80L | 3, 3)).ap());
        assertEquals(4, ((Page) UatPte.decode(0x10L | 3, 3)).attrIndex());
        assertTrue(((Page) UatPte.decode(UatPte.PXN | 3, 3)).pxn());
        assertFalse(((Page) UatPte.decode(UatPte.PXN | 3, 3)).uxn());
    }

    @Test
    void validWithTypeClearIsReservedAtEveryLevel() {
        for (int level = 1; level <= 3; level++) {
            assertEquals(new Reserved(0x8_0000_0401L, level), UatPte.decode(0x8_0000_0401L, level));
            assertEquals(new Invalid(0), UatPte.decode(0, level));
            assertEquals(new Invalid(0x8_0000_0402L), UatPte.decode(0x8_0000_0402L, level));
        }
        assertThrows(IllegalArgumentException.class, () -> new Reserved(3, 1));
        assertThrows(IllegalArgumentException.class, () -> new Invalid(1));
    }

    @Test
    void tablesAboveTheLeafLevel() {
        // Intermediate entries are pa | 3.
        assertEquals(0x8_0000_4003L, UatPte.table(0x8_0000_4000L));
        assertEquals(new Table(0x8_0000_4000L), UatPte.decode(0x8_0000_4003L, 1));
        assertEquals(new Table(0x8_0000_4000L), UatPte.decode(0x8_0000_4003L, 2));
        assertInstanceOf(Page.class, UatPte.decode(0x8_0000_4003L, 3));
        // Attribute bits of a table are not read.
        assertEquals(new Table(0x4000L), UatPte.decode(0x4000L | 0x00E0_0000_0000_0FFFL, 1));
        assertThrows(IllegalArgumentException.class, () -> UatPte.decode(3, 0));
        assertThrows(IllegalArgumentException.class, () -> UatPte.decode(3, 4));
    }

    @Test
    void addressesMustBeSixteenKilobyteAlignedBelow2To48() {
        assertThrows(IllegalArgumentException.class, () -> UatPte.table(0x1000L));
        assertThrows(IllegalArgumentException.class, () -> UatPte.table(1L << 48));
        assertThrows(IllegalArgumentException.class, () -> new Page(0x2000L, 0, 0, 0, true, false, false, false, true));
        assertThrows(IllegalArgumentException.class, () -> new Page(0, 8, 0, 0, true, false, false, false, true));
        assertThrows(IllegalArgumentException.class, () -> new Page(0, 0, 4, 0, true, false, false, false, true));
        assertThrows(IllegalArgumentException.class, () -> new Page(0, 0, 0, -1, true, false, false, false, true));
    }

    @Test
    void encodeInvertsDecodeOnWellFormedWords() {
        Random rnd = new Random(0x0A7);
        for (int i = 0; i < 5000; i++) {
            long page = (rnd.nextLong() & PAGE_BITS) | 3;
            assertEquals(page, UatPte.encode(UatPte.decode(page, 3)));
            assertTrue(UatPte.isWellFormed(page, 3));
            long table = (rnd.nextLong() & UatPte.OA_MASK) | 3;
            assertEquals(table, UatPte.encode(UatPte.decode(table, 1 + rnd.nextInt(2))));
            long any = rnd.nextLong();
            int level = 1 + rnd.nextInt(3);
            UatPte pte = UatPte.decode(any, level);
            assertEquals(pte, UatPte.decode(UatPte.encode(pte), level));
        }
        // Undefined bits: 5, 12, 13, 48..52, 56..63.
        for (int bit : new int[] {5, 12, 13, 48, 52, 56, 63}) {
            assertFalse(UatPte.isWellFormed(3L | (1L << bit), 3), "bit " + bit);
        }
        assertFalse(UatPte.isWellFormed(0x4003L | UatPte.AF, 2), "a table reads no attributes");
    }
}
