package dev.lockstep.models.mali;

/**
 * One entry of a Mali LPAE ("LEGACY" mode) table, decoded by the level it sits at.
 *
 * <pre>
 *   [1:0]   type: 0b11 table (levels 0-2); 0b01 leaf at levels 1-3 (block at 1 and 2, the 4K page
 *           at 3: Mali keeps the block type where LPAE uses 0b11); 0b00, 0b10 invalid; 0b01 at
 *           level 0 and 0b11 at level 3 are reserved (no 512G block; no "table" below level 3)
 *   [4:2]   AttrIndx: which byte of the address space's MEMATTR register applies
 *   [5]     NS (leaf) - as stage 1
 *   [6]     read allowed      (where stage 1 has AP[1])
 *   [7]     write allowed     (where stage 1 has AP[2])
 *   [9:8]   SH
 *   [10]    AF: Arm's driver sets it on every entry; whether the GPU faults when clear is unpublished
 *   [11]    nG: stage 1's; not a field of Arm's LPAE-mode entry
 *   [47:12] output address (table: next level's table); above the 40-bit output size is an
 *           address-size fault
 *   [53]    stage 1's PXN: not a field of Arm's LPAE-mode entry (the GPU has no privileged level)
 *   [54]    XN: no instruction fetch (shader code) from the page
 * </pre>
 */
public sealed interface MaliPte permits MaliPte.Invalid, MaliPte.Reserved, MaliPte.Table, MaliPte.Leaf {

    long OA_MASK = 0x0000_ffff_ffff_f000L;
    long READ = 1L << 6;
    long WRITE = 1L << 7;
    long AF = 1L << 10;
    long NG = 1L << 11;
    long NS = 1L << 5;
    long PXN = 1L << 53;
    long XN = 1L << 54;
    int TYPE_LEAF = 0b01;
    int TYPE_TABLE = 0b11;

    long raw();

    /** Nothing here: bits[1:0] 0b00 or 0b10. */
    record Invalid(long raw) implements MaliPte {}

    /** A valid-looking entry the level cannot hold: a leaf at level 0, a table at level 3. */
    record Reserved(long raw) implements MaliPte {}

    /** The next level's table. */
    record Table(long raw, long next) implements MaliPte {}

    /** A block (levels 1, 2) or page (level 3). */
    record Leaf(long raw, long outputAddress, int attrIndx, boolean ns, boolean read, boolean write, int sh,
                boolean af, boolean nG, boolean pxn, boolean xn) implements MaliPte {}

    /** Decodes {@code raw} found at {@code level} (0..3); total for every 64-bit value. */
    static MaliPte decode(long raw, int level) {
        if (level < 0 || level > 3) {
            throw new IllegalArgumentException("Mali tables have levels 0..3, not " + level);
        }
        int type = (int) (raw & 0b11);
        if (type == 0b00 || type == 0b10) {
            return new Invalid(raw);
        }
        if (type == TYPE_TABLE) {
            return level == 3 ? new Reserved(raw) : new Table(raw, raw & OA_MASK);
        }
        if (level == 0) {
            return new Reserved(raw);
        }
        return new Leaf(raw, raw & OA_MASK, (int) (raw >>> 2) & 0b111, (raw & NS) != 0, (raw & READ) != 0,
                (raw & WRITE) != 0, (int) (raw >>> 8) & 0b11, (raw & AF) != 0, (raw & NG) != 0,
                (raw & PXN) != 0, (raw & XN) != 0);
    }

    /** The leaf with these fields, at any leaf level (the type is 0b01 at every one). */
    static long leaf(long outputAddress, int attrIndx, boolean read, boolean write, int sh, boolean af, boolean nG,
                     boolean pxn, boolean xn) {
        if ((outputAddress & ~OA_MASK) != 0) {
            throw new IllegalArgumentException("output address 0x" + Long.toHexString(outputAddress)
                    + " is not a 4K-aligned 48-bit address");
        }
        if (attrIndx < 0 || attrIndx > 7 || sh < 0 || sh > 3) {
            throw new IllegalArgumentException("AttrIndx is 3 bits and SH 2 bits");
        }
        return outputAddress | TYPE_LEAF | (long) attrIndx << 2 | (read ? READ : 0) | (write ? WRITE : 0)
                | (long) sh << 8 | (af ? AF : 0) | (nG ? NG : 0) | (pxn ? PXN : 0) | (xn ? XN : 0);
    }
}
