package dev.lockstep.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.wire.MemoryDelta;
import dev.lockstep.bench.wire.TableDelta;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mirror follows a delta's records, and says so in one line when a record cannot be true. */
class TableMirrorTest {
    private static final long BASE = 0x8_0000_0000L;

    private static TableMirror mirror() {
        return new TableMirror(BASE, 1 << 20, 4096);
    }

    @Test
    void freshBlocksStartAsZerosAndWritesLandWhereTheySay() {
        TableMirror m = mirror();
        m.apply(TableDelta.empty().plus(TableDelta.FRESH, BASE + 0x2000, 8192)
                .plus(TableDelta.WRITE, BASE + 0x3010, 16, 0x1111L, 0x2222L));
        assertEquals(1, m.blockCount());
        assertEquals(0, m.readU64(BASE + 0x2000));
        assertEquals(0x1111L, m.readU64(BASE + 0x3010));
        assertEquals(0x2222L, m.readU64(BASE + 0x3018));
        assertTrue(m.isBacked(BASE + 0x3ff8));
        assertFalse(m.isBacked(BASE + 0x4000));
        assertFalse(m.isBacked(BASE + 0x3011), "unaligned");
        // What the judge is told changed: the whole fresh block, and the two words.
        assertEquals(2, m.writtenRuns());
        assertEquals(1024, m.writtenWords(0));
        m.apply(TableDelta.empty().plus(TableDelta.FREED, BASE + 0x2000, 8192));
        assertEquals(0, m.blockCount());
        assertFalse(m.isBacked(BASE + 0x3010));
        assertEquals(1, m.freedBlocks());
        assertEquals(BASE + 0x2000, m.freedAt(0));
    }

    @Test
    void recordsThatCannotBeTrueAreRefused() {
        TableMirror m = mirror();
        m.apply(TableDelta.empty().plus(TableDelta.FRESH, BASE, 4096));
        IllegalStateException outside = assertThrows(IllegalStateException.class,
                () -> m.apply(TableDelta.empty().plus(TableDelta.WRITE, BASE + 0x1000, 8, 1L)));
        assertTrue(outside.getMessage().contains("outside any block"), outside.getMessage());
        assertThrows(IllegalStateException.class, () -> m.apply(TableDelta.empty().plus(TableDelta.FRESH, BASE, 4096)));
        assertThrows(IllegalStateException.class, () -> m.apply(TableDelta.empty().plus(TableDelta.FREED, BASE + 0x5000, 4096)));
        assertThrows(IllegalStateException.class, () -> m.apply(TableDelta.empty().plus(TableDelta.FRESH, BASE + 0x800, 4096)));
        IllegalStateException arena = assertThrows(IllegalStateException.class,
                () -> m.apply(TableDelta.empty().plus(TableDelta.FRESH, BASE + (1 << 20), 4096)));
        assertTrue(arena.getMessage().contains("outside its arena"), arena.getMessage());
    }

    @Test
    void wholeBlocksReplaceOrCreate() {
        TableMirror a = mirror();
        TableMirror b = mirror();
        byte[] bytes = new byte[4096];
        bytes[8] = 0x42;
        a.apply(TableDelta.of(new MemoryDelta(List.of(new MemoryDelta.Block(BASE, bytes)), List.of())));
        bytes[8] = 0x43;
        a.apply(TableDelta.of(new MemoryDelta(List.of(new MemoryDelta.Block(BASE, bytes)), List.of())));
        b.apply(TableDelta.empty().plus(TableDelta.FRESH, BASE, 4096).plus(TableDelta.WRITE, BASE + 8, 8, 0x43L));
        assertEquals(-1, a.firstDifference(b));
        b.apply(TableDelta.empty().plus(TableDelta.WRITE, BASE + 16, 8, 1L));
        assertEquals(BASE + 16, a.firstDifference(b));
        a.clear();
        assertEquals(0, a.blockCount());
        assertFalse(a.isBacked(BASE));
    }
}
