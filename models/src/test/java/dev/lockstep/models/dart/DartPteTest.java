package dev.lockstep.models.dart;

import static dev.lockstep.models.dart.DartLayout.DART1;
import static dev.lockstep.models.dart.DartLayout.DART2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.dart.DartPte.Empty;
import dev.lockstep.models.dart.DartPte.Invalid;
import dev.lockstep.models.dart.DartPte.Leaf;
import dev.lockstep.models.dart.DartPte.Table;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decoding by level, every leaf field of both layouts, and encode/decode round trips. */
class DartPteTest {

    @Test
    void zeroIsEmptyAndValidClearIsInvalidAtEveryLevel() {
        for (int level = 0; level <= 2; level++) {
            assertEquals(new Empty(), DartPte.decode(0, level, DART1));
            // A well-formed leaf with VALID cleared: everything else is ignored.
            long stale = DART2.pageEntry(0x4000L, true, true, true) & ~1L;
            assertEquals(new Invalid(stale), DartPte.decode(stale, level, DART2));
        }
        assertThrows(IllegalArgumentException.class, () -> new Invalid(0));
        assertThrows(IllegalArgumentException.class, () -> new Invalid(1));
    }

    @Test
    void aValidEntryIsATableAboveTheLeafLevelAndALeafAtIt() {
        long raw = DART1.tableEntry(0x8_0000_1000L);
        assertEquals(new Table(0x8_0000_1000L), DartPte.decode(raw, 0, DART1));
        assertEquals(new Table(0x8_0000_1000L), DartPte.decode(raw, 1, DART1));
        // At level 2 the same word is a leaf: RW (no NO_ bits), window 0..0 (fields clear).
        assertEquals(new Leaf(0x8_0000_1000L, true, true, true, 0, 0, false), DartPte.decode(raw, 2, DART1));
    }

