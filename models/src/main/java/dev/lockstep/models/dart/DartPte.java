package dev.lockstep.models.dart;

import java.util.Objects;

/**
 * One DART page table entry, decoded the way a walk at a given level reads it (the bit layout is in
 * {@link DartLayout}).
 *
 * <p>An entry of 0 is {@link Empty}; a nonzero entry with VALID clear is {@link Invalid}. Either
 * ends a walk; the two are told apart because software (Linux, by the fact sheet) treats only 0 as
 * free, so an {@code Invalid} left behind is worth seeing. A valid entry above
 * {@link DartConfig#LEAF_LEVEL} is a {@link Table}, one at it a {@link Leaf}.
 *
 * <p>For every {@code raw} whose set bits the layout defines, {@code encode(decode(raw)) == raw};
 * {@link #isWellFormed} is that test.
 */
public sealed interface DartPte permits DartPte.Empty, DartPte.Invalid, DartPte.Table, DartPte.Leaf {

    /** The entry 0: nothing there. */
    record Empty() implements DartPte {
    }

    /** A nonzero entry with VALID clear: the hardware ignores every other bit. */
    record Invalid(long raw) implements DartPte {
        public Invalid {
            if (raw == 0 || (raw & DartLayout.VALID) != 0) {
                throw new IllegalArgumentException("an invalid entry is nonzero with VALID clear: 0x" + Long.toHexString(raw));
            }
        }
    }

    /** A pointer to the next-level table, as the OA field holds it. */
    record Table(long next) implements DartPte {
        public Table {
            if (next < 0) {
                throw new IllegalArgumentException("negative table address 0x" + Long.toHexString(next));
            }
        }
    }

    /**
     * A page.
     *
     * @param pa the address the OA field holds
     * @param cacheable NO_CACHE clear; always true on DART1, which has no such bit
     * @param subpageStart SUBPAGE_START, the first unit of the page the device may reach
     * @param subpageEnd SUBPAGE_END, the last such unit (inclusive)
     * @param spDis SP_DIS: the window is not enforced; always false on DART2, which has no such bit
     */
    record Leaf(long pa, boolean read, boolean write, boolean cacheable, int subpageStart, int subpageEnd,
                boolean spDis) implements DartPte {
        public Leaf {
            if (pa < 0) {
                throw new IllegalArgumentException("negative output address 0x" + Long.toHexString(pa));
            }
            if (subpageStart < 0 || subpageStart > DartLayout.SUBPAGE_LAST
                    || subpageEnd < 0 || subpageEnd > DartLayout.SUBPAGE_LAST) {
                throw new IllegalArgumentException("subpage bounds are 12-bit: " + subpageStart + ".." + subpageEnd);
            }
        }

        /** A leaf for the whole page, window enforced, as a map of {@code pa} would write it. */
        public static Leaf wholePage(long pa, boolean read, boolean write, boolean cacheable) {
            return new Leaf(pa, read, write, cacheable, 0, DartLayout.SUBPAGE_LAST, false);
        }

        /** Whether the device may reach every byte of the page: SP_DIS, or the window 0..0xfff. */
        public boolean coversWholePage() {
            return spDis || (subpageStart == 0 && subpageEnd == DartLayout.SUBPAGE_LAST);
        }
    }

    /**
     * Reads {@code raw} as an entry at {@code level} (0..{@link DartConfig#LEAF_LEVEL}).
     *
     * @throws IllegalArgumentException if no DART walk has such a level
     */
    static DartPte decode(long raw, int level, DartLayout layout) {
        Objects.requireNonNull(layout, "layout");
        if (level < DartConfig.LEAF_LEVEL + 1 - DartConfig.MAX_LEVELS || level > DartConfig.LEAF_LEVEL) {
            throw new IllegalArgumentException("DART walks have levels 0.." + DartConfig.LEAF_LEVEL + ", not " + level);
        }
        if (raw == 0) {
            return new Empty();
        }
        if ((raw & DartLayout.VALID) == 0) {
            return new Invalid(raw);
        }
        long address = layout.address(raw);
        if (level < DartConfig.LEAF_LEVEL) {
            return new Table(address);
        }
        boolean bit1 = (raw & DartLayout.BIT1) != 0;
        return new Leaf(address, (raw & layout.noRead()) == 0, (raw & layout.noWrite()) == 0,
                !(layout.hasNoCache() && bit1),
                (int) (raw >>> DartLayout.SUBPAGE_START_SHIFT),
                (int) ((raw >>> DartLayout.SUBPAGE_END_SHIFT) & DartLayout.SUBPAGE_LAST),
                layout.hasSpDis() && bit1);
    }

    /**
     * The raw entry for {@code pte}.
     *
     * @throws IllegalArgumentException if a field cannot be expressed in {@code layout}
     */
    static long encode(DartPte pte, DartLayout layout) {
        Objects.requireNonNull(pte, "pte");
        Objects.requireNonNull(layout, "layout");
        if (pte instanceof Empty) {
            return 0;
        }
        if (pte instanceof Invalid i) {
            return i.raw();
        }
        if (pte instanceof Table t) {
            return layout.tableEntry(t.next());
        }
        Leaf l = (Leaf) pte;
        return layout.leafEntry(l.pa(), l.read(), l.write(), l.cacheable(), l.subpageStart(), l.subpageEnd(), l.spDis());
    }

    /**
     * Whether a valid {@code raw} sets no bit the layout leaves undefined at {@code level}, that is
     * whether it survives {@code encode(decode(raw))} unchanged. Invalid entries always do: the
     * hardware reads none of their bits. (m1n1's DART1 tables, with bit 1 set, are not well-formed
     * by this test: the sheet gives tables VALID and OA only.)
     */
    static boolean isWellFormed(long raw, int level, DartLayout layout) {
        return encode(decode(raw, level, layout), layout) == raw;
    }
}
