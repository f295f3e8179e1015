package dev.lockstep.models.uat;

/**
 * One TTB entry of a TTBAT slot (fact sheet §3): {@code table PA | VALID (bit 0) | ASID << 48}.
 * m1n1 reads the base from bits 47:1 (BADDR) and the ASID from 63:48, so the three fields cover
 * all 64 bits and every raw value decodes and encodes back to itself.
 *
 * @param tablePa the top-level table, bits 47:1 (a usable one is 16K-aligned: {@link #isAligned})
 * @param valid bit 0; the firmware panics on an invalid TTB0 in slot 0
 * @param asid bits 63:48
 */
public record UatTtbatEntry(long tablePa, boolean valid, int asid) {

    public static final long VALID = 1L;
    public static final int ASID_SHIFT = 48;
    /** Bits 47:1, BADDR. */
    public static final long BADDR_MASK = 0x0000_FFFF_FFFF_FFFEL;

    public UatTtbatEntry {
        if ((tablePa & ~BADDR_MASK) != 0) {
            throw new IllegalArgumentException("a TTB base is bits 47:1: 0x" + Long.toHexString(tablePa));
        }
        if (asid < 0 || asid > 0xffff) {
            throw new IllegalArgumentException("an ASID is 16 bits: " + asid);
        }
    }

    /** An invalid entry with nothing else set: raw 0. */
    public static UatTtbatEntry invalid() {
        return new UatTtbatEntry(0, false, 0);
    }

    /** The entry {@code raw} holds. */
    public static UatTtbatEntry decode(long raw) {
        return new UatTtbatEntry(raw & BADDR_MASK, (raw & VALID) != 0, (int) (raw >>> ASID_SHIFT));
    }

    public long encode() {
        return tablePa | (valid ? VALID : 0) | ((long) asid << ASID_SHIFT);
    }

    /** Whether the base is aligned to a table (16K). */
    public boolean isAligned() {
        return (tablePa & (UatConfig.PAGE_SIZE - 1)) == 0;
    }
}
