package dev.lockstep.models.vmsa;

import java.util.Objects;

/**
 * The attribute fields of a block or page descriptor, as the descriptor holds them (before any
 * table-level restriction or MAIR lookup). Which fields exist depends on the stage; the fields of
 * the other stage are always zero or false.
 *
 * <pre>
 *  bit   stage 1                stage 2
 *  4:2   AttrIndx[2:0]          5:2 MemAttr[3:0]
 *  5     NS
 *  7:6   AP[2:1]                S2AP[1:0]
 *  9:8   SH[1:0]                SH[1:0]          (OA[51:50] under FEAT_LPA2: sh reported as 0)
 *  10    AF                     AF
 *  11    nG                     -
 *  51    DBM                    DBM
 *  52    Contiguous             Contiguous
 *  53    PXN                    54:53 XN[1:0] (FEAT_XNX)
 *  54    UXN
 *  58:55 software use           software use
 * </pre>
 *
 * @param attrIndx stage 1: index of the MAIR byte giving the memory type
 * @param s2MemAttr stage 2: the memory type, MemAttr[3:0]
 * @param ns stage 1: the NS bit (the walk ignores it in Non-secure state; reported for comparison)
 * @param ap stage 1: AP[2:1] as a two-bit value, so bit 1 is AP[2] (read-only) and bit 0 is AP[1]
 *     (EL0 access)
 * @param s2ap stage 2: S2AP[1:0], bit 0 permits reads and bit 1 writes
 * @param sh the SH field: 0b00 non-, 0b10 outer, 0b11 inner shareable
 * @param af the Access flag
 * @param nG stage 1: not global (the translation is tied to an ASID)
 * @param contiguous the Contiguous hint
 * @param dbm the Dirty Bit Modifier (only meaningful with hardware dirty-state management, which the
 *     model does not perform)
 * @param pxn stage 1: privileged execute-never
 * @param uxn stage 1: unprivileged execute-never
 * @param s2xn stage 2: XN[1:0], see {@link Walker} for the four encodings
 * @param software bits [58:55], reserved for software
 */
