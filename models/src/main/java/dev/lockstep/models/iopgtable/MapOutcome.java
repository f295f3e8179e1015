package dev.lockstep.models.iopgtable;

/**
 * What the contract says map_pages returns. {@code misuse} marks a call that breaks the caller's
 * side of the contract (the IOMMU core never makes it): the driver may WARN on it.
 */
public record MapOutcome(int status, long mappedBytes, MapSituation situation, int leafLevel, boolean misuse) {
}
