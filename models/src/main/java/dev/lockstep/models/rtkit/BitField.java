package dev.lockstep.models.rtkit;

/**
 * One field of a 64-bit message, bits {@code hi}..{@code lo} inclusive as the fact sheet writes
 * them. Every codec is built from these, so a field's width is stated once and its bounds (the
 * values tests and generators push at) follow from it.
 */
public record BitField(String name, int hi, int lo) {

    public BitField {
        if (lo < 0 || hi > 63 || hi < lo) {
            throw new IllegalArgumentException("bits " + hi + ":" + lo + " are not a field of a 64-bit message");
        }
    }

    /** A one-bit field. */
    public static BitField bit(String name, int bit) {
        return new BitField(name, bit, bit);
    }

    public int width() {
        return hi - lo + 1;
    }

    /** The largest value the field holds (all ones). */
    public long max() {
        return width() == 64 ? -1L : (1L << width()) - 1;
    }

    /** The field's bits in place. */
    public long mask() {
        return max() << lo;
    }

    /** The field's value in {@code msg0}. */
    public long get(long msg0) {
        return (msg0 >>> lo) & max();
    }

    public boolean isSet(long msg0) {
        return get(msg0) != 0;
    }

    /** Whether {@code value} fits (unsigned). */
    public boolean fits(long value) {
        return width() == 64 || (value >>> width()) == 0;
    }

    /**
     * {@code value} in place, ready to be or-ed into a message.
     *
     * @throws IllegalArgumentException if it does not fit: codecs never truncate silently
     */
    public long put(long value) {
        if (!fits(value)) {
            throw new IllegalArgumentException(String.format("%s (bits %d:%d) cannot hold 0x%x", name, hi, lo, value));
        }
        return value << lo;
    }

    @Override
    public String toString() {
        return name + " " + hi + ":" + lo;
    }
}
