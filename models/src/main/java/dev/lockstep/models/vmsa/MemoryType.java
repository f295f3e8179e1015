package dev.lockstep.models.vmsa;

import java.util.Objects;

/**
 * The memory type a translation gives its region: Device of one of four kinds, Normal with inner
 * and outer cacheability, or an encoding the architecture leaves UNPREDICTABLE, which the model
 * reports instead of guessing.
 */
public sealed interface MemoryType permits MemoryType.Device, MemoryType.Normal, MemoryType.Reserved {

    /** Device memory. */
    record Device(DeviceKind kind) implements MemoryType {
        public Device {
            Objects.requireNonNull(kind, "kind");
        }
    }

    /**
     * Normal memory.
     *
     * <p>The record has room for one pair of allocation hints; it reports the inner ones. A MAIR
     * byte whose outer hints differ from its inner ones therefore decodes to the same value as one
     * whose outer hints match. Non-cacheable levels have no hints and are never transient; stage 2
     * MemAttr carries no hints at all, so stage 2 Normal memory reports none.
     */
    record Normal(CachePolicy inner, CachePolicy outer, boolean innerTransient, boolean outerTransient,
                  boolean readAllocate, boolean writeAllocate) implements MemoryType {
        public Normal {
            Objects.requireNonNull(inner, "inner");
            Objects.requireNonNull(outer, "outer");
        }

        /** Whether both levels are Non-cacheable, the case the architecture treats as outer shareable. */
        public boolean isNonCacheable() {
            return inner == CachePolicy.NON_CACHEABLE && outer == CachePolicy.NON_CACHEABLE;
        }
    }

    /** An UNPREDICTABLE or reserved MAIR byte or stage 2 MemAttr value, as found. */
    record Reserved(int encoding) implements MemoryType {
    }

    /**
     * The memory type one MAIR_ELx attribute byte describes.
     *
     * <pre>
     *  0b0000dd00  Device, dd = nGnRnE, nGnRE, nGRE, GRE
     *  0b0000dd01  the same Device type with XS = 0 (FEAT_XS)
     *  0b0000dd1x  UNPREDICTABLE
     *  0booooiiii  Normal, outer oooo, inner iiii, both non-zero:
     *              00RW transient write-through (RW != 00), 0100 non-cacheable,
     *              01RW transient write-back (RW != 00), 10RW write-through, 11RW write-back;
     *              R and W are the read- and write-allocate hints
     *  0x40, 0xA0  Normal non-cacheable, and write-through read-allocate, with XS = 0 (FEAT_XS)
     *  other 0bxxxx0000  UNPREDICTABLE (0xF0 is Tagged Normal only with FEAT_MTE2, not modelled)
     * </pre>
     *
     * The XS attribute only affects TLB maintenance, so it is not part of the result.
     *
     * @throws IllegalArgumentException unless {@code attr8} is 0..255
     */
    static MemoryType fromMairAttr(int attr8) {
        if (attr8 < 0 || attr8 > 0xFF) {
            throw new IllegalArgumentException("a MAIR attribute is one byte: " + attr8);
        }
        int outer = attr8 >>> 4;
        int inner = attr8 & 0xF;
        if (outer == 0) {
            return (inner & 0b10) != 0
                    ? new Reserved(attr8)
                    : new Device(DeviceKind.values()[inner >>> 2]);
        }
        if (inner == 0) {
            return switch (attr8) {
                case 0x40 -> new Normal(CachePolicy.NON_CACHEABLE, CachePolicy.NON_CACHEABLE,
                        false, false, false, false);
                case 0xA0 -> new Normal(CachePolicy.WRITE_THROUGH, CachePolicy.WRITE_THROUGH,
                        false, false, true, false);
                default -> new Reserved(attr8);
            };
        }
        return new Normal(mairPolicy(inner), mairPolicy(outer), mairTransient(inner), mairTransient(outer),
                mairCacheable(inner) && (inner & 0b10) != 0, mairCacheable(inner) && (inner & 0b01) != 0);
    }

    /**
     * The memory type a stage 2 descriptor's MemAttr[3:0] describes, with FEAT_S2FWB off.
     *
     * <pre>
     *  0b00dd  Device, dd = nGnRnE, nGnRE, nGRE, GRE
     *  0booii  Normal, outer oo, inner ii: 01 non-cacheable, 10 write-through, 11 write-back;
     *          ii = 00 with oo != 00 is UNPREDICTABLE
     * </pre>
     *
     * @throws IllegalArgumentException unless {@code memAttr4} is 0..15
     */
    static MemoryType fromStage2MemAttr(int memAttr4) {
        if (memAttr4 < 0 || memAttr4 > 0xF) {
            throw new IllegalArgumentException("MemAttr is a 4-bit field: " + memAttr4);
        }
        int outer = memAttr4 >>> 2;
        int inner = memAttr4 & 0b11;
        if (outer == 0) {
            return new Device(DeviceKind.values()[inner]);
        }
        if (inner == 0) {
            return new Reserved(memAttr4);
        }
        return new Normal(stage2Policy(inner), stage2Policy(outer), false, false, false, false);
    }

    /**
     * Byte {@code index} (0..7) of a MAIR value: the attribute an AttrIndx of {@code index} selects.
     */
    static int mairAttr(long mair, int index) {
        if (index < 0 || index > 7) {
            throw new IllegalArgumentException("AttrIndx selects one of 8 bytes: " + index);
        }
        return (int) ((mair >>> (8 * index)) & 0xFF);
    }

    private static boolean mairCacheable(int nibble) {
        return nibble != 0b0100;
    }

    private static CachePolicy mairPolicy(int nibble) {
        if (nibble == 0b0100) {
            return CachePolicy.NON_CACHEABLE;
        }
        // Bit 2 separates write-back (01RW, 11RW) from write-through (00RW, 10RW).
        return (nibble & 0b0100) != 0 ? CachePolicy.WRITE_BACK : CachePolicy.WRITE_THROUGH;
    }

    private static boolean mairTransient(int nibble) {
        // 00RW and 01RW are the transient forms; 0100 among them is non-cacheable instead.
        return (nibble & 0b1000) == 0 && nibble != 0b0100;
    }

    private static CachePolicy stage2Policy(int twoBits) {
        return switch (twoBits) {
            case 0b01 -> CachePolicy.NON_CACHEABLE;
            case 0b10 -> CachePolicy.WRITE_THROUGH;
            default -> CachePolicy.WRITE_BACK;
        };
    }
}
