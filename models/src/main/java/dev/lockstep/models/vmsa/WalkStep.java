package dev.lockstep.models.vmsa;

import java.util.Objects;

/**
 * One descriptor fetch of a walk: where the walk looked at {@code level} and what it found there.
 *
 * @param tableAddress the base of the table (the first of them, when concatenated)
 * @param index the index into it, as {@link WalkConfig#indexOf} computes
 * @param descriptorAddress {@code tableAddress + 8 * index}
 */
public record WalkStep(int level, long tableAddress, int index, long descriptorAddress, long raw,
                       Descriptor descriptor) {
    public WalkStep {
        Objects.requireNonNull(descriptor, "descriptor");
    }
}
