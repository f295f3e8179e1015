package dev.lockstep.models.vmsa;

/**
 * What a translation lets software at EL0 and EL1 do with its region, after every limit the walk
 * met on the way (table-level restrictions, and execute-never for EL0-writable memory at EL1).
 */
public record Permissions(boolean el0Read, boolean el0Write, boolean el0Exec,
                          boolean el1Read, boolean el1Write, boolean el1Exec) {
}
