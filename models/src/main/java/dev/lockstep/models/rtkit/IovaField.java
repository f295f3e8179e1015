package dev.lockstep.models.rtkit;

/**
 * Where a buffer request keeps its IOVA (fact sheet §1.3). Linux 6.1 reads bits 41:0; from 2023
 * the field is 43:0, sign-extended from bit 43 so the GPU firmware can name upper-half addresses.
 * The two agree on every IOVA below 2^42.
 */
public enum IovaField {
    /** IOVA 41:0, unsigned; bits 43:42 are reserved. */
    BITS_41_0(new BitField("IOVA", 41, 0), false),
    /** IOVA 43:0, sign-extended from bit 43. */
    BITS_43_0(new BitField("IOVA", 43, 0), true);

    private final BitField field;
    private final boolean signExtended;

    IovaField(BitField field, boolean signExtended) {
        this.field = field;
        this.signExtended = signExtended;
    }

    public BitField field() {
        return field;
    }

    public boolean signExtended() {
        return signExtended;
    }

    /** The IOVA a message carries. */
    public long read(long msg0) {
        long raw = field.get(msg0);
        if (!signExtended) {
            return raw;
        }
        int shift = 64 - field.width();
        return (raw << shift) >> shift;
    }

    /** Whether the field can carry {@code iova}. */
    public boolean holds(long iova) {
        if (!signExtended) {
            return field.fits(iova);
        }
        long limit = 1L << (field.width() - 1);
        return iova >= -limit && iova < limit;
    }

    /** The lowest and highest IOVA the field can carry. */
    public long min() {
        return signExtended ? -(1L << (field.width() - 1)) : 0;
    }

    public long max() {
        return signExtended ? (1L << (field.width() - 1)) - 1 : field.max();
    }

    /** {@code iova} in place. */
    public long write(long iova) {
        if (!holds(iova)) {
            throw new IllegalArgumentException(String.format("%s cannot carry IOVA 0x%x", this, iova));
        }
        return iova & field.mask();
    }
}
