package dev.lockstep.models.iopgtable;

/** What an unmap_pages call meets, as the contract classifies it. */
public enum UnmapSituation {
    EXACT,
    SPLIT,
    COVERS_SMALLER,
    PARTIAL_HOLE,
    HOLE,
    BAD_PGSIZE,
    MISALIGNED,
    IOVA_OUT_OF_RANGE,
    EMPTY;

    public String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
