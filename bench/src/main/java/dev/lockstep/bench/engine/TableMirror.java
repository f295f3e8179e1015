package dev.lockstep.bench.engine;

import dev.lockstep.bench.wire.TableDelta;
import dev.lockstep.models.vmsa.PhysicalMemory;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The monitor's copy of the target's page-table memory, kept current from STEP table deltas. The
 * model's walker reads the driver's tables here, so a translation is judged from the bits the
 * driver wrote, not from what the driver says about them.
 *
 * <p>Every block lives in the agent's arena, so a read finds its block by the arena page it falls
 * in: an array index, no search and no allocation (walks read here at every level). An arena too
 * large to index page by page (a board's agent may offer all of its RAM) is kept in a map of pages
 * instead. The mirror also remembers which words the last delta wrote, for the scoreboard.
 */
public final class TableMirror implements PhysicalMemory {
    /** Arena pages above this are indexed through a map rather than an array. */
    private static final long DENSE_PAGES = 1L << 22;

    private final long base;
    private final long size;
    private final int shift;
    private final long[][] dense;
    private final int[] denseOffset;
    private final Map<Long, long[]> sparse;
    private final Map<Long, Integer> sparseOffset;
    private int blocks;
    /** The arena pages written since the last clear lie in [lowPage, highPage). */
    private long lowPage = Long.MAX_VALUE;
    private long highPage;
    /** The words the last delta wrote (a fresh block counts whole), as (address, words) runs. */
    private long[] writtenAt = new long[64];
    private int[] writtenWords = new int[64];
    private int writtenCount;
    /** The blocks the last delta freed. */
    private long[] freedAt = new long[16];
    private int freedCount;

    /** A mirror of the arena [base, base + size) of pages of pageSize bytes (as HELLO_REPLY says). */
    public TableMirror(long base, long size, long pageSize) {
        if (pageSize < 8 || Long.bitCount(pageSize) != 1 || size <= 0 || size % pageSize != 0 || base % pageSize != 0) {
            throw new IllegalArgumentException(String.format("an arena of 0x%x bytes at 0x%x with %d-byte pages cannot be mirrored",
                    size, base, pageSize));
        }
        this.base = base;
        this.size = size;
        this.shift = Long.numberOfTrailingZeros(pageSize);
        long pages = size >>> shift;
        if (pages <= DENSE_PAGES) {
            dense = new long[(int) pages][];
            denseOffset = new int[(int) pages];
            sparse = null;
            sparseOffset = null;
        } else {
            dense = null;
            denseOffset = null;
            sparse = new HashMap<>();
            sparseOffset = new HashMap<>();
        }
    }

    /**
     * Applies one delta, record by record. A record that does not fit what the mirror holds (a
     * write outside any block, a fresh block over a live one, a free of a block it never had) means
     * the two sides no longer agree on the agent's memory: IllegalStateException, with what broke.
     */
    public void apply(TableDelta delta) {
        writtenCount = 0;
        freedCount = 0;
        for (int i = 0; i < delta.count(); i++) {
            long pa = delta.pa(i);
            int len = delta.length(i);
            switch (delta.kind(i)) {
                case TableDelta.FREED -> free(pa, len);
                case TableDelta.FRESH -> fresh(pa, len);
                case TableDelta.WHOLE -> {
                    long p = page(pa);
                    if (block(p) == null || offset(p) != 0 || block(p).length != len >>> 3) {
                        fresh(pa, len);
                    }
                    write(delta, i, pa, len);
                }
                default -> write(delta, i, pa, len);
            }
        }
    }

    private void free(long pa, int len) {
        long first = page(pa);
        if (block(first) == null || offset(first) != 0) {
            throw new IllegalStateException(String.format("the agent freed a block at 0x%x the bench holds no copy of", pa));
        }
        for (long p = first; p < first + (len >>> shift); p++) {
            set(p, null, 0);
        }
        blocks--;
        if (freedCount == freedAt.length) {
            freedAt = Arrays.copyOf(freedAt, freedCount * 2);
        }
        freedAt[freedCount++] = pa;
    }

    private void fresh(long pa, int len) {
        if (Long.bitCount(len) != 1 || len < (1 << shift) || pa % len != 0) {
            throw new IllegalStateException(String.format("the agent announced a block of %d bytes at 0x%x: not a block of its pages", len, pa));
        }
        long first = page(pa);
        long[] words = new long[len >>> 3];
        int perPage = 1 << (shift - 3);
        for (long p = first; p < first + (len >>> shift); p++) {
            if (block(p) != null) {
                throw new IllegalStateException(String.format("the agent announced a block at 0x%x over one the bench still holds", pa));
            }
            set(p, words, (int) (p - first) * perPage);
        }
        blocks++;
        // Every word of it is new to the bench, zero or not.
        written(pa, len >>> 3);
    }

    private void write(TableDelta delta, int i, long pa, int len) {
        long p = page(pa);
        long[] words = block(p);
        int at = words == null ? 0 : offset(p) + (int) ((pa & ((1L << shift) - 1)) >>> 3);
        int n = len >>> 3;
        if (words == null || at + n > words.length) {
            throw new IllegalStateException(String.format("the agent wrote %d bytes at 0x%x, outside any block the bench holds", len, pa));
        }
        for (int k = 0; k < n; k++) {
            words[at + k] = delta.word(i, k);
        }
        written(pa, n);
    }

    private void written(long pa, int words) {
        if (writtenCount == writtenAt.length) {
            writtenAt = Arrays.copyOf(writtenAt, writtenCount * 2);
            writtenWords = Arrays.copyOf(writtenWords, writtenCount * 2);
        }
        writtenAt[writtenCount] = pa;
        writtenWords[writtenCount] = words;
        writtenCount++;
    }

    private long page(long pa) {
        if (Long.compareUnsigned(pa - base, size) >= 0) {
            throw new IllegalStateException(String.format("the agent named 0x%x, outside its arena", pa));
        }
        return (pa - base) >>> shift;
    }

    private long[] block(long page) {
        return dense != null ? dense[(int) page] : sparse.get(page);
    }

    private int offset(long page) {
        return dense != null ? denseOffset[(int) page] : sparseOffset.getOrDefault(page, 0);
    }

    private void set(long page, long[] words, int offset) {
        lowPage = Math.min(lowPage, page);
        highPage = Math.max(highPage, page + 1);
        if (dense != null) {
            dense[(int) page] = words;
            denseOffset[(int) page] = offset;
        } else if (words == null) {
            sparse.remove(page);
            sparseOffset.remove(page);
        } else {
            sparse.put(page, words);
            sparseOffset.put(page, offset);
        }
    }

    public void clear() {
        if (dense != null) {
            // Only what was used: a case touches a few pages of a large arena.
            if (lowPage < highPage) {
                Arrays.fill(dense, (int) lowPage, (int) highPage, null);
            }
        } else {
            sparse.clear();
            sparseOffset.clear();
        }
        blocks = 0;
        writtenCount = 0;
        freedCount = 0;
        lowPage = Long.MAX_VALUE;
        highPage = 0;
    }

    /**
     * The blocks, physical address to words, in address order. The arrays are the mirror's own and
     * change in place as deltas arrive: a reader that keeps them must copy them.
     */
    public java.util.NavigableMap<Long, long[]> blocks() {
        java.util.TreeMap<Long, long[]> out = new java.util.TreeMap<>();
        if (dense == null) {
            sparse.forEach((p, words) -> {
                if (offset(p) == 0) {
                    out.put(base + (p << shift), words);
                }
            });
            return out;
        }
        for (long p = lowPage; p < highPage; p++) {
            long[] words = block(p);
            if (words != null && offset(p) == 0) {
                out.put(base + (p << shift), words);
            }
        }
        return out;
    }

    public int blockCount() {
        return blocks;
    }

    /** Runs of words the last delta wrote: how many, and each one's address and length in words. */
    public int writtenRuns() {
        return writtenCount;
    }

    public long writtenAt(int run) {
        return writtenAt[run];
    }

    public int writtenWords(int run) {
        return writtenWords[run];
    }

    /** Blocks the last delta freed: how many, and each one's address. */
    public int freedBlocks() {
        return freedCount;
    }

    public long freedAt(int i) {
        return freedAt[i];
    }

    /**
     * The first address at which this mirror and other hold different words or different blocks,
     * or -1 when they hold the same memory (for tests that check a delta against whole blocks).
     */
    public long firstDifference(TableMirror other) {
        long lo = Math.min(lowPage, other.lowPage);
        long hi = Math.max(highPage, other.highPage);
        for (long p = lo; p < hi; p++) {
            long[] a = block(p);
            long[] b = other.block(p);
            long pa = base + (p << shift);
            if ((a == null) != (b == null) || (a != null && (a.length != b.length || offset(p) != other.offset(p)))) {
                return pa;
            }
            if (a != null && offset(p) == 0) {
                for (int i = 0; i < a.length; i++) {
                    if (a[i] != b[i]) {
                        return pa + 8L * i;
                    }
                }
            }
        }
        return -1;
    }

    @Override
    public boolean isBacked(long pa) {
        if ((pa & 7) != 0 || Long.compareUnsigned(pa - base, size) >= 0) {
            return false;
        }
        return block((pa - base) >>> shift) != null;
    }

    @Override
    public long readU64(long pa) {
        long p = (pa - base) >>> shift;
        return block(p)[offset(p) + (int) ((pa & ((1L << shift) - 1)) >>> 3)];
    }
}
