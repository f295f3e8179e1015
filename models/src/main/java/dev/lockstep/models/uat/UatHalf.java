package dev.lockstep.models.uat;

import java.util.Optional;

/**
 * The two halves of the GPU's 40-bit virtual address space: TTB0 for [0, 2^39) (user contexts) and
 * TTB1 for [0xffffff80_00000000, 2^64) (firmware and kernel). Anything between belongs to neither.
 */
public enum UatHalf {
    TTB0(0L),
    TTB1(0xffff_ff80_0000_0000L);

    private final long base;

    UatHalf(long base) {
        this.base = base;
    }

    /** The first address of the half. */
    public long base() {
        return base;
    }

    /** The last address of the half: 2^39 - 1, or 2^64 - 1. */
    public long last() {
        return base + (1L << UatConfig.HALF_BITS) - 1;
    }

    /** The half {@code va} falls in: bits 63:39 all clear (TTB0) or all set (TTB1); empty otherwise. */
    public static Optional<UatHalf> of(long va) {
        long top = va >> UatConfig.HALF_BITS;
        if (top == 0) {
            return Optional.of(TTB0);
        }
        if (top == -1) {
            return Optional.of(TTB1);
        }
        return Optional.empty();
    }
}
