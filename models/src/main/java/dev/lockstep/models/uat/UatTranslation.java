package dev.lockstep.models.uat;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of walking one GPU virtual address: where it goes and with what attributes and rights,
 * or the fault that stopped it. Either way, the entries the walk read, in order.
 */
public sealed interface UatTranslation permits UatTranslation.Translated, UatTranslation.Fault {

    long va();

    List<UatWalkStep> steps();

    /**
     * A successful translation.
     *
     * @param half the half, and so the TTB, the walk used
     * @param asid the ASID of that TTB entry (what nG pages are tagged with)
     * @param pa the page address plus the offset of {@code va} in the page
     * @param access the rights AP, UXN, PXN and GPU_ACCESS give
     */
    record Translated(long va, UatHalf half, int asid, long pa, int attrIndex, int ap, int sh, boolean nG,
                      boolean pxn, boolean uxn, boolean gpuAccess, UatAccess access, List<UatWalkStep> steps)
            implements UatTranslation {
        public Translated {
            Objects.requireNonNull(half, "half");
            Objects.requireNonNull(access, "access");
            steps = List.copyOf(steps);
        }

        /** The memory attribute AttrIndex selects, or empty for an index the sheet gives none. */
        public Optional<UatMemAttr> memAttr() {
            return UatMemAttr.of(attrIndex);
        }
    }

    /**
     * A fault. Faults found before any entry is read (OUT_OF_RANGE, TTB_INVALID, a TTB base beyond
     * the output size) are reported at {@link UatConfig#START_LEVEL} with no steps; the others at
     * the level of the entry that caused them.
     */
    record Fault(long va, UatFaultKind kind, int level, List<UatWalkStep> steps) implements UatTranslation {
        public Fault {
            Objects.requireNonNull(kind, "kind");
            steps = List.copyOf(steps);
        }
    }
}
