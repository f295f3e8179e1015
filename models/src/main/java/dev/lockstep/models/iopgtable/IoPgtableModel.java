package dev.lockstep.models.iopgtable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The io-pgtable API contract as a state machine: what map_pages, unmap_pages and iova_to_phys
 * must answer, and which translations must hold afterwards. It knows nothing of descriptors or
 * tables; it is the promise a caller (the IOMMU core) relies on. The address space is a set of
 * disjoint extents keyed by iova.
 *
 * <p>Contract (include/linux/io-pgtable.h, drivers/iommu/iommu.c as a caller): map_pages maps
 * pgcount pages of one supported size, physically contiguous, and may map fewer than asked,
 * reporting the bytes it mapped; mapping over a live translation is refused with -EEXIST and changes
 * nothing; an iova or paddr the format cannot hold is -ERANGE; an unsupported or misaligned size is
 * -EINVAL. unmap_pages removes whole pages from iova on and returns the bytes it removed, stopping at
 * the first page with nothing mapped; unmapping part of a larger mapping keeps the rest. iova_to_phys
 * answers the output address of a live translation and 0 otherwise.
 */
public final class IoPgtableModel implements PgtableContract {
    private final PgtableConfig config;
    private final ContractOptions options;
    private final AddressSpace extents = new AddressSpace();
    private Mapping lastMapped;

    public IoPgtableModel(PgtableConfig config, ContractOptions options) {
        this.config = config;
        this.options = options;
    }

    public PgtableConfig config() { return config; }

    public ContractOptions options() { return options; }

    @Override
    public MapOutcome map(long iova, long paddr, long pgsize, long pgcount, Prot asked) {
        // NO_PERMS: READ, WRITE and NOEXEC are ignored and everything is mapped with full access.
        Prot prot = config.has(Quirk.NO_PERMS) ? Prot.of((asked.bits() & ~Prot.NOEXEC) | Prot.READ | Prot.WRITE) : asked;
        int level = config.leafLevel(pgsize);
        if (Long.bitCount(pgsize) != 1 || (pgsize & config.pgsizeBitmap()) == 0 || level < 0) {
            return MapOutcome.of(-Errno.EINVAL, 0, MapSituation.BAD_PGSIZE, -1, true);
        }
        // Every breach of the contract, in the order the situation is named by; each one's error is a
        // correct answer when several apply.
        List<MapSituation> breaches = new ArrayList<>();
        List<Integer> errors = new ArrayList<>();
        boolean iovaInRange = config.acceptsIova(iova);
        if (!iovaInRange) {
            breaches.add(MapSituation.IOVA_OUT_OF_RANGE);
            errors.add(-Errno.ERANGE);
        }
        if (Long.compareUnsigned(paddr, config.outputLimit()) >= 0) {
            breaches.add(MapSituation.PADDR_OUT_OF_RANGE);
            errors.add(-Errno.ERANGE);
        }
        if (((iova | paddr) & (pgsize - 1)) != 0) {
            breaches.add(MapSituation.MISALIGNED);
            errors.add(-Errno.EINVAL);
        }
        long pages = pgcount <= 0 ? 0 : chunk(iova, level, pgcount);
        long size = pages * pgsize;
        if (breaches.isEmpty() && size > 0 && Long.compareUnsigned(paddr + size - 1, config.outputLimit()) >= 0) {
            breaches.add(MapSituation.PADDR_OUT_OF_RANGE);
            errors.add(-Errno.ERANGE);
        }
        if (iovaInRange && size > 0) {
            List<Mapping> live = overlapping(iova & ~(pgsize - 1), (iova & ~(pgsize - 1)) + size);
            if (!live.isEmpty()) {
                breaches.add(overSituation(live, pgsize));
                errors.add(-Errno.EEXIST);
            }
        }
        if (prot.noAccess()) {
            // Nothing to install either way: with IGNORE, success is also a right answer to a call
            // that breaks the contract elsewhere, since it changes nothing.
            int answer = options.noAccessMap() == ContractOptions.NoAccessMap.IGNORE ? 0 : -Errno.EINVAL;
            if (breaches.isEmpty()) {
                return MapOutcome.of(answer, 0, MapSituation.NO_ACCESS, level, false);
            }
            errors.add(answer);
        }
        if (!breaches.isEmpty()) {
            return new MapOutcome(errors.get(0), 0, breaches.get(0), level, true, new HashSet<>(errors));
        }
        if (size == 0) {
            return MapOutcome.of(0, 0, MapSituation.EMPTY, level, false);
        }
        lastMapped = new Mapping(iova, paddr, size, pgsize, prot, false);
        extents.add(lastMapped);
        // Pages asked for past the input range are the caller's mistake even where the chunk stops short of them.
        boolean pastRange = config.runsPastInputEnd(iova, pgcount * pgsize);
        return MapOutcome.of(0, size, MapSituation.FRESH, level, pastRange);
    }

