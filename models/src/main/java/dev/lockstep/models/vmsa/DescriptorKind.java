package dev.lockstep.models.vmsa;

/** The kind of leaf that ended a walk: a block at level 0..2, or a page at level 3. */
public enum DescriptorKind {
    BLOCK,
    PAGE
}
