package dev.lockstep.models.iopgtable;

import java.util.Set;

/**
 * What the contract says map_pages returns. {@code misuse} marks a call that breaks the caller's
 * side of the contract (the IOMMU core never makes it): the driver may WARN on it. When a call
 * breaks the contract in more than one way, each breach's error is a correct answer: the contract
 * does not rank them, so {@code acceptable} holds them all and {@code status} is the first.
 */
public record MapOutcome(int status, long mappedBytes, MapSituation situation, int leafLevel, boolean misuse,
                         Set<Integer> acceptable) {

    public MapOutcome {
        acceptable = Set.copyOf(acceptable);
        if (!acceptable.contains(status)) {
            throw new IllegalArgumentException("status " + status + " is not among the acceptable " + acceptable);
        }
    }

    static MapOutcome of(int status, long mappedBytes, MapSituation situation, int leafLevel, boolean misuse) {
        return new MapOutcome(status, mappedBytes, situation, leafLevel, misuse, Set.of(status));
    }

    /** Whether a driver's status is one the contract allows for this call. */
    public boolean accepts(int driverStatus) {
        return acceptable.contains(driverStatus);
    }
}
