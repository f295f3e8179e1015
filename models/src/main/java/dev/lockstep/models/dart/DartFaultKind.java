package dev.lockstep.models.dart;

/**
 * The faults a DART walk can end in. The first four are the hardware's own error codes (the t8110
 * ERROR register names NO_TTBR, NO_PGD, NO_PMD, NO_PTE; t8020 has no PGD level); the others are
 * the model's names for what the sheet describes without a code.
 */
public enum DartFaultKind {
    /** The TTBR the iova selects is not valid. */
    NO_TTBR,
    /** The entry at level 0 (three-level walks only) is empty or invalid: no PMD table. */
    NO_PGD,
    /** The entry at level 1 is empty or invalid: no leaf table. */
    NO_PMD,
    /** The leaf entry is empty or invalid. */
    NO_PTE,
    /** The iova lies outside the domain's aperture [0, 2^ias). */
    OUT_OF_RANGE,
    /** A table entry could not be read: memory that does not answer. */
    EXTERNAL_ABORT_ON_WALK,
    /** The leaf enforces a subpage window and the iova's offset in the page lies outside it. */
    SUBPAGE;

    /** The fault an empty or invalid entry at {@code level} gives. */
    public static DartFaultKind missingAt(int level) {
        return switch (DartConfig.LEAF_LEVEL - level) {
            case 0 -> NO_PTE;
            case 1 -> NO_PMD;
            case 2 -> NO_PGD;
            default -> throw new IllegalArgumentException("DART walks have levels 0.." + DartConfig.LEAF_LEVEL + ", not " + level);
        };
    }

    /** Whether this is a missing entry below a valid TTBR: what an unmapped iova must give. */
    public boolean isMissingEntry() {
        return this == NO_PGD || this == NO_PMD || this == NO_PTE;
    }
}
