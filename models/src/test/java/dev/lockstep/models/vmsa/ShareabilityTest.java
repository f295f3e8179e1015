package dev.lockstep.models.vmsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ShareabilityTest {

    @Test
    void shField() {
        assertEquals(Shareability.NON, Shareability.fromSh(0b00));
        assertEquals(Shareability.OUTER, Shareability.fromSh(0b10));
        assertEquals(Shareability.INNER, Shareability.fromSh(0b11));
        // Reserved 0b01 is CONSTRAINED UNPREDICTABLE; the model takes the widest domain.
        assertEquals(Shareability.OUTER, Shareability.fromSh(0b01));
        assertThrows(IllegalArgumentException.class, () -> Shareability.fromSh(4));
    }

    @Test
    void deviceAndNonCacheableNormalAreOuterShareableWhateverShSays() {
        assertEquals(Shareability.OUTER, Shareability.effective(MemoryType.fromMairAttr(0x00), 0b11));
        assertEquals(Shareability.OUTER, Shareability.effective(MemoryType.fromMairAttr(0x04), 0b00));
        assertEquals(Shareability.OUTER, Shareability.effective(MemoryType.fromMairAttr(0x44), 0b00));
        assertEquals(Shareability.OUTER, Shareability.effective(MemoryType.fromMairAttr(0x44), 0b11));
    }

    @Test
    void cacheableNormalFollowsSh() {
        assertEquals(Shareability.INNER, Shareability.effective(MemoryType.fromMairAttr(0xff), 0b11));
        assertEquals(Shareability.NON, Shareability.effective(MemoryType.fromMairAttr(0xff), 0b00));
        // Non-cacheable only at the inner level is still cacheable memory: SH decides.
        assertEquals(Shareability.NON, Shareability.effective(MemoryType.fromMairAttr(0xf4), 0b00));
    }
}
