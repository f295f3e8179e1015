package dev.lockstep.models.vmsa;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of translating one input address: where it goes and with what properties, or the
 * fault that stopped it. Either way, the descriptors the walk read, in order.
 */
public sealed interface Translation permits Translation.Translated, Translation.Fault {

    /** The input address (VA at stage 1, IPA at stage 2). */
    long va();

    /** Every descriptor the walk read, from the start level down. */
    List<WalkStep> steps();

    /**
     * A successful translation.
     *
     * @param pa the output address: the leaf's output address plus the offset of {@code va} in the
     *     region
     * @param level the level of the leaf
     * @param regionSize the size of the region the leaf maps
     * @param shareability the effective domain: Device and Normal Non-cacheable memory are outer
     *     shareable whatever {@code sh} says
     * @param sh the leaf's SH field as written (0 under FEAT_LPA2, where the field holds address
     *     bits and shareability comes from TCR, which the model does not carry)
     * @param nG whether the translation is tied to an ASID (always false at stage 2)
     * @param ns the leaf's NS bit, forced on by an NSTable above it, as a Secure walk would see it
     *     (a Non-secure walk ignores both; always false at stage 2)
     * @param af the leaf's Access flag, always set: a clear one is a fault
     * @param contiguous the leaf's Contiguous hint, reported and not acted on
     */
    record Translated(long va, long pa, int level, DescriptorKind kind, long regionSize, Permissions permissions,
                      MemoryType memoryType, Shareability shareability, int sh, boolean nG, boolean ns,
                      boolean af, boolean contiguous, List<WalkStep> steps) implements Translation {
        public Translated {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(permissions, "permissions");
            Objects.requireNonNull(memoryType, "memoryType");
            Objects.requireNonNull(shareability, "shareability");
            steps = List.copyOf(steps);
        }
    }

    /**
     * A fault, at the level the architecture reports it: the level of the descriptor that caused
     * it or whose fetch failed, or level 0 for an input address out of range and a table base
     * address out of range.
     */
    record Fault(long va, FaultKind kind, int level, List<WalkStep> steps) implements Translation {
        public Fault {
            Objects.requireNonNull(kind, "kind");
            steps = List.copyOf(steps);
        }
    }
}
