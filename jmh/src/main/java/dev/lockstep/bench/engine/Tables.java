package dev.lockstep.bench.engine;

import dev.lockstep.bench.wire.MemoryDelta;
import dev.lockstep.bench.wire.TableDelta;
import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.vmsa.PhysicalMemory;
import dev.lockstep.models.vmsa.WalkConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Translation tables laid out for the benchmarks, the way a driver lays them out: 4K tables from
 * an arena at {@link #BASE}, each allocated when a leaf first needs it. Readable directly, or copied
 * into the bench's own {@link TableMirror} (what the scoreboard walks in a campaign).
 */
final class Tables implements PhysicalMemory {
    static final long BASE = 0x8_0000_0000L;
    static final long ARENA = 64L << 20;
    private final Map<Long, long[]> frames = new TreeMap<>();
    private long next = BASE;

    /** A table: 512 zero words. */
    long table() {
        long t = next;
        next += 4096;
        frames.put(t, new long[512]);
        return t;
    }

    void write(long pa, long raw) {
        frames.get(pa & ~4095L)[(int) ((pa & 4095) >>> 3)] = raw;
    }

    /** Writes an LPAE leaf for va at level, linking the tables on its way (from walk's root). */
    void lpaeLeaf(WalkConfig walk, long va, int level, long raw) {
        long table = walk.tableBase();
        for (int l = walk.startLevel(); l < level; l++) {
            long at = table + 8L * walk.indexOf(va, l);
            long d = readU64(at);
            if ((d & 3) != 3) {
                long t = table();
                write(at, Descriptor.table(t, walk));
                table = t;
            } else {
                table = d & 0x0000_ffff_ffff_f000L;
            }
        }
        write(table + 8L * walk.indexOf(va, level), raw);
    }

    @Override
    public boolean isBacked(long pa) {
        return (pa & 7) == 0 && frames.containsKey(pa & ~4095L);
    }

    @Override
    public long readU64(long pa) {
        return frames.get(pa & ~4095L)[(int) ((pa & 4095) >>> 3)];
    }

    /** The same tables in a fresh mirror, as one table delta brings them. */
    TableMirror mirror() {
        TableMirror m = new TableMirror(BASE, ARENA, 4096);
        List<MemoryDelta.Block> blocks = new ArrayList<>();
        frames.forEach((pa, words) -> {
            byte[] b = new byte[4096];
            for (int i = 0; i < 512; i++) {
                for (int k = 0; k < 8; k++) {
                    b[i * 8 + k] = (byte) (words[i] >>> (8 * k));
                }
            }
            blocks.add(new MemoryDelta.Block(pa, b));
        });
        m.apply(TableDelta.of(new MemoryDelta(blocks, List.of())));
        return m;
    }
}
