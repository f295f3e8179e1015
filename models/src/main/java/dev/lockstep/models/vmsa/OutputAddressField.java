package dev.lockstep.models.vmsa;

/**
 * Where a descriptor keeps the address it points at, whether that is the next table or the output
 * of a block or page. Bits [47:low] always hold address bits [47:low]; a 52-bit output size moves
 * the top bits elsewhere in one of two ways, so the same raw word means different addresses under
 * different configurations.
 */
enum OutputAddressField {
    /** Address bits [47:low] in place; nothing above. */
    PA48(48),
    /** FEAT_LPA with the 64K granule: address bits [51:48] in descriptor bits [15:12]. */
    LPA_64K(52),
    /**
     * FEAT_LPA2 (TCR.DS = 1) with 4K or 16K: bits [49:48] in place, [51:50] in descriptor bits [9:8],
     * where the shareability field would otherwise be.
     */
    LPA2(52);

    private final int addressBits;

    OutputAddressField(int addressBits) {
        this.addressBits = addressBits;
    }

    static OutputAddressField of(WalkConfig cfg) {
        if (cfg.outputBits() != 52) {
            return PA48;
        }
        return cfg.granule() == Granule.G64K ? LPA_64K : LPA2;
    }

    /** How many address bits the field can express at all. */
    int addressBits() {
        return addressBits;
    }

    /** Whether descriptor bits [9:8] are the SH field, rather than address bits. */
    boolean holdsShareability() {
        return this != LPA2;
    }

    /** The address in {@code raw} whose low {@code low} bits are zero by alignment. */
    long extract(long raw, int low) {
        return switch (this) {
            case PA48 -> raw & bits(47, low);
            case LPA_64K -> (raw & bits(47, low)) | (((raw >>> 12) & 0xFL) << 48);
            case LPA2 -> (raw & bits(49, low)) | (((raw >>> 8) & 0x3L) << 50);
        };
    }

    /**
     * The descriptor bits that hold {@code address}, which must be aligned to 2^low and expressible.
     *
     * @throws IllegalArgumentException otherwise
     */
    long insert(long address, int low) {
        if (address < 0 || (address >>> addressBits) != 0) {
            throw new IllegalArgumentException("address 0x" + Long.toHexString(address)
                    + " does not fit a descriptor's " + addressBits + "-bit address field");
        }
        if ((address & ((1L << low) - 1)) != 0) {
            throw new IllegalArgumentException(
                    "address 0x" + Long.toHexString(address) + " is not aligned to 2^" + low);
        }
        return switch (this) {
            case PA48 -> address;
            case LPA_64K -> (address & bits(47, low)) | ((address >>> 48) << 12);
            case LPA2 -> (address & bits(49, low)) | ((address >>> 50) << 8);
        };
    }

    private static long bits(int high, int low) {
        return (-1L >>> (63 - high)) & (-1L << low);
    }
}
