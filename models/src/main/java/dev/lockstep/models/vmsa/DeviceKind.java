package dev.lockstep.models.vmsa;

/**
 * The four Device memory types, named by the properties they deny or grant: Gathering, Reordering,
 * Early write acknowledgement ({@code n} = not permitted). Ordered as their two-bit encoding 'dd'.
 */
public enum DeviceKind {
    nGnRnE,
    nGnRE,
    nGRE,
    GRE
}
