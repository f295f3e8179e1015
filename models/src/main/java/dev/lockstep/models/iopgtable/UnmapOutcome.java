package dev.lockstep.models.iopgtable;

/** What the contract says unmap_pages returns: the bytes unmapped, and whether the call was misuse. */
public record UnmapOutcome(long unmappedBytes, UnmapSituation situation, int leafLevel, boolean misuse) {
}