    @Test
    void levelsOutsideTheWalkAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DartPte.decode(1, 3, DART1));
        assertThrows(IllegalArgumentException.class, () -> DartPte.decode(1, -1, DART1));
    }

    @Test
    void dart1LeafFields() {
        // SP_DIS (bit 1) set, NO_WRITE (bit 7) set, START 0x123, END 0xfed, OA 0xF_FFFF_F000.
        long raw = (0x123L << 52) | (0xfedL << 40) | 0xF_FFFF_F000L | 0x80 | 0x2 | 0x1;
        Leaf l = assertInstanceOf(Leaf.class, DartPte.decode(raw, 2, DART1));
        assertEquals(0xF_FFFF_F000L, l.pa());
        assertTrue(l.read());
        assertFalse(l.write());
        assertTrue(l.cacheable(), "DART1 has no cache bit: bit 1 is SP_DIS");
        assertTrue(l.spDis());
        assertEquals(0x123, l.subpageStart());
        assertEquals(0xfed, l.subpageEnd());
        assertTrue(l.coversWholePage(), "SP_DIS makes any window the whole page");
        // NO_READ (bit 8).
        Leaf noRead = (Leaf) DartPte.decode(0x1000L | 0x100 | 1, 2, DART1);
        assertFalse(noRead.read());
        assertTrue(noRead.write());
        assertFalse(noRead.spDis());
        // DART2's bits (2 and 3) mean nothing to DART1.
        Leaf other = (Leaf) DartPte.decode(0x1000L | 0xC | 1, 2, DART1);
        assertTrue(other.read());
        assertTrue(other.write());
    }

    @Test
    void dart2LeafFields() {
        // NO_CACHE (bit 1), NO_READ (bit 3), START 0xfff, END 0, OA field all set = PA 0x3FF_FFFF_C000.
        long raw = (0xfffL << 52) | 0x3F_FFFF_FC00L | 0x8 | 0x2 | 0x1;
        Leaf l = assertInstanceOf(Leaf.class, DartPte.decode(raw, 2, DART2));
        assertEquals(0x3FF_FFFF_C000L, l.pa());
        assertFalse(l.read());
        assertTrue(l.write());
        assertFalse(l.cacheable());
        assertFalse(l.spDis(), "DART2 has no SP_DIS: bit 1 is NO_CACHE");
        assertEquals(0xfff, l.subpageStart());
        assertEquals(0, l.subpageEnd());
        assertFalse(l.coversWholePage());
        // NO_WRITE (bit 2).
        assertFalse(((Leaf) DartPte.decode(0x400L | 0x4 | 1, 2, DART2)).write());
        // DART1's bits (7 and 8) mean nothing to DART2.
        Leaf other = (Leaf) DartPte.decode(0x400L | 0x180 | 1, 2, DART2);
        assertTrue(other.read());
        assertTrue(other.write());
        assertTrue(other.cacheable());
    }

    @Test
    void wholePageLeavesEncodeAsTheLayoutsPageEntry() {
        assertEquals(DART1.pageEntry(0x5000L, true, false, true),
                DartPte.encode(Leaf.wholePage(0x5000L, true, false, true), DART1));
        assertEquals(DART2.pageEntry(0x8000L, false, true, false),
                DartPte.encode(Leaf.wholePage(0x8000L, false, true, false), DART2));
        assertEquals(0, DartPte.encode(new Empty(), DART2));
        assertEquals(0x10, DartPte.encode(new Invalid(0x10), DART1));
        assertThrows(IllegalArgumentException.class, () -> DartPte.encode(Leaf.wholePage(0x1000L, true, true, true), DART2));
    }

    @Test
    void encodeInvertsDecodeOnEveryWellFormedWord() {
        Random rnd = new Random(0xDA27);
        for (DartLayout layout : DartLayout.values()) {
            for (int level = 0; level <= 2; level++) {
                long defined = layout.definedBits(level == 2);
                for (int i = 0; i < 2000; i++) {
                    long raw = (rnd.nextLong() & defined) | DartLayout.VALID;
                    DartPte pte = DartPte.decode(raw, level, layout);
                    assertEquals(raw, DartPte.encode(pte, layout), () -> layout + " 0x" + Long.toHexString(raw));
                    assertTrue(DartPte.isWellFormed(raw, level, layout));
                    assertEquals(pte, DartPte.decode(DartPte.encode(pte, layout), level, layout));
                }
            }
        }
    }

    @Test
    void decodeInvertsEncodeOnEveryExpressibleLeaf() {
        Random rnd = new Random(7);
        for (DartLayout layout : DartLayout.values()) {
            for (int i = 0; i < 2000; i++) {
                long pa = (rnd.nextLong() & ((1L << layout.maxOas()) - 1)) & -(1L << layout.addressAlignmentShift());
                Leaf leaf = new Leaf(pa, rnd.nextBoolean(), rnd.nextBoolean(),
                        !layout.hasNoCache() || rnd.nextBoolean(), rnd.nextInt(0x1000), rnd.nextInt(0x1000),
                        layout.hasSpDis() && rnd.nextBoolean());
                assertEquals(leaf, DartPte.decode(DartPte.encode(leaf, layout), 2, layout));
            }
        }
    }

    @Test
    void bitsALayoutDoesNotDefineAreNotWellFormed() {
        long leaf1 = DART1.pageEntry(0x1000L, true, true, true);
        assertFalse(DartPte.isWellFormed(leaf1 | 0x4, 2, DART1), "bit 2 is DART2's NO_WRITE");
        assertFalse(DartPte.isWellFormed(leaf1 | (1L << 36), 2, DART1), "bits 39:36 are past DART1's OA");
        long leaf2 = DART2.pageEntry(0x4000L, true, true, true);
        assertFalse(DartPte.isWellFormed(leaf2 | 0x80, 2, DART2), "bit 7 is DART1's NO_WRITE");
        assertFalse(DartPte.isWellFormed(leaf2 | 0x10, 2, DART2), "bits 9:4 are below DART2's OA");
        // Tables hold VALID and OA only: m1n1's bit 1 on DART1 tables is outside the format.
        assertFalse(DartPte.isWellFormed(DART1.tableEntry(0x1000L) | 0x2, 1, DART1));
        assertFalse(DartPte.isWellFormed(DART1.tableEntry(0x1000L) | (0xfffL << 40), 1, DART1));
        assertTrue(DartPte.isWellFormed(0x2, 1, DART1), "an invalid entry reads no bits");
    }

    @Test
    void recordsRefuseImpossibleFields() {
        assertThrows(IllegalArgumentException.class, () -> new Leaf(0, true, true, true, 0x1000, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Leaf(0, true, true, true, 0, -1, false));
        assertThrows(IllegalArgumentException.class, () -> new Leaf(-1, true, true, true, 0, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Table(-1));
    }
}
