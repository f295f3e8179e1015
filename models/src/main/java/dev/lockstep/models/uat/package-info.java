/**
 * A reference model of the page tables of the Apple AGX GPU's MMU, the UAT (fact sheet
 * shared/spec/apple-pgtables.md §3, after m1n1 hw/uat.py): entry format, permission table, memory
 * attributes, the split 40-bit address space, the TTBAT slot entries, and the walk.
 *
 * <p>There is no UAT in Linux 6.1, so nothing here is compared with a driver yet: the model is held
 * to the sheet by its tests.
 *
 * <h2>Gaps, named</h2>
 * <ul>
 *   <li>GPU_ACCESS = 0: the bits index the firmware's SPRR table, which the sheet does not give; the
 *       model answers {@link dev.lockstep.models.uat.UatAccess.FirmwareSprr} and no rights.</li>
 *   <li>AP 0 with (UXN, PXN) = (1, 0): the firmware's access is "-?" in the source; the model reads
 *       it as none and marks it {@link dev.lockstep.models.uat.UatRights#NONE_UNCONFIRMED}.</li>
 *   <li>AttrIndex 3..7 have no known attribute.</li>
 *   <li>Address size and Access flag faults follow ARMv8, since the sheet calls the tables
 *       ARMv8-style and gives no fault codes; VALID with TYPE clear (an ARMv8 block) is treated as
 *       reserved, since the sheet gives UAT no blocks.</li>
 *   <li>G15 and later (a level 0, m1n1's L0_OFF = 42) are not modelled.</li>
 * </ul>
 */
package dev.lockstep.models.uat;
