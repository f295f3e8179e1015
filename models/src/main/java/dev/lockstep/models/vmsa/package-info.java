/**
 * A reference model of VMSAv8-64 address translation (Arm ARM, "The AArch64 Virtual Memory System
 * Architecture"), written from the architecture and not from any software that builds tables.
 *
 * <p>{@link dev.lockstep.models.vmsa.Walker#walk Walker.walk} translates one input address through
 * tables held in a {@link dev.lockstep.models.vmsa.PhysicalMemory} and answers either a
 * {@link dev.lockstep.models.vmsa.Translation.Translated} or a
 * {@link dev.lockstep.models.vmsa.Translation.Fault}, together with every descriptor it read.
 *
 * <h2>The implementation this model describes</h2>
 *
 * Where the architecture leaves a choice to the implementation or to a control the model does not
 * carry, the model chooses as follows.
 * <ul>
 *   <li>Stage 1 is the EL1&amp;0 regime through TTBR0 alone, in a walk with hierarchical permissions
 *       enabled (no FEAT_HPDS disable), no PAN, no WXN, no permission indirection or overlays, no
 *       hardware Access flag or dirty-state management. Stage 2 is the EL1&amp;0 stage 2 regime with
 *       FWB off, walked on its own (its input is an IPA, not combined with a stage 1 result).</li>
 *   <li>The implemented physical address size equals {@code outputBits}. With {@code outputBits ==
 *       52} the 64K granule uses the FEAT_LPA layout (OA[51:48] in descriptor bits [15:12]) and the
 *       4K and 16K granules use the FEAT_LPA2 layout (TCR.DS = 1: OA[51:50] in bits [9:8]). Below 52
 *       bits every granule uses the 48-bit layout, OA[47:granule] in place.</li>
 *   <li>Block descriptors are permitted exactly where {@code AArch64.BlockDescSupported} permits
 *       them for that implementation: see {@link dev.lockstep.models.vmsa.Granule#allowsBlockAt}.</li>
 *   <li>FEAT_TTST is present (input sizes down to 16 bits), FEAT_LVA is present for 64K at stage 1
 *       (52-bit VA), FEAT_XNX is present (stage 2 XN[1:0]), FEAT_XS is present (MAIR 0x40, 0xA0 and
 *       0b0000dd01 are defined), FEAT_MTE2 is not (MAIR 0xF0 is {@code Reserved}). The 4K granule's
 *       level -1 (52-bit input with LPA2) and 128-bit descriptors are not modelled.</li>
 *   <li>With the LPA2 layout the shareability of a leaf comes from TCR_ELx.SH, which the model does
 *       not carry: it reports {@code sh = 0}.</li>
 * </ul>
 *
 * <h2>Fault levels</h2>
 * An input address outside [0, 2<sup>inputBits</sup>) is a Translation fault at level 0, and a table
 * base address in TTBR/VTTBR beyond {@code outputBits} is an Address size fault at level 0: the
 * architecture reports both as level 0 whatever the start level (the fault status codes are "level
 * 0 of translation or translation table base register"). Every other fault is reported at the level
 * of the descriptor that caused it, or whose fetch failed.
 *
 * <h2>Bits the model does not interpret</h2>
 * IGNORED and RES0 descriptor bits (software bits of table descriptors, PBHA, GP, nT, the bits
 * between the granule and a block's alignment) are not represented in the decoded records, so
 * {@code Descriptor.encode(Descriptor.decode(x))} gives back {@code x} exactly when those bits are
 * zero: {@link dev.lockstep.models.vmsa.Descriptor#isWellFormed} is that test.
 */
package dev.lockstep.models.vmsa;
