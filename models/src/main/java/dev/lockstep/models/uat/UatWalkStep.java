package dev.lockstep.models.uat;

import java.util.Objects;

/**
 * One entry fetch of a UAT walk: where the walk looked at {@code level} and what it found.
 *
 * @param index the index into the table, as {@link UatConfig#indexOf} computes
 * @param entryAddress {@code tableAddress + 8 * index}
 */
public record UatWalkStep(int level, long tableAddress, int index, long entryAddress, long raw, UatPte pte) {
    public UatWalkStep {
        Objects.requireNonNull(pte, "pte");
    }
}
