package dev.lockstep.models.dart;

import dev.lockstep.models.iopgtable.AddressSpace;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.Errno;
import dev.lockstep.models.iopgtable.MapOutcome;
import dev.lockstep.models.iopgtable.MapSituation;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableContract;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.iopgtable.UnmapOutcome;
import dev.lockstep.models.iopgtable.UnmapSituation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The io-pgtable contract for APPLE_DART and APPLE_DART2 as a state machine over disjoint extents,
 * like {@link dev.lockstep.models.iopgtable.IoPgtableModel}: what map_pages, unmap_pages and
 * iova_to_phys must answer, and which translations must hold afterwards.
 *
 * <p>A DART has pages only (no blocks), so the one page size is the granule, and nothing is ever
 * split.
 * <ul>
 *   <li><b>map</b>: pgsize other than the granule: -EINVAL (misuse). An iova at or beyond 2^ias, or
 *       a paddr range reaching 2^oas: -ERANGE (misuse). iova or paddr not aligned to the page:
 *       -EINVAL (misuse). Any live page in the range: -EEXIST (misuse), nothing changes. When a
 *       call breaks the contract in several ways, each breach's error is accepted. Otherwise up to
 *       the end of the leaf table holding the first page is mapped (option {@code chunk}) and the
 *       bytes are reported.</li>
 *   <li><b>a paddr the format cannot hold</b>: DART2's OA field starts at PA bit 14, so with a 4K
 *       granule a page-aligned paddr that is not 16K-aligned cannot be written, nor can any page
 *       after the first of a multi-page call. The caller did nothing wrong (not misuse); the only
 *       honest answers are errors, -EINVAL or -ERANGE (situation PADDR_UNENCODABLE). A driver that
 *       answers 0 has mapped other addresses.</li>
 *   <li><b>neither READ nor WRITE</b> (option {@code noAccessMap}): MAP_NONE maps the pages with
 *       no access, REJECT answers -EINVAL, IGNORE answers 0 and maps nothing. A clean call is
 *       situation NO_ACCESS whichever is chosen.</li>
 *   <li><b>unmap</b>: pgsize other than the granule, iova out of range or misaligned: 0 (misuse).
 *       Otherwise whole pages from iova on, up to the end of the leaf table (option {@code chunk}),
 *       stopping at the first page with nothing mapped (misuse: the caller unmaps what it never
 *       mapped).</li>
 *   <li><b>iova_to_phys</b>: paddr + offset of a live page, 0 otherwise.</li>
 * </ul>
 */
public final class DartContract implements PgtableContract {
    private final DartConfig config;
    private final DartOptions options;
    private final AddressSpace extents = new AddressSpace();
    private final boolean noPerms;

    public DartContract(DartConfig config, DartOptions options) {
        this(config, options, false);
    }

    /** @param noPerms the NO_PERMS quirk: READ, WRITE and NOEXEC ignored, every page fully accessible */
    public DartContract(DartConfig config, DartOptions options, boolean noPerms) {
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.noPerms = noPerms;
    }

    public DartConfig config() { return config; }

    public DartOptions options() { return options; }

    /** The page sizes the contract offers: the granule alone. */
    public long pgsizeBitmap() {
        return config.pageSize();
    }

