package dev.lockstep.models.uat;

import java.util.List;

/**
 * The UAT permission table with GPU_ACCESS = 1 (fact sheet §3, after m1n1 hw/uat.py), held as data:
 * one {@link UatAccess.Rights} cell per AP and (UXN, PXN) pair, in the sheet's order, so it can be
 * printed and tested cell by cell.
 *
 * <pre>
 *  AP             (0,0)     (0,1)        (1,0)             (1,1)
 *  0 (FW+GPU)     none      FW+GPU RO    GPU WO (FW -?)    FW+GPU RW
 *  1 (FW)         FW RO     none         FW RW             FW RW + GPU RO
 *  2 (GPU only)   GPU RO    GPU WO       GPU RW            none
 *  3              none      none         none              none
 * </pre>
 *
 * The columns are (UXN, PXN). With GPU_ACCESS = 0 the same bits index the firmware's SPRR table,
 * which the sheet does not give: {@link #of} answers {@link UatAccess.FirmwareSprr} and no rights.
 */
public final class UatPermissions {

    private static final UatRights N = UatRights.NONE;
    private static final UatRights RO = UatRights.RO;
    private static final UatRights WO = UatRights.WO;
    private static final UatRights RW = UatRights.RW;

    /** The sixteen cells, row by row (AP 0..3), each row in column order (0,0) (0,1) (1,0) (1,1). */
    private static final List<UatAccess.Rights> TABLE = List.of(
            cell(0, 0, 0, N, N), cell(0, 0, 1, RO, RO), cell(0, 1, 0, UatRights.NONE_UNCONFIRMED, WO), cell(0, 1, 1, RW, RW),
            cell(1, 0, 0, RO, N), cell(1, 0, 1, N, N), cell(1, 1, 0, RW, N), cell(1, 1, 1, RW, RO),
            cell(2, 0, 0, N, RO), cell(2, 0, 1, N, WO), cell(2, 1, 0, N, RW), cell(2, 1, 1, N, N),
            cell(3, 0, 0, N, N), cell(3, 0, 1, N, N), cell(3, 1, 0, N, N), cell(3, 1, 1, N, N));

    private UatPermissions() {
    }

    /** Every cell, in the sheet's order. */
    public static List<UatAccess.Rights> table() {
        return TABLE;
    }

    /**
     * The cell for {@code ap} and (UXN, PXN) with GPU_ACCESS = 1.
     *
     * @throws IllegalArgumentException unless {@code ap} is 0..3
     */
    public static UatAccess.Rights cell(int ap, boolean uxn, boolean pxn) {
        if (ap < 0 || ap > 3) {
            throw new IllegalArgumentException("AP is a 2-bit field: " + ap);
        }
        return TABLE.get(ap * 4 + (uxn ? 2 : 0) + (pxn ? 1 : 0));
    }

    /** The access the bits give: a cell when {@code gpuAccess}, the firmware's SPRR view otherwise. */
    public static UatAccess of(int ap, boolean uxn, boolean pxn, boolean gpuAccess) {
        if (!gpuAccess) {
            return new UatAccess.FirmwareSprr(ap, uxn, pxn);
        }
        return cell(ap, uxn, pxn);
    }

    /** The table as text, one row per AP, in the layout of the class comment. */
    public static String render() {
        StringBuilder sb = new StringBuilder(row("AP", "(0,0)", "(0,1)", "(1,0)", "(1,1)"));
        for (int ap = 0; ap < 4; ap++) {
            sb.append(row(Integer.toString(ap), cell(ap, false, false).label(), cell(ap, false, true).label(),
                    cell(ap, true, false).label(), cell(ap, true, true).label()));
        }
        return sb.toString();
    }

    private static String row(String ap, String c00, String c01, String c10, String c11) {
        return String.format("%-4s %-12s %-12s %-16s %s", ap, c00, c01, c10, c11).stripTrailing() + "\n";
    }

    private static UatAccess.Rights cell(int ap, int uxn, int pxn, UatRights fw, UatRights gpu) {
        return new UatAccess.Rights(ap, uxn != 0, pxn != 0, fw, gpu);
    }
}
