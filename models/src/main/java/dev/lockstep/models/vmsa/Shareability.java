package dev.lockstep.models.vmsa;

/**
 * The shareability domain of a region: which observers the architecture keeps coherent for it.
 */
public enum Shareability {
    NON,
    OUTER,
    INNER;

    /**
     * The domain an SH[1:0] field names: 0b00 non-, 0b10 outer, 0b11 inner shareable. 0b01 is
     * reserved, and the architecture makes it CONSTRAINED UNPREDICTABLE as one of the other three;
     * the model takes outer shareable, the widest, so it never claims less coherence than some
     * implementation gives.
     *
     * @throws IllegalArgumentException unless {@code sh} is 0..3
     */
    public static Shareability fromSh(int sh) {
        return switch (sh) {
            case 0b00 -> NON;
            case 0b01, 0b10 -> OUTER;
            case 0b11 -> INNER;
            default -> throw new IllegalArgumentException("SH is a 2-bit field: " + sh);
        };
    }

    /**
     * The domain a region of {@code type} actually has: Device memory and Normal memory that is
     * Non-cacheable at both levels are outer shareable whatever SH says; otherwise SH decides.
     */
    public static Shareability effective(MemoryType type, int sh) {
        if (type instanceof MemoryType.Device) {
            return OUTER;
        }
        if (type instanceof MemoryType.Normal n && n.isNonCacheable()) {
            return OUTER;
        }
        return fromSh(sh);
    }
}
