package dev.lockstep.models.mali;

/**
 * What a Mali address space is programmed with: the table base from TRANSTAB, the eight attribute
 * bytes of MEMATTR, and the sizes the io-pgtable caller asked for. Walks always start at level 0
 * with the 4K granule: the hardware resolves a 48-bit input through four levels even when the
 * GPU's own virtual address size is smaller (docs/model-mali.md, source 2).
 *
 * @param base    the level-0 table's physical address
 * @param ias     the caller's input size: the contract's range, not the walk's
 * @param oas     the output size; a leaf or table address at or above 2^oas is an address-size fault
 * @param memattr the MEMATTR register: byte i is the attribute AttrIndx i selects
 */
public record MaliConfig(long base, int ias, int oas, long memattr) {

    /** TRANSTAB[1:0], ADRMODE: 0b11 walks tables (0b10 is identity, 0b00 and 0b01 unmapped). */
    public static final int ADRMODE_TABLE = 0b11;
    public static final long TRANSTAB_ADDRESS_MASK = 0xffff_ffff_ffff_f000L;
    public static final int START_LEVEL = 0;
    public static final int INPUT_BITS = 48;

    public MaliConfig {
        if ((base & 0xfff) != 0) {
            throw new IllegalArgumentException("table base 0x" + Long.toHexString(base) + " is not 4K-aligned");
        }
        if (ias < 1 || ias > INPUT_BITS || oas < 1 || oas > 48) {
            throw new IllegalArgumentException("ias " + ias + " / oas " + oas + " out of the format's 48 bits");
        }
    }

    /** The configuration a TRANSTAB value programs, or an explanation of why it walks no tables. */
    public static MaliConfig fromTranstab(long transtab, int ias, int oas, long memattr) {
        int mode = (int) (transtab & 0b11);
        if (mode != ADRMODE_TABLE) {
            throw new IllegalArgumentException("TRANSTAB.ADRMODE " + mode + " is not 3 (table walk)");
        }
        return new MaliConfig(transtab & TRANSTAB_ADDRESS_MASK, ias, oas, memattr);
    }

    /** The attribute byte that AttrIndx {@code index} selects. */
    public int attribute(int index) {
        return (int) (memattr >>> (8 * index)) & 0xff;
    }

    /** The index into the table at {@code level} for {@code va}: 9 bits per level above bit 12. */
    public static int indexOf(long va, int level) {
        return (int) (va >>> (12 + 9 * (3 - level))) & 0x1ff;
    }

    /** The bytes a leaf at {@code level} maps: 1G, 2M, 4K. */
    public static long leafSize(int level) {
        return 1L << (12 + 9 * (3 - level));
    }
}
