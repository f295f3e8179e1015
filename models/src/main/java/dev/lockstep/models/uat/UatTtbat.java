package dev.lockstep.models.uat;

/**
 * Where the TTBAT keeps its slots (fact sheet §3): at {@code gpu-region-base}, 64 slots of
 * {ttb0, ttb1}, 8 bytes each, 16 bytes a slot. Slot 0 is the kernel's: TTB0 an empty table, TTB1 the
 * firmware's TTBR1. Slots 1..63 are user VMs, with TTB1 left invalid.
 */
public final class UatTtbat {

    public static final int SLOTS = 64;
    public static final int SLOT_BYTES = 16;
    public static final int KERNEL_SLOT = 0;
    public static final int FIRST_USER_SLOT = 1;

    private UatTtbat() {
    }

    /** The address of slot {@code slot}'s TTB0 entry. */
    public static long ttb0Address(long regionBase, int slot) {
        return regionBase + (long) SLOT_BYTES * requireSlot(slot);
    }

    /** The address of slot {@code slot}'s TTB1 entry. */
    public static long ttb1Address(long regionBase, int slot) {
        return ttb0Address(regionBase, slot) + 8;
    }

    /** The address of {@code half}'s entry in slot {@code slot}. */
    public static long entryAddress(long regionBase, int slot, UatHalf half) {
        return half == UatHalf.TTB0 ? ttb0Address(regionBase, slot) : ttb1Address(regionBase, slot);
    }

    private static int requireSlot(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("the TTBAT has slots 0.." + (SLOTS - 1) + ", not " + slot);
        }
        return slot;
    }
}
