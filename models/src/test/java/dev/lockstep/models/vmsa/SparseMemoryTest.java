package dev.lockstep.models.vmsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SparseMemoryTest {

    @Test
    void nothingIsBackedUntilWrittenOrAdded() {
        SparseMemory mem = new SparseMemory();
        assertFalse(mem.isBacked(0));
        assertFalse(mem.isBacked(0x4000_0000L));
    }

    @Test
    void aWriteBacksItsFourKFrameOnly() {
        SparseMemory mem = new SparseMemory();
        mem.writeU64(0x4000_1808L, 0x1234_5678_9ABC_DEF0L);
        assertEquals(0x1234_5678_9ABC_DEF0L, mem.readU64(0x4000_1808L));
        // Same frame, never written: backed and zero.
        assertTrue(mem.isBacked(0x4000_1000L));
        assertEquals(0, mem.readU64(0x4000_1FF8L));
        // The next frame is not backed.
        assertFalse(mem.isBacked(0x4000_2000L));
    }

    @Test
    void addPageBacksTheAlignedRegionHoldingTheAddress() {
        SparseMemory mem = new SparseMemory().addPage(0x1_2345L, 0x10000);
        // 0x1_2345 lies in the 64K page [0x1_0000, 0x2_0000).
        assertTrue(mem.isBacked(0x1_0000L));
        assertTrue(mem.isBacked(0x1_FFF8L));
        assertFalse(mem.isBacked(0x2_0000L));
        assertFalse(mem.isBacked(0xF000L));
        // A region smaller than a frame backs its whole frame.
        mem.addPage(0x9_0020L, 32);
        assertTrue(mem.isBacked(0x9_0FF8L));
    }

    @Test
    void misuseIsRejected() {
        SparseMemory mem = new SparseMemory();
        assertThrows(IllegalArgumentException.class, () -> mem.readU64(0x1000));
        assertThrows(IllegalArgumentException.class, () -> mem.writeU64(0x1004, 1));
        assertThrows(IllegalArgumentException.class, () -> mem.addPage(0, 3000));
    }
}
