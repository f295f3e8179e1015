package dev.lockstep.models.iopgtable;

/** What a map_pages call meets, as the contract classifies it: coverage bins and finding titles use it. */
public enum MapSituation {
    FRESH,
    OVER_SAME_SIZE,
    OVER_SMALLER,
    /** Over what is left of a mapping a partial unmap split: smaller leaves now, whatever its pgsize was. */
    OVER_SPLIT,
    INSIDE_LARGER,
    BAD_PGSIZE,
    MISALIGNED,
    /** Aligned as asked, but an address the format's descriptor cannot hold (DART2 with 4K pages). */
    PADDR_UNENCODABLE,
    IOVA_OUT_OF_RANGE,
    PADDR_OUT_OF_RANGE,
    NO_ACCESS,
    EMPTY;

    public String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
