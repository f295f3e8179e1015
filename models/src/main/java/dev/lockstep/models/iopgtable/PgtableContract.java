package dev.lockstep.models.iopgtable;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The io-pgtable API contract of one format, as a state machine over the address space: what
 * map_pages, unmap_pages and iova_to_phys must answer. Each format's model implements it; the
 * bench drives any of them the same way.
 */
public interface PgtableContract {

    MapOutcome map(long iova, long paddr, long pgsize, long pgcount, Prot prot);

    UnmapOutcome unmap(long iova, long pgsize, long pgcount);

    long iovaToPhys(long iova);

    Optional<Mapping> lookup(long va);

    Collection<Mapping> mappings();

    int extentCount();

    /** The live extents that overlap [from, to). */
    List<Mapping> mappingsIn(long from, long to);

    /**
     * Takes note that the last successful map mapped fewer bytes than the model's chunk, where the
     * format's options allow that; returns false (changing nothing) where they do not.
     */
    boolean acceptShorterMap(long mappedBytes);
}
