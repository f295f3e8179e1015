package dev.lockstep.models.vmsa;

/**
 * The physical address space a walk reads its descriptors from.
 *
 * <p>An address that is not backed stands for a location where the descriptor fetch would take a
 * synchronous External abort; the walker asks {@link #isBacked} before every fetch and calls
 * {@link #readU64} only on backed addresses.
 */
public interface PhysicalMemory {

    /** Whether a read of the 8 bytes at {@code pa} completes. */
    boolean isBacked(long pa);

    /** The little-endian 64-bit word at {@code pa}, which is 8-byte aligned and backed. */
    long readU64(long pa);
}
