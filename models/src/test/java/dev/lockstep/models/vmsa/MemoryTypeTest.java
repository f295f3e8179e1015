package dev.lockstep.models.vmsa;

import static dev.lockstep.models.vmsa.CachePolicy.NON_CACHEABLE;
import static dev.lockstep.models.vmsa.CachePolicy.WRITE_BACK;
import static dev.lockstep.models.vmsa.CachePolicy.WRITE_THROUGH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.models.vmsa.MemoryType.Device;
import dev.lockstep.models.vmsa.MemoryType.Normal;
import dev.lockstep.models.vmsa.MemoryType.Reserved;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryTypeTest {

    @Test
    void deviceEncodings() {
        // 0b0000dd00: dd = 00 nGnRnE, 01 nGnRE, 10 nGRE, 11 GRE.
        assertEquals(new Device(DeviceKind.nGnRnE), MemoryType.fromMairAttr(0x00));
        assertEquals(new Device(DeviceKind.nGnRE), MemoryType.fromMairAttr(0x04));
        assertEquals(new Device(DeviceKind.nGRE), MemoryType.fromMairAttr(0x08));
        assertEquals(new Device(DeviceKind.GRE), MemoryType.fromMairAttr(0x0c));
        // 0b0000dd01 is the same Device type with XS = 0 under FEAT_XS: 0x05 is nGnRE.
        assertEquals(new Device(DeviceKind.nGnRE), MemoryType.fromMairAttr(0x05));
    }

    @Test
    void normalEncodings() {
        // 0xff: outer 1111 and inner 1111 = write-back non-transient, read- and write-allocate.
        assertEquals(new Normal(WRITE_BACK, WRITE_BACK, false, false, true, true), MemoryType.fromMairAttr(0xff));
        // 0x44: 0100 = non-cacheable at both levels, no hints.
        assertEquals(new Normal(NON_CACHEABLE, NON_CACHEABLE, false, false, false, false),
                MemoryType.fromMairAttr(0x44));
        // 0xf4: outer 1111 write-back RA/WA, inner 0100 non-cacheable; the record reports the inner
        // hints, and a non-cacheable level has none.
        assertEquals(new Normal(NON_CACHEABLE, WRITE_BACK, false, false, false, false),
                MemoryType.fromMairAttr(0xf4));
        // 0xaa: 1010 = write-through non-transient, R = 1, W = 0.
        assertEquals(new Normal(WRITE_THROUGH, WRITE_THROUGH, false, false, true, false),
                MemoryType.fromMairAttr(0xaa));
        // 0x77: 0111 = write-back transient, R = 1, W = 1.
        assertEquals(new Normal(WRITE_BACK, WRITE_BACK, true, true, true, true), MemoryType.fromMairAttr(0x77));
        // 0x21: outer 0010 write-through transient; inner 0001 write-through transient, W only.
        assertEquals(new Normal(WRITE_THROUGH, WRITE_THROUGH, true, true, false, true),
                MemoryType.fromMairAttr(0x21));
    }

    @Test
    void featXsEncodingsWithAZeroInnerNibble() {
        // 0x40: Normal inner and outer non-cacheable, XS = 0.
        assertEquals(new Normal(NON_CACHEABLE, NON_CACHEABLE, false, false, false, false),
                MemoryType.fromMairAttr(0x40));
        // 0xa0: Normal inner and outer write-through, read-allocate, no write-allocate, XS = 0.
        assertEquals(new Normal(WRITE_THROUGH, WRITE_THROUGH, false, false, true, false),
                MemoryType.fromMairAttr(0xa0));
    }

    @ParameterizedTest(name = "MAIR attribute {0} is UNPREDICTABLE")
    // 0b0000dd1x; 0bxxxx0000 other than 0x40 and 0xa0 (0xf0 needs FEAT_MTE2, not modelled).
    @ValueSource(ints = {0x02, 0x03, 0x0e, 0x0f, 0x10, 0x80, 0xc0, 0xf0})
    void reservedMairEncodings(int attr) {
        assertEquals(new Reserved(attr), MemoryType.fromMairAttr(attr));
    }

    @Test
    void mairAttrSelectsByteIndex() {
        long mair = 0x0044_04ffL; // Attr0 = 0xff, Attr1 = 0x04, Attr2 = 0x44, Attr3..7 = 0
        assertEquals(0xff, MemoryType.mairAttr(mair, 0));
        assertEquals(0x04, MemoryType.mairAttr(mair, 1));
        assertEquals(0x44, MemoryType.mairAttr(mair, 2));
        assertEquals(0x00, MemoryType.mairAttr(mair, 3));
        assertEquals(0xab, MemoryType.mairAttr(0xab00_0000_0000_0000L, 7));
        assertThrows(IllegalArgumentException.class, () -> MemoryType.mairAttr(mair, 8));
    }

    @Test
    void stage2MemAttr() {
        // 0b00dd: Device.
        assertEquals(new Device(DeviceKind.nGnRnE), MemoryType.fromStage2MemAttr(0b0000));
        assertEquals(new Device(DeviceKind.nGnRE), MemoryType.fromStage2MemAttr(0b0001));
        assertEquals(new Device(DeviceKind.nGRE), MemoryType.fromStage2MemAttr(0b0010));
        assertEquals(new Device(DeviceKind.GRE), MemoryType.fromStage2MemAttr(0b0011));
        // 0booii: 01 non-cacheable, 10 write-through, 11 write-back; no hints at stage 2.
        assertEquals(new Normal(NON_CACHEABLE, NON_CACHEABLE, false, false, false, false),
                MemoryType.fromStage2MemAttr(0b0101));
        assertEquals(new Normal(WRITE_THROUGH, WRITE_THROUGH, false, false, false, false),
                MemoryType.fromStage2MemAttr(0b1010));
        assertEquals(new Normal(WRITE_BACK, WRITE_BACK, false, false, false, false),
                MemoryType.fromStage2MemAttr(0b1111));
        // outer 11 write-back, inner 01 non-cacheable
        assertEquals(new Normal(NON_CACHEABLE, WRITE_BACK, false, false, false, false),
                MemoryType.fromStage2MemAttr(0b1101));
        // inner 00 with a Normal outer is UNPREDICTABLE.
        assertEquals(new Reserved(0b0100), MemoryType.fromStage2MemAttr(0b0100));
        assertEquals(new Reserved(0b1000), MemoryType.fromStage2MemAttr(0b1000));
        assertEquals(new Reserved(0b1100), MemoryType.fromStage2MemAttr(0b1100));
    }

    @Test
    void fieldWidthsAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> MemoryType.fromMairAttr(0x100));
        assertThrows(IllegalArgumentException.class, () -> MemoryType.fromMairAttr(-1));
        assertThrows(IllegalArgumentException.class, () -> MemoryType.fromStage2MemAttr(16));
    }
}