    @Override
    public MapOutcome map(long iova, long paddr, long pgsize, long pgcount, Prot asked) {
        Objects.requireNonNull(asked, "prot");
        Prot prot = noPerms ? Prot.of((asked.bits() & ~Prot.NOEXEC) | Prot.READ | Prot.WRITE) : asked;
        int level = DartConfig.LEAF_LEVEL;
        if (pgsize != config.pageSize()) {
            return new MapOutcome(-Errno.EINVAL, 0, MapSituation.BAD_PGSIZE, -1, true, Set.of(-Errno.EINVAL));
        }
        List<Breach> breaches = new ArrayList<>();
        boolean iovaInRange = config.acceptsIova(iova);
        if (!iovaInRange) {
            breaches.add(new Breach(MapSituation.IOVA_OUT_OF_RANGE, true, -Errno.ERANGE));
        }
        boolean paddrInRange = Long.compareUnsigned(paddr, config.outputLimit()) < 0;
        if (!paddrInRange) {
            breaches.add(new Breach(MapSituation.PADDR_OUT_OF_RANGE, true, -Errno.ERANGE));
        }
        long pages = pgcount <= 0 ? 0 : chunk(iova, pgcount);
        boolean aligned = ((iova | paddr) & (pgsize - 1)) == 0;
        if (!aligned) {
            breaches.add(new Breach(MapSituation.MISALIGNED, true, -Errno.EINVAL));
        } else if (paddrInRange && pages > 0 && !holdsEveryPage(paddr, pages, pgsize)) {
            breaches.add(new Breach(MapSituation.PADDR_UNENCODABLE, false, -Errno.EINVAL, -Errno.ERANGE));
        }
        // More pages than the aperture holds can only come with chunk=ALL; they reach past 2^ias.
        boolean tooMany = pages > (config.inputLimit() >>> config.pageShift());
        long size = tooMany ? 0 : pages * pgsize;
        if (breaches.isEmpty() && (tooMany || (size > 0 && iova + size > config.inputLimit()))) {
            breaches.add(new Breach(MapSituation.IOVA_OUT_OF_RANGE, true, -Errno.ERANGE));
        }
        if (breaches.isEmpty() && size > 0 && paddr + size > config.outputLimit()) {
            breaches.add(new Breach(MapSituation.PADDR_OUT_OF_RANGE, true, -Errno.ERANGE));
        }
        if (iovaInRange && size > 0 && !overlapping(iova & -pgsize, (iova & -pgsize) + size).isEmpty()) {
            breaches.add(new Breach(MapSituation.OVER_SAME_SIZE, true, -Errno.EEXIST));
        }
        if (prot.noAccess() && options.noAccessMap() != DartOptions.NoAccessMap.MAP_NONE) {
            // Nothing to install either way: with IGNORE, success is also a right answer to a call
            // that breaks the contract elsewhere, since it changes nothing.
            int answer = options.noAccessMap() == DartOptions.NoAccessMap.IGNORE ? 0 : -Errno.EINVAL;
            if (breaches.isEmpty()) {
                return new MapOutcome(answer, 0, MapSituation.NO_ACCESS, level, false, Set.of(answer));
            }
            breaches.add(new Breach(MapSituation.NO_ACCESS, false, answer));
        }
        if (!breaches.isEmpty()) {
            LinkedHashSet<Integer> errors = new LinkedHashSet<>();
            boolean misuse = false;
            for (Breach b : breaches) {
                errors.addAll(b.errors());
                misuse |= b.misuse();
            }
            Breach first = breaches.get(0);
            return new MapOutcome(first.errors().get(0), 0, first.situation(), level, misuse, errors);
        }
        if (size == 0) {
            return new MapOutcome(0, 0, MapSituation.EMPTY, level, false, Set.of(0));
        }
        extents.add(new Mapping(iova, paddr, size, pgsize, prot, false));
        MapSituation situation = prot.noAccess() ? MapSituation.NO_ACCESS : MapSituation.FRESH;
        return new MapOutcome(0, size, situation, level, false, Set.of(0));
    }

    @Override
    public UnmapOutcome unmap(long iova, long pgsize, long pgcount) {
        int level = DartConfig.LEAF_LEVEL;
        if (pgsize != config.pageSize()) {
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
        long pages = chunk(iova, pgcount);
        long done = 0;
        UnmapSituation situation = UnmapSituation.EXACT;
        for (; done < pages; done++) {
            long from = iova + done * pgsize;
            List<Mapping> live = overlapping(from, from + pgsize);
            if (live.isEmpty()) {
                situation = done == 0 ? UnmapSituation.HOLE : UnmapSituation.PARTIAL_HOLE;
                break;
            }
            for (Mapping m : live) {
                remove(m, from, from + pgsize);
            }
        }
        return new UnmapOutcome(done * pgsize, situation, level,
                situation == UnmapSituation.HOLE || situation == UnmapSituation.PARTIAL_HOLE);
    }

    /** The output address iova_to_phys must answer: the translation, or 0 where nothing is mapped. */
    @Override
    public long iovaToPhys(long iova) {
        return lookup(iova).map(m -> m.translate(iova)).orElse(0L);
    }

    /** The live extent holding {@code iova}, if any. */
    @Override
    public Optional<Mapping> lookup(long iova) {
        return extents.lookup(iova);
    }

    @Override
    public Collection<Mapping> mappings() {
        return extents.all();
    }

    @Override
    public int extentCount() {
        return extents.size();
    }

    /**
     * Whether the OA field can hold the address of each page from {@code paddr}: the first is
     * aligned to the field's lowest bit, and so is the page size when there is more than one.
     */
    private boolean holdsEveryPage(long paddr, long pages, long pgsize) {
        long fieldAlignment = (1L << config.layout().addressAlignmentShift()) - 1;
        return (paddr & fieldAlignment) == 0 && (pages == 1 || (pgsize & fieldAlignment) == 0);
    }

    private long chunk(long iova, long pgcount) {
        if (options.chunk() == ContractOptions.Chunk.ALL) {
            return pgcount;
        }
        return Math.min(pgcount, config.entriesLeftInLeafTable(iova));
    }

    @Override
    public List<Mapping> mappingsIn(long from, long to) {
        return java.util.Collections.unmodifiableList(overlapping(from, to));
    }

    /** DART maps at most up to the end of the leaf table and says so exactly: no shorter maps are followed. */
    @Override
    public boolean acceptShorterMap(long mappedBytes) {
        return false;
    }

    private List<Mapping> overlapping(long from, long to) {
        return extents.overlapping(from, to);
    }

    /** Removes [from, to) from m, keeping what lies either side; pages only, so nothing is split. */
    private void remove(Mapping m, long from, long to) {
        extents.cut(m, from, to, false);
    }

    /** One way a map call breaks the contract: its situation, whether it is the caller's fault, and each error it allows. */
    private record Breach(MapSituation situation, boolean misuse, List<Integer> errors) {
        Breach(MapSituation situation, boolean misuse, Integer... errors) {
            this(situation, misuse, List.of(errors));
        }
    }
}
