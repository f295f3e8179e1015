package dev.lockstep.bench.engine;

import dev.lockstep.bench.wire.MemoryDelta;
import dev.lockstep.models.vmsa.PhysicalMemory;
import java.util.Map;
import java.util.TreeMap;

/**
 * The monitor's copy of the target's page-table memory, kept current from MEM_SYNC deltas. The
 * model's walker reads the driver's tables here, so a translation is judged from the bits the
 * driver wrote, not from what the driver says about them.
 */
public final class TableMirror implements PhysicalMemory {
    private final TreeMap<Long, long[]> blocks = new TreeMap<>();

    public void apply(MemoryDelta delta) {
        for (MemoryDelta.Freed f : delta.freed()) {
            blocks.remove(f.paddr());
        }
        for (MemoryDelta.Block b : delta.changed()) {
            byte[] bytes = b.bytes();
            long[] words = new long[bytes.length / 8];
            for (int i = 0; i < words.length; i++) {
                long w = 0;
                for (int k = 7; k >= 0; k--) {
                    w = (w << 8) | (bytes[i * 8 + k] & 0xffL);
                }
                words[i] = w;
            }
            blocks.put(b.paddr(), words);
        }
    }

    public void clear() {
        blocks.clear();
    }

    /**
     * The blocks, physical address to words, read-only. A block that changes is replaced by a new
     * array, so a reader can tell a changed block from an unchanged one by identity.
     */
    public java.util.NavigableMap<Long, long[]> blocks() {
        return java.util.Collections.unmodifiableNavigableMap(blocks);
    }

    public int blockCount() {
        return blocks.size();
    }

    @Override
    public boolean isBacked(long pa) {
        Map.Entry<Long, long[]> e = blocks.floorEntry(pa);
        return e != null && pa - e.getKey() + 8 <= (long) e.getValue().length * 8 && (pa & 7) == 0;
    }

    @Override
    public long readU64(long pa) {
        Map.Entry<Long, long[]> e = blocks.floorEntry(pa);
        return e.getValue()[(int) ((pa - e.getKey()) >>> 3)];
    }
}
