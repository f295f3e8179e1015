package dev.lockstep.models.uat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.vmsa.CachePolicy;
import dev.lockstep.models.vmsa.DeviceKind;
import dev.lockstep.models.vmsa.MemoryType;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** AttrIndex 0..2 and what their MAIR bytes mean in ARMv8 terms. */
class UatMemAttrTest {

    @Test
    void indicesAndBytes() {
        assertEquals(Optional.of(UatMemAttr.CACHED), UatMemAttr.of(0));
        assertEquals(Optional.of(UatMemAttr.DEVICE), UatMemAttr.of(1));
        assertEquals(Optional.of(UatMemAttr.UNCACHED_SHARED), UatMemAttr.of(2));
        for (int i = 3; i < 8; i++) {
            assertEquals(Optional.empty(), UatMemAttr.of(i));
        }
        assertEquals(0xff, UatMemAttr.CACHED.mair());
        assertEquals(0x00, UatMemAttr.DEVICE.mair());
        assertEquals(0xf4, UatMemAttr.UNCACHED_SHARED.mair());
        // MAIR byte i is the attribute for AttrIndex i.
        for (UatMemAttr a : UatMemAttr.values()) {
            assertEquals(a.mair(), (int) ((UatMemAttr.MAIR >>> (8 * a.index())) & 0xff), a.name());
        }
    }

    @Test
    void memoryTypes() {
        MemoryType.Normal cached = assertInstanceOf(MemoryType.Normal.class, UatMemAttr.CACHED.memoryType());
        assertEquals(CachePolicy.WRITE_BACK, cached.inner());
        assertEquals(CachePolicy.WRITE_BACK, cached.outer());
        assertTrue(cached.readAllocate() && cached.writeAllocate());
        assertEquals(new MemoryType.Device(DeviceKind.nGnRnE), UatMemAttr.DEVICE.memoryType());
        // 0xf4: outer 0xf write-back, inner 0x4 non-cacheable.
        MemoryType.Normal shared = assertInstanceOf(MemoryType.Normal.class, UatMemAttr.UNCACHED_SHARED.memoryType());
        assertEquals(CachePolicy.NON_CACHEABLE, shared.inner());
        assertEquals(CachePolicy.WRITE_BACK, shared.outer());
    }
}
