/**
 * A reference model of the ARM Mali (Midgard, "LEGACY" address mode) GPU MMU's page tables and of
 * the io-pgtable contract for ARM_MALI_LPAE, written from what is published about the hardware
 * (docs/model-mali.md lists the sources), never from io-pgtable-arm.c.
 *
 * <p>The format is LPAE stage 1 with 4K pages except where the published facts say otherwise:
 * every walk starts at level 0 whatever the input size; a level-3 page is written with type 0b01
 * (the block encoding), not 0b11; bits 7:6 grant read and write (stage 2's shape) instead of the
 * AP field; memory attributes index the address space's MEMATTR register as AttrIndx indexes MAIR.
 *
 * <ul>
 *   <li>{@link dev.lockstep.models.mali.MaliPte}: one entry, bit layout at the top.</li>
 *   <li>{@link dev.lockstep.models.mali.MaliConfig}: TRANSTAB, MEMATTR and the address sizes.</li>
 *   <li>{@link dev.lockstep.models.mali.MaliWalker}: the walk, answering a
 *       {@link dev.lockstep.models.mali.MaliTranslation}.</li>
 *   <li>{@link dev.lockstep.models.mali.MaliSemantics}: whether a walk means what the contract
 *       promised (depth 3); {@link dev.lockstep.models.mali.MaliEncoding}: the leaf bit for bit
 *       (depth 4), with the choices the sources leave open in
 *       {@link dev.lockstep.models.mali.MaliOptions}.</li>
 * </ul>
 * The contract itself (what map/unmap/iova_to_phys answer) is the LPAE one,
 * {@link dev.lockstep.models.iopgtable.IoPgtableModel}: nothing published says Mali's differs.
 */
package dev.lockstep.models.mali;
