package dev.lockstep.models.dart;

import java.util.Objects;

/**
 * One entry fetch of a DART walk: where the walk looked at {@code level} and what it found.
 *
 * @param tableAddress the base of the table read
 * @param index the index into it, as {@link DartConfig#indexOf} computes
 * @param pteAddress {@code tableAddress + 8 * index}
 */
public record DartWalkStep(int level, long tableAddress, int index, long pteAddress, long raw, DartPte pte) {
    public DartWalkStep {
        Objects.requireNonNull(pte, "pte");
    }
}
