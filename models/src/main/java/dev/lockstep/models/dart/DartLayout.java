package dev.lockstep.models.dart;

import dev.lockstep.models.iopgtable.PgtableFormat;
import java.util.Optional;

/**
 * The two Apple DART page table entry formats, as m1n1 documents the hardware (fact sheet §2.1):
 * where an entry keeps its output address and its permission bits. This is the format file; every
 * other type of the package reads and writes entries through it.
 *
 * <pre>
 *  bits    DART1 (t8020, t8103; APPLE_DART)      DART2 (t6000, t8110; APPLE_DART2)
 *  63:52   SUBPAGE_START                         SUBPAGE_START
 *  51:40   SUBPAGE_END                           SUBPAGE_END
 *  37:10   .                                     OA: PA[41:14] (the field holds PA &gt;&gt; 4)
 *  35:12   OA: PA[35:12], in place               .
 *  8       NO_READ                               .
 *  7       NO_WRITE                              .
 *  3       .                                     NO_READ
 *  2       .                                     NO_WRITE
 *  1       SP_DIS (subpage protection off)       NO_CACHE
 *  0       VALID                                 VALID
 * </pre>
 *
 * <p>No bit says table or leaf: an entry above the last level is a table, one at the last level a
 * leaf. A table entry holds VALID and OA only. A leaf holds every field of its layout; its subpage
 * window [START, END] is 12 bits each way, and START = 0, END = 0xfff is the whole page.
 *
 * <p>DART1's OA field reaches PA bit 12 and DART2's only PA bit 14, so DART2 cannot point at a
 * 4K-aligned address that is not 16K-aligned: {@link #canHold} is the test. DART1 has no cache
 * bit, so its leaves are always cacheable; DART2 has no SP_DIS, so its windows always apply.
 */
public enum DartLayout {
    DART1(36, 12, 0, 7, 8),
    DART2(42, 10, 4, 2, 3);

    /** Bit 0 of every entry: clear means the walk stops there. */
    public static final long VALID = 1L;
    /** Bit 1: SP_DIS on DART1, NO_CACHE on DART2. */
    public static final long BIT1 = 1L << 1;
    /** The lowest bit of the 12-bit SUBPAGE_END field (51:40). */
    public static final int SUBPAGE_END_SHIFT = 40;
    /** The lowest bit of the 12-bit SUBPAGE_START field (63:52). */
    public static final int SUBPAGE_START_SHIFT = 52;
    /** The largest value of a subpage bound: END = 0xfff reaches the end of the page. */
    public static final int SUBPAGE_LAST = 0xfff;

    private final int maxOas;
    private final int oaLowBit;
    private final int oaShift;
    private final int noWriteBit;
    private final int noReadBit;

    DartLayout(int maxOas, int oaLowBit, int oaShift, int noWriteBit, int noReadBit) {
        this.maxOas = maxOas;
        this.oaLowBit = oaLowBit;
        this.oaShift = oaShift;
        this.noWriteBit = noWriteBit;
        this.noReadBit = noReadBit;
    }

    /** The layout of an io-pgtable format, or empty when the format is not a DART one. */
    public static Optional<DartLayout> of(PgtableFormat format) {
        return switch (format) {
            case APPLE_DART -> Optional.of(DART1);
            case APPLE_DART2 -> Optional.of(DART2);
            default -> Optional.empty();
        };
    }

    /** The widest physical address the OA field can hold: 36 or 42 bits. */
    public int maxOas() {
        return maxOas;
    }

    /** The lowest PA bit the OA field holds (12 or 14): every address it holds is aligned to it. */
    public int addressAlignmentShift() {
        return oaLowBit + oaShift;
    }

    /** The entry bits that make up the OA field: 35:12 or 37:10. */
    public long addressMask() {
        return bits(maxOas - 1 - oaShift, oaLowBit);
    }

    /** The NO_WRITE bit: 7 or 2. */
    public long noWrite() {
        return 1L << noWriteBit;
    }