    @Override
    public UnmapOutcome unmap(long iova, long pgsize, long pgcount) {
        int level = config.leafLevel(pgsize);
        if (Long.bitCount(pgsize) != 1 || (pgsize & config.pgsizeBitmap()) == 0 || level < 0) {
            return new UnmapOutcome(0, UnmapSituation.BAD_PGSIZE, -1, true);
        }
        if (!config.acceptsIova(iova)) {
            return new UnmapOutcome(0, UnmapSituation.IOVA_OUT_OF_RANGE, level, true);
        }
        if ((iova & (pgsize - 1)) != 0) {
            return new UnmapOutcome(0, UnmapSituation.MISALIGNED, level, true);
        }
        if (pgcount <= 0) {
            return new UnmapOutcome(0, UnmapSituation.EMPTY, level, false);
        }
        long pages = chunk(iova, level, pgcount);
        UnmapSituation situation = UnmapSituation.EXACT;
        long done = 0;
        for (; done < pages; done++) {
            long from = iova + done * pgsize;
            long to = from + pgsize;
            List<Mapping> live = overlapping(from, to);
            if (live.isEmpty()) {
                situation = done == 0 ? UnmapSituation.HOLE : UnmapSituation.PARTIAL_HOLE;
                break;
            }
            for (Mapping m : live) {
                if (m.size() > pgsize || m.iova() < from || m.end() > to) {
                    if (m.pgsize() > pgsize) {
                        situation = situation == UnmapSituation.EXACT ? UnmapSituation.SPLIT : situation;
                    }
                } else if (m.pgsize() < pgsize && situation == UnmapSituation.EXACT) {
                    situation = UnmapSituation.COVERS_SMALLER;
                }
                remove(m, from, to);
            }
        }
        boolean pastRange = config.runsPastInputEnd(iova, pgcount * pgsize);
        return new UnmapOutcome(done * pgsize, situation, level,
                pastRange || situation == UnmapSituation.HOLE || situation == UnmapSituation.PARTIAL_HOLE);
    }

    /**
     * Takes note that the last successful map_pages mapped fewer bytes than the whole chunk, as
     * the contract allows under {@link ContractOptions.Chunk#UP_TO_TABLE_END}: the pages after
     * {@code mappedBytes} stay unmapped. Returns false (and changes nothing) when that is not a
     * count the contract allows: not a positive whole number of pages, or more than the chunk.
     */
    @Override
    public boolean acceptShorterMap(long mappedBytes) {
        if (options.chunk() != ContractOptions.Chunk.UP_TO_TABLE_END || lastMapped == null) {
            return false;
        }
        Mapping m = lastMapped;
        if (mappedBytes <= 0 || mappedBytes >= m.size() || mappedBytes % m.pgsize() != 0) {
            return false;
        }
        extents.add(new Mapping(m.iova(), m.paddr(), mappedBytes, m.pgsize(), m.prot(), m.split()));
        lastMapped = null;
        return true;
    }

    /** The output address iova_to_phys must answer: the translation, or 0 where nothing is mapped. */
    @Override
    public long iovaToPhys(long iova) {
        Optional<Mapping> m = lookup(iova);
        return m.isPresent() ? m.get().translate(iova) : 0L;
    }

    @Override
    public Optional<Mapping> lookup(long va) {
        return extents.lookup(va);
    }

    /** The live extents that overlap [from, to). */
    @Override
    public List<Mapping> mappingsIn(long from, long to) {
        return Collections.unmodifiableList(overlapping(from, to));
    }

    @Override
    public Collection<Mapping> mappings() {
        return extents.all();
    }

    @Override
    public int extentCount() {
        return extents.size();
    }

    private long chunk(long iova, int level, long pgcount) {
        lastMapped = null;
        if (options.chunk() == ContractOptions.Chunk.ALL) {
            return pgcount;
        }
        return Math.min(pgcount, config.entriesLeftInTable(iova, level));
    }

    private List<Mapping> overlapping(long from, long to) {
        return extents.overlapping(from, to);
    }

    private static MapSituation overSituation(List<Mapping> live, long pgsize) {
        for (Mapping m : live) {
            if (m.split()) {
                return MapSituation.OVER_SPLIT;
            }
        }
        for (Mapping m : live) {
            if (m.pgsize() > pgsize) {
                return MapSituation.INSIDE_LARGER;
            }
        }
        for (Mapping m : live) {
            if (m.pgsize() < pgsize) {
                return MapSituation.OVER_SMALLER;
            }
        }
        return MapSituation.OVER_SAME_SIZE;
    }

    private void remove(Mapping m, long from, long to) {
        extents.cut(m, from, to, m.pgsize() > to - from);
    }
}
