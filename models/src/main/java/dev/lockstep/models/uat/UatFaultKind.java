package dev.lockstep.models.uat;

/**
 * The faults a UAT walk can end in. The sheet gives the GPU's fault reporting no codes, so these
 * follow the ARMv8 fault kinds the tables' ARMv8 style implies, plus the two the address split and
 * the TTBAT add.
 */
public enum UatFaultKind {
    /** The VA lies in neither half: bits 63:39 are neither all clear nor all set. */
    OUT_OF_RANGE,
    /** The half's TTB entry has VALID clear. */
    TTB_INVALID,
    /** An entry with VALID clear, or VALID with TYPE clear (no blocks). */
    TRANSLATION,
    /** A table base or output address at or beyond 2^oas. */
    ADDRESS_SIZE,
    /** A page whose Access flag is clear (the driver always sets it). */
    ACCESS_FLAG,
    /** An entry fetch from memory that does not answer. */
    EXTERNAL_ABORT_ON_WALK
}
