package dev.lockstep.models.uat;

import dev.lockstep.models.vmsa.MemoryType;
import java.util.Optional;

/**
 * The memory attributes a UAT page's AttrIndex selects (fact sheet §3), with the MAIR byte each
 * stands for. The sheet gives indices 0..2; the others are not known to the model. The driver uses
 * DEVICE for firmware MMIO and UNCACHED_SHARED for firmware-shared memory and GPU buffers (the GPU
 * itself ignores the attribute).
 */
public enum UatMemAttr {
    /** MAIR 0xff: Normal, inner and outer write-back, read- and write-allocate. */
    CACHED(0, 0xff),
    /** MAIR 0x00: Device-nGnRnE. */
    DEVICE(1, 0x00),
    /** MAIR 0xf4: Normal, outer write-back read/write-allocate, inner non-cacheable. */
    UNCACHED_SHARED(2, 0xf4);

    /** The three bytes as one MAIR value, byte i for AttrIndex i: 0x00f400ff. */
    public static final long MAIR = 0x00f4_00ffL;

    private final int index;
    private final int mair;

    UatMemAttr(int index, int mair) {
        this.index = index;
        this.mair = mair;
    }

    /** The AttrIndex value that selects this attribute. */
    public int index() {
        return index;
    }

    /** The MAIR attribute byte. */
    public int mair() {
        return mair;
    }

    /** The memory type the MAIR byte describes in the ARMv8 terms of {@link MemoryType#fromMairAttr}. */
    public MemoryType memoryType() {
        return MemoryType.fromMairAttr(mair);
    }

    /** The attribute AttrIndex {@code attrIndex} selects, or empty where the sheet gives none (3..7). */
    public static Optional<UatMemAttr> of(int attrIndex) {
        for (UatMemAttr a : values()) {
            if (a.index == attrIndex) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
