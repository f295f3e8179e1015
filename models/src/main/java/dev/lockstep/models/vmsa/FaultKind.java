package dev.lockstep.models.vmsa;

/** The faults a walk can end in, named as the architecture's fault status codes name them. */
public enum FaultKind {
    /** No valid descriptor, or an input address outside the configured input range. */
    TRANSLATION,
    /** A table base or output address beyond the configured output size. */
    ADDRESS_SIZE,
    /** A leaf whose Access flag is clear (no hardware Access flag management). */
    ACCESS_FLAG,
    /** A descriptor fetch from memory that does not answer: a synchronous External abort on the walk. */
    EXTERNAL_ABORT_ON_WALK
}
