package dev.lockstep.models.uat;

import java.util.Objects;

/**
 * One page table entry of the Apple AGX GPU's UAT, decoded the way a walk at a given level reads it.
 * This is the format file (fact sheet §3, after m1n1 hw/uat.py): ARMv8-style 64-bit entries with a
 * 16K granule.
 *
 * <pre>
 *  bits    field
 *  63:56   .            not given by the sheet
 *  55      GPU_ACCESS   1: the AP x (UXN, PXN) table of {@link UatPermissions} applies;
 *                       0: the firmware's SPRR view (m1n1 calls the bit "OS", owner)
 *  54      UXN
 *  53      PXN
 *  52:48   .
 *  47:14   OA           PA[47:14] in place: the next table, or the page
 *  13:12   .
 *  11      nG           set for user tables, which the driver owns
 *  10      AF           always set by the driver
 *  9:8     SH           left at 0 ("NS") by the driver
 *  7:6     AP
 *  5       .
 *  4:2     AttrIndex    0 cached (MAIR 0xff), 1 device (0x00), 2 uncached/shared (0xf4)
 *  1       TYPE         1 = table (above the leaf level) or page (at it)
 *  0       VALID
 * </pre>
 *
 * <p>A table entry is read for VALID, TYPE and OA only (the driver writes {@code pa | 3}). VALID with
 * TYPE clear would be an ARMv8 block above the leaf level and is reserved at it; the sheet gives UAT
 * no blocks, so the model treats it as {@link Reserved} at every level, and a walk faults on it.
 *
 * <p>For every {@code raw} that sets only the bits above, {@code encode(decode(raw)) == raw};
 * {@link #isWellFormed} is that test.
 */
public sealed interface UatPte permits UatPte.Invalid, UatPte.Reserved, UatPte.Table, UatPte.Page {

    long VALID = 1L;
    long TYPE = 1L << 1;
    int ATTR_INDEX_SHIFT = 2;
    int AP_SHIFT = 6;
    int SH_SHIFT = 8;
    long AF = 1L << 10;
    long NG = 1L << 11;
    /** Bits 47:14: the output address, in place. */
    long OA_MASK = 0x0000_FFFF_FFFF_C000L;
    long PXN = 1L << 53;
    long UXN = 1L << 54;
    long GPU_ACCESS = 1L << 55;

    /** VALID clear (0 included): the walk faults and reads no other bit. */
    record Invalid(long raw) implements UatPte {
        public Invalid {
            if ((raw & VALID) != 0) {
                throw new IllegalArgumentException("VALID is set in 0x" + Long.toHexString(raw));
            }
        }
    }

    /** VALID set and TYPE clear: an encoding the sheet does not give UAT (an ARMv8 block). */
    record Reserved(long raw, int level) implements UatPte {
        public Reserved {
            if ((raw & (VALID | TYPE)) != VALID) {
                throw new IllegalArgumentException("not VALID with TYPE clear: 0x" + Long.toHexString(raw));
            }
        }
    }

    /** A pointer to the next-level table. */
    record Table(long next) implements UatPte {
        public Table {
            requireAddress(next);
        }
    }

    /**
     * A 16K page.
     *
     * @param attrIndex AttrIndex, 0..7 (see {@link UatMemAttr})
     * @param ap AP[1:0]
     * @param sh SH[1:0], as written
     * @param af the Access flag
     * @param nG not global: tied to the TTBAT slot's ASID
     * @param gpuAccess GPU_ACCESS: whether {@link UatPermissions}' table applies
     */
    record Page(long pa, int attrIndex, int ap, int sh, boolean af, boolean nG, boolean pxn, boolean uxn,
                boolean gpuAccess) implements UatPte {
        public Page {
            requireAddress(pa);
            if (attrIndex < 0 || attrIndex > 7) {
                throw new IllegalArgumentException("AttrIndex is a 3-bit field: " + attrIndex);
            }
            if (ap < 0 || ap > 3) {
                throw new IllegalArgumentException("AP is a 2-bit field: " + ap);
            }
            if (sh < 0 || sh > 3) {
                throw new IllegalArgumentException("SH is a 2-bit field: " + sh);
            }
        }

        /** The rights this page gives, as {@link UatPermissions#of} reads AP, UXN, PXN and GPU_ACCESS. */
        public UatAccess access() {
            return UatPermissions.of(ap, uxn, pxn, gpuAccess);
        }
    }

    /**
     * Reads {@code raw} as an entry at {@code level} ({@link UatConfig#START_LEVEL} to
     * {@link UatConfig#LEAF_LEVEL}).
     *
     * @throws IllegalArgumentException if the walk has no such level
     */
    static UatPte decode(long raw, int level) {
        if (level < UatConfig.START_LEVEL || level > UatConfig.LEAF_LEVEL) {
            throw new IllegalArgumentException("UAT walks have levels " + UatConfig.START_LEVEL + ".."
                    + UatConfig.LEAF_LEVEL + ", not " + level);
        }
        if ((raw & VALID) == 0) {
            return new Invalid(raw);
        }
        if ((raw & TYPE) == 0) {
            return new Reserved(raw, level);
        }
        long address = raw & OA_MASK;
        if (level < UatConfig.LEAF_LEVEL) {
            return new Table(address);
        }
        return new Page(address, (int) ((raw >>> ATTR_INDEX_SHIFT) & 7), (int) ((raw >>> AP_SHIFT) & 3),
                (int) ((raw >>> SH_SHIFT) & 3), (raw & AF) != 0, (raw & NG) != 0, (raw & PXN) != 0,
                (raw & UXN) != 0, (raw & GPU_ACCESS) != 0);
    }

    /** The raw entry for {@code pte}: its {@code raw()} for Invalid and Reserved, its fields otherwise. */
    static long encode(UatPte pte) {
        Objects.requireNonNull(pte, "pte");
        if (pte instanceof Invalid i) {
            return i.raw();
        }
        if (pte instanceof Reserved r) {
            return r.raw();
        }
        if (pte instanceof Table t) {
            return table(t.next());
        }
        Page p = (Page) pte;
        return p.pa() | VALID | TYPE | ((long) p.attrIndex() << ATTR_INDEX_SHIFT) | ((long) p.ap() << AP_SHIFT)
                | ((long) p.sh() << SH_SHIFT) | (p.af() ? AF : 0) | (p.nG() ? NG : 0) | (p.pxn() ? PXN : 0)
                | (p.uxn() ? UXN : 0) | (p.gpuAccess() ? GPU_ACCESS : 0);
    }

    /**
     * A table entry, {@code next | 0b11}, as the driver writes intermediate entries.
     *
     * @param next 16K-aligned, below 2^48
     */
    static long table(long next) {
        requireAddress(next);
        return next | VALID | TYPE;
    }

    /**
     * Whether a valid {@code raw} sets only the bits its kind at {@code level} defines, that is
     * whether it survives {@code encode(decode(raw))}. Invalid and reserved entries always do.
     */
    static boolean isWellFormed(long raw, int level) {
        return encode(decode(raw, level)) == raw;
    }

    private static void requireAddress(long pa) {
        if ((pa & ~OA_MASK) != 0) {
            throw new IllegalArgumentException("0x" + Long.toHexString(pa) + " is not a 16K-aligned address below 2^48");
        }
    }
}
