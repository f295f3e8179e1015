package dev.lockstep.models.vmsa;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A small mutable physical memory for tests and tools: a map of 8-byte words, zero where never
 * written, backed only in the 4K frames that were written or added.
 *
 * <p>Backing is tracked per 4K frame, the smallest granule, so that a test can leave one table of
 * a walk unbacked. A table bigger than 4K is backed as a whole with {@link #addPage}; writing one
 * word backs only that word's frame.
 */
public final class SparseMemory implements PhysicalMemory {

    /** The unit in which memory is backed. */
    public static final long FRAME_SIZE = 4096;

    private final Map<Long, Long> words = new HashMap<>();
    private final Set<Long> frames = new HashSet<>();

    /**
     * Backs the naturally aligned region of {@code size} bytes (a power of two) that holds
     * {@code pa}; regions smaller than a frame back the whole frame.
     *
     * @return this memory, to chain calls
     */
    public SparseMemory addPage(long pa, long size) {
        if (size <= 0 || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("page size must be a power of two: " + size);
        }
        long span = Math.max(size, FRAME_SIZE);
        long start = pa & -span;
        for (long frame = start; frame - start < span; frame += FRAME_SIZE) {
            frames.add(frame);
        }
        return this;
    }

    /** Stores {@code value} at the 8-byte aligned {@code pa} and backs its frame. */
    public void writeU64(long pa, long value) {
        requireAligned(pa);
        frames.add(pa & -FRAME_SIZE);
        words.put(pa, value);
    }

    @Override
    public boolean isBacked(long pa) {
        return frames.contains(pa & -FRAME_SIZE);
    }

    /**
     * The word at {@code pa}, zero if never written.
     *
     * @throws IllegalArgumentException if {@code pa} is unaligned or not backed: the walker never
     *     reads there, so such a read is a bug in the caller
     */
    @Override
    public long readU64(long pa) {
        requireAligned(pa);
        if (!isBacked(pa)) {
            throw new IllegalArgumentException("read of unbacked memory at 0x" + Long.toHexString(pa));
        }
        return words.getOrDefault(pa, 0L);
    }

    private static void requireAligned(long pa) {
        if ((pa & 7) != 0) {
            throw new IllegalArgumentException("unaligned 64-bit access at 0x" + Long.toHexString(pa));
        }
    }
}
