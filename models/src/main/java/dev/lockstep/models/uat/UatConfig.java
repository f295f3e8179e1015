package dev.lockstep.models.uat;

import java.util.Objects;

/**
 * The shape of one GPU address space (G13/G14, fact sheet §3): 16K granule, 2048 entries per table,
 * a 40-bit VA split into two 39-bit halves, each with its own TTB, and an output size of 40 bits
 * (t8103, t8112) or 42 (t600x).
 *
 * <pre>
 *   level 1 (top)   VA[38:36]   8 entries used
 *   level 2         VA[35:25]   2048 entries
 *   level 3 (leaf)  VA[24:14]   2048 entries, 16K pages
 * </pre>
 *
 * The levels are numbered as ARMv8 numbers a 16K walk of 39 bits. The firmware owns TTB1 addresses
 * {@link #FW_PRIVATE_START} to {@link #FW_PRIVATE_LAST}; the driver manages {@link #KERNEL_START} up
 * to {@link #KERNEL_END}, which is entry 2 of the firmware's top-level table. G15 and later (m1n1's
 * L0_OFF = 42) are not modelled.
 *
 * @param ttb0 the TTB for the lower half
 * @param ttb1 the TTB for the upper half
 */
public record UatConfig(int oas, UatTtbatEntry ttb0, UatTtbatEntry ttb1) {

    public static final int PAGE_SHIFT = 14;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    public static final int BITS_PER_LEVEL = 11;
    public static final int ENTRIES_PER_TABLE = 1 << BITS_PER_LEVEL;
    /** The VA bits the tables resolve: 39 per half, 40 with the half. */
    public static final int HALF_BITS = 39;
    public static final int VA_BITS = 40;
    public static final int START_LEVEL = 1;
    public static final int LEAF_LEVEL = 3;
    /** Entries of the top-level table the walk can reach: VA[38:36]. */
    public static final int TOP_ENTRIES = 8;

    public static final long FW_PRIVATE_START = 0xffff_ff80_0000_0000L;
    public static final long FW_PRIVATE_LAST = 0xffff_ff9f_ffff_ffffL;
    public static final long KERNEL_START = 0xffff_ffa0_0000_0000L;
    public static final long KERNEL_END = 0xffff_ffb0_0000_0000L;

    public UatConfig {
        Objects.requireNonNull(ttb0, "ttb0");
        Objects.requireNonNull(ttb1, "ttb1");
        if (oas != 40 && oas != 42) {
            throw new IllegalArgumentException("UAT output sizes are 40 (t8103, t8112) or 42 (t600x), not " + oas);
        }
        for (UatTtbatEntry e : new UatTtbatEntry[] {ttb0, ttb1}) {
            if (e.valid() && !e.isAligned()) {
                throw new IllegalArgumentException("a valid TTB must point at a 16K-aligned table: 0x" + Long.toHexString(e.tablePa()));
            }
        }
    }

    /** The configuration of a TTBAT slot whose two entries read {@code ttb0Raw} and {@code ttb1Raw}. */
    public static UatConfig fromSlot(int oas, long ttb0Raw, long ttb1Raw) {
        return new UatConfig(oas, UatTtbatEntry.decode(ttb0Raw), UatTtbatEntry.decode(ttb1Raw));
    }

    /** The TTB for {@code half}. */
    public UatTtbatEntry ttb(UatHalf half) {
        return half == UatHalf.TTB0 ? ttb0 : ttb1;
    }

    /**
     * The lowest VA bit the index at {@code level} resolves: 36, 25, 14.
     *
     * @throws IllegalArgumentException unless {@code level} is 1..3
     */
    public static int shiftOf(int level) {
        if (level < START_LEVEL || level > LEAF_LEVEL) {
            throw new IllegalArgumentException("UAT walks have levels " + START_LEVEL + ".." + LEAF_LEVEL + ", not " + level);
        }
        return PAGE_SHIFT + (LEAF_LEVEL - level) * BITS_PER_LEVEL;
    }

    /**
     * The index of {@code va}'s entry in the table at {@code level}: VA[38:36] at the top, 11 bits
     * below. The half bit and above are not part of any index.
     */
    public static int indexOf(long va, int level) {
        int width = level == START_LEVEL ? HALF_BITS - shiftOf(level) : BITS_PER_LEVEL;
        return (int) ((va >>> shiftOf(level)) & ((1L << width) - 1));
    }

    /** Whether {@code pa} is within the output size. */
    public boolean acceptsOutput(long pa) {
        return pa >= 0 && (pa >>> oas) == 0;
    }
}
