package dev.lockstep.models.vmsa;

/**
 * The stage of translation a table belongs to. Stage 1 maps virtual addresses and takes its memory
 * types from MAIR; stage 2 maps intermediate physical addresses and carries its memory type and
 * permissions in the descriptor itself.
 */
public enum Stage {
    STAGE1,
    STAGE2
}
