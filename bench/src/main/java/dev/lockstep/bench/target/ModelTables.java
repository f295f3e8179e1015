package dev.lockstep.bench.target;

import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.LpaeEncoding;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.WalkConfig;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The translation tables the model's own encoder writes for a state of the io-pgtable contract:
 * every mapping as leaves of its page size ({@link LpaeEncoding#leaf}), split mappings as the
 * largest leaves that fit, table descriptors ({@link Descriptor#table}) to reach them. This is what
 * {@code --target qemu} hands QEMU's walker in place of a driver's tables.
 *
 * <p>Tables are laid out from the walk's initial table upwards, one granule each, in the order the
 * mappings need them; a layout is rebuilt from scratch for each state, so it never carries an
 * earlier state's leftovers.
 */
final class ModelTables {
    private final WalkConfig walk;
    private final ContractOptions options;
    private final long limit;
    private final Map<Long, long[]> tables = new TreeMap<>();
    private final Map<Long, Long> children = new HashMap<>();
    private long next;

    private ModelTables(WalkConfig walk, ContractOptions options, long limit) {
        this.walk = walk;
        this.options = options;
        this.limit = limit;
        long root = walk.tableBase();
        tables.put(root, new long[(int) (walk.initialTableSize() / 8)]);
        next = root + Math.max(walk.initialTableSize(), walk.granule().size());
    }

    /**
     * The tables for {@code mappings}, physical address to words, the initial table at
     * {@code walk.tableBase()} and the others above it, below {@code limit}.
     *
     * @throws IllegalStateException if they do not fit below {@code limit}, or the published MAIR
     *     has no attribute for a mapping's memory type (the target publishes one that has them all)
     */
    static Map<Long, long[]> build(WalkConfig walk, ContractOptions options, Collection<Mapping> mappings, long limit) {
        ModelTables t = new ModelTables(walk, options, limit);
        for (Mapping m : mappings) {
            t.add(m);
        }
        return t.tables;
    }

    private void add(Mapping m) {
        Granule g = walk.granule();
        long va = m.iova();
        while (Long.compareUnsigned(va, m.end()) < 0) {
            int level = leafLevel(m, va);
            OptionalLong leaf = LpaeEncoding.leaf(m, va, level, walk, options);
            if (leaf.isEmpty()) {
                throw new IllegalStateException("the published MAIR has no attribute for " + m.prot());
            }
            install(va, level, leaf.getAsLong());
            va += g.blockSize(level);
        }
    }

    /**
     * A mapping of one page size is a leaf of that size; what a partial unmap left of one is cut
     * into the largest leaves that fit, aligned on both sides.
     */
    private int leafLevel(Mapping m, long va) {
        Granule g = walk.granule();
        for (int level = walk.startLevel(); level <= Granule.PAGE_LEVEL; level++) {
            long size = g.blockSize(level);
            boolean fits = size <= m.pgsize() && (va & (size - 1)) == 0 && (m.translate(va) & (size - 1)) == 0
                    && Long.compareUnsigned(va + size, m.end()) <= 0;
            if (fits && (level == Granule.PAGE_LEVEL || walk.allowsBlockAt(level)) && (m.split() || size == m.pgsize())) {
                return level;
            }
        }
        return Granule.PAGE_LEVEL;
    }

    private void install(long va, int level, long leaf) {
        long table = walk.tableBase();
        for (int l = walk.startLevel(); l < level; l++) {
            long slot = table + 8L * walk.indexOf(va, l);
            Long child = children.get(slot);
            if (child == null) {
                child = allocate();
                children.put(slot, child);
                store(slot, Descriptor.table(child, walk));
            }
            table = child;
        }
        store(table + 8L * walk.indexOf(va, level), leaf);
    }

    private long allocate() {
        long size = walk.granule().size();
        long a = next;
        if (a + size > limit) {
            throw new IllegalStateException("the model's tables do not fit below 0x" + Long.toHexString(limit));
        }
        next += size;
        tables.put(a, new long[(int) (size / 8)]);
        return a;
    }

    private void store(long pa, long value) {
        Map.Entry<Long, long[]> e = ((TreeMap<Long, long[]>) tables).floorEntry(pa);
        e.getValue()[(int) ((pa - e.getKey()) >>> 3)] = value;
    }
}