    /** The NO_READ bit: 8 or 3. */
    public long noRead() {
        return 1L << noReadBit;
    }

    /** Whether bit 1 of a leaf is NO_CACHE (DART2) rather than SP_DIS (DART1). */
    public boolean hasNoCache() {
        return this == DART2;
    }

    /** Whether bit 1 of a leaf is SP_DIS (DART1). */
    public boolean hasSpDis() {
        return this == DART1;
    }

    /** Whether the OA field can hold {@code pa}: below 2^maxOas and aligned to the field's lowest bit. */
    public boolean canHold(long pa) {
        return pa >= 0 && (pa >>> maxOas) == 0 && (pa & ((1L << addressAlignmentShift()) - 1)) == 0;
    }

    /** The physical address the OA field of {@code raw} holds; the entry's other bits do not matter. */
    public long address(long raw) {
        return (raw & addressMask()) << oaShift;
    }

    /**
     * The entry bits holding {@code pa} in the OA field.
     *
     * @throws IllegalArgumentException unless {@link #canHold}{@code (pa)}
     */
    public long addressField(long pa) {
        if (!canHold(pa)) {
            throw new IllegalArgumentException(name() + " cannot hold PA 0x" + Long.toHexString(pa) + ": its OA field is PA["
                    + (maxOas - 1) + ":" + addressAlignmentShift() + "]");
        }
        return pa >>> oaShift;
    }

    /** Every bit a table entry (leaf false) or a leaf (leaf true) of this layout defines. */
    public long definedBits(boolean leaf) {
        long table = VALID | addressMask();
        if (!leaf) {
            return table;
        }
        return table | BIT1 | noWrite() | noRead() | bits(63, SUBPAGE_END_SHIFT);
    }

    /**
     * A table entry pointing at {@code next}.
     *
     * @throws IllegalArgumentException unless the OA field can hold {@code next}
     */
    public long tableEntry(long next) {
        return addressField(next) | VALID;
    }

    /**
     * A leaf with every field given.
     *
     * @param cacheable false sets NO_CACHE, which only DART2 has
     * @param subpageStart first unit of the page the device may access, 0..0xfff
     * @param subpageEnd last unit of the page the device may access, 0..0xfff
     * @param spDis sets SP_DIS, which only DART1 has
     * @throws IllegalArgumentException if a field cannot be expressed in this layout
     */
    public long leafEntry(long pa, boolean read, boolean write, boolean cacheable, int subpageStart, int subpageEnd,
                          boolean spDis) {
        requireSubpage("SUBPAGE_START", subpageStart);
        requireSubpage("SUBPAGE_END", subpageEnd);
        if (!cacheable && !hasNoCache()) {
            throw new IllegalArgumentException(name() + " has no NO_CACHE bit: its leaves are always cacheable");
        }
        if (spDis && !hasSpDis()) {
            throw new IllegalArgumentException(name() + " has no SP_DIS bit");
        }
        long raw = addressField(pa) | VALID
                | ((long) subpageStart << SUBPAGE_START_SHIFT) | ((long) subpageEnd << SUBPAGE_END_SHIFT);
        raw |= read ? 0 : noRead();
        raw |= write ? 0 : noWrite();
        raw |= (!cacheable || spDis) ? BIT1 : 0;
        return raw;
    }

    /** A leaf for the whole page (START 0, END 0xfff), subpage protection left on. */
    public long pageEntry(long pa, boolean read, boolean write, boolean cacheable) {
        return leafEntry(pa, read, write, cacheable, 0, SUBPAGE_LAST, false);
    }

    static long bits(int high, int low) {
        return (-1L >>> (63 - high)) & (-1L << low);
    }

    private static void requireSubpage(String field, int value) {
        if (value < 0 || value > SUBPAGE_LAST) {
            throw new IllegalArgumentException(field + " is a 12-bit field: " + value);
        }
    }
}