public record LeafAttributes(Stage stage, int attrIndx, int s2MemAttr, boolean ns, int ap, int s2ap, int sh,
                             boolean af, boolean nG, boolean contiguous, boolean dbm, boolean pxn, boolean uxn,
                             int s2xn, int software) {

    public LeafAttributes {
        Objects.requireNonNull(stage, "stage");
        requireField("AttrIndx", attrIndx, 3);
        requireField("MemAttr", s2MemAttr, 4);
        requireField("AP", ap, 2);
        requireField("S2AP", s2ap, 2);
        requireField("SH", sh, 2);
        requireField("XN", s2xn, 2);
        requireField("software", software, 4);
        if (stage == Stage.STAGE1 && (s2MemAttr != 0 || s2ap != 0 || s2xn != 0)) {
            throw new IllegalArgumentException("stage 1 attributes have no MemAttr, S2AP or XN[1:0]");
        }
        if (stage == Stage.STAGE2 && (attrIndx != 0 || ns || ap != 0 || nG || pxn || uxn)) {
            throw new IllegalArgumentException("stage 2 attributes have no AttrIndx, NS, AP, nG, PXN or UXN");
        }
    }

    /** Stage 1 attributes with the Access flag set and every other flag clear. */
    public static LeafAttributes stage1(int attrIndx, int ap, int sh) {
        return new LeafAttributes(Stage.STAGE1, attrIndx, 0, false, ap, 0, sh,
                true, false, false, false, false, false, 0, 0);
    }

    /** Stage 2 attributes with the Access flag set, executable everywhere, every other flag clear. */
    public static LeafAttributes stage2(int memAttr, int s2ap, int sh) {
        return new LeafAttributes(Stage.STAGE2, 0, memAttr, false, 0, s2ap, sh,
                true, false, false, false, false, false, 0, 0);
    }

    public LeafAttributes withAttrIndx(int v) {
        return new LeafAttributes(stage, v, s2MemAttr, ns, ap, s2ap, sh, af, nG, contiguous, dbm, pxn, uxn, s2xn, software);
    }

    public LeafAttributes withS2MemAttr(int v) {
        return new LeafAttributes(stage, attrIndx, v, ns, ap, s2ap, sh, af, nG, contiguous, dbm, pxn, uxn, s2xn, software);
    }

    public LeafAttributes withNs(boolean v) {
        return new LeafAttributes(stage, attrIndx, s2MemAttr, v, ap, s2ap, sh, af, nG, contiguous, dbm, pxn, uxn, s2xn, software);
    }

    public LeafAttributes withAp(int v) {
        return new LeafAttributes(stage, attrIndx, s2MemAttr, ns, v, s2ap, sh, af, nG, contiguous, dbm, pxn, uxn, s2xn, software);
    }

    public LeafAttributes withS2ap(int v) {
        return new LeafAttributes(stage, attrIndx, s2MemAttr, ns, ap, v, sh, af, nG, contiguous, dbm, pxn, uxn, s2xn, software);
    }

    public LeafAttributes withSh(int v) {
        return new LeafAttributes(stage, attrIndx, s2MemAttr, ns, ap, s2ap, v, af, nG, contiguous, dbm, pxn, uxn, s2xn, software);
    }

    public LeafAttributes withAf(boolean v) {
        return new LeafAttributes(stage, attrIndx, s2MemAttr, ns, ap, s2ap, sh, v, nG, contiguous, dbm, pxn, uxn, s2xn, software);
    }

    public LeafAttributes withNG(boolean v) {
        return new LeafAttributes(stage, attrIndx, s2MemAttr, ns, ap, s2ap, sh, af, v, contiguous, dbm, pxn, uxn, s2xn, software);
    }

    public LeafAttributes withContiguous(boolean v) {
        return new LeafAttributes(stage, attrIndx, s2MemAttr, ns, ap, s2ap, sh, af, nG, v, dbm, pxn, uxn, s2xn, software);
    }

    public LeafAttributes withDbm(boolean v) {
        return new LeafAttributes(stage, attrIndx, s2MemAttr, ns, ap, s2ap, sh, af, nG, contiguous, v, pxn, uxn, s2xn, software);
    }

    public LeafAttributes withPxn(boolean v) {
        return new LeafAttributes(stage, attrIndx, s2MemAttr, ns, ap, s2ap, sh, af, nG, contiguous, dbm, v, uxn, s2xn, software);
    }

    public LeafAttributes withUxn(boolean v) {
        return new LeafAttributes(stage, attrIndx, s2MemAttr, ns, ap, s2ap, sh, af, nG, contiguous, dbm, pxn, v, s2xn, software);
    }

    public LeafAttributes withS2xn(int v) {
        return new LeafAttributes(stage, attrIndx, s2MemAttr, ns, ap, s2ap, sh, af, nG, contiguous, dbm, pxn, uxn, v, software);
    }

    public LeafAttributes withSoftware(int v) {
        return new LeafAttributes(stage, attrIndx, s2MemAttr, ns, ap, s2ap, sh, af, nG, contiguous, dbm, pxn, uxn, s2xn, v);
    }

    /** The attribute fields of a leaf descriptor {@code raw} in a walk of {@code stage}. */
    static LeafAttributes fromDescriptor(long raw, Stage stage, OutputAddressField field) {
        int shField = field.holdsShareability() ? field(raw, 8, 2) : 0;
        boolean af = bit(raw, 10);
        boolean dbm = bit(raw, 51);
        boolean contiguous = bit(raw, 52);
        int software = field(raw, 55, 4);
        if (stage == Stage.STAGE1) {
            return new LeafAttributes(stage, field(raw, 2, 3), 0, bit(raw, 5), field(raw, 6, 2), 0, shField,
                    af, bit(raw, 11), contiguous, dbm, bit(raw, 53), bit(raw, 54), 0, software);
        }
        return new LeafAttributes(stage, 0, field(raw, 2, 4), false, 0, field(raw, 6, 2), shField,
                af, false, contiguous, dbm, false, false, field(raw, 53, 2), software);
    }

    /**
     * The descriptor bits these attributes occupy.
     *
     * @throws IllegalArgumentException if {@code sh} is non-zero where the field holds address bits
     */
    long toDescriptorBits(OutputAddressField field) {
        if (!field.holdsShareability() && sh != 0) {
            throw new IllegalArgumentException("with FEAT_LPA2 descriptor bits [9:8] are OA[51:50]; sh must be 0");
        }
        long bits = ((long) sh << 8) | flag(af, 10) | flag(dbm, 51) | flag(contiguous, 52) | ((long) software << 55);
        if (stage == Stage.STAGE1) {
            return bits | ((long) attrIndx << 2) | flag(ns, 5) | ((long) ap << 6) | flag(nG, 11)
                    | flag(pxn, 53) | flag(uxn, 54);
        }
        return bits | ((long) s2MemAttr << 2) | ((long) s2ap << 6) | ((long) s2xn << 53);
    }

    private static void requireField(String name, int value, int width) {
        if (value < 0 || value >= (1 << width)) {
            throw new IllegalArgumentException(name + " is a " + width + "-bit field: " + value);
        }
    }

    private static boolean bit(long raw, int n) {
        return ((raw >>> n) & 1) != 0;
    }

    private static int field(long raw, int low, int width) {
        return (int) ((raw >>> low) & ((1L << width) - 1));
    }

    private static long flag(boolean set, int n) {
        return set ? 1L << n : 0;
    }
}
