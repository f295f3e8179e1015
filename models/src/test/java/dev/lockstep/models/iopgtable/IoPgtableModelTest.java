package dev.lockstep.models.iopgtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.vmsa.Granule;
import org.junit.jupiter.api.Test;

class IoPgtableModelTest {
    private static final long K4 = 0x1000;
    private static final long M2 = 0x200000;
    private static final long G1 = 0x40000000;
    private final PgtableConfig cfg = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 0, true);
    private final IoPgtableModel model = new IoPgtableModel(cfg, ContractOptions.defaults());
    private final Prot rw = Prot.of(Prot.READ | Prot.WRITE);

    @Test
    void pageSizesFollowTheGranule() {
        assertEquals(K4 | M2 | G1, cfg.pgsizeBitmap());
        assertEquals(0, cfg.startLevel());
        PgtableConfig c16 = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G16K, 48, 48, 0, true);
        assertEquals(0x4000L | 0x2000000L, c16.pgsizeBitmap());
        PgtableConfig c64 = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G64K, 48, 48, 0, true);
        assertEquals(0x10000L | 0x20000000L, c64.pgsizeBitmap());
        assertEquals(1, c64.startLevel());
        assertEquals(1, new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 39, 48, 0, true).startLevel());
    }

    @Test
    void mapThenTranslateGivesPaddrPlusOffset() {
        MapOutcome o = model.map(0x40000000L, 0x80000000L, K4, 1, rw);
        assertEquals(0, o.status());
        assertEquals(K4, o.mappedBytes());
        assertEquals(MapSituation.FRESH, o.situation());
        assertEquals(0x80000123L, model.iovaToPhys(0x40000123L));
        assertEquals(0, model.iovaToPhys(0x40001000L));
    }

    @Test
    void mapStopsAtTheEndOfTheLeafTable() {
        // 4K pages at L3: 512 entries per table; starting at index 510, only 2 fit in this call.
        MapOutcome o = model.map(510 * K4, 0x100000000L, K4, 8, rw);
        assertEquals(2 * K4, o.mappedBytes());
        assertEquals(0, model.iovaToPhys(512 * K4));
        assertFalse(model.acceptShorterMap(3 * K4), "more than the chunk is never a shorter map");
        IoPgtableModel all = new IoPgtableModel(cfg, ContractOptions.defaults().with("chunk=ALL"));
        assertEquals(8 * K4, all.map(510 * K4, 0x100000000L, K4, 8, rw).mappedBytes());
    }

    @Test
    void mappingOverLiveIsRefusedAndChangesNothing() {
        model.map(0, 0x1000000L, M2, 1, rw);
        MapOutcome inside = model.map(K4, 0x5000L, K4, 1, rw);
        assertEquals(-Errno.EEXIST, inside.status());
        assertEquals(MapSituation.INSIDE_LARGER, inside.situation());
        assertEquals(0x1001000L, model.iovaToPhys(K4));

        model.map(M2 + K4, 0x9000L, K4, 1, rw);
        MapOutcome over = model.map(M2, 0x4000000L, M2, 1, rw);
        assertEquals(-Errno.EEXIST, over.status());
        assertEquals(MapSituation.OVER_SMALLER, over.situation());
        assertEquals(0x9000L, model.iovaToPhys(M2 + K4));
        assertTrue(over.misuse());
    }

    @Test
    void misuseIsRejectedWithTheContractsErrors() {
        assertEquals(-Errno.EINVAL, model.map(0, 0, 0x2000, 1, rw).status());
        assertEquals(-Errno.ERANGE, model.map(1L << 48, 0, K4, 1, rw).status());
        assertEquals(-Errno.ERANGE, model.map(0, 1L << 48, K4, 1, rw).status());
        assertEquals(-Errno.EINVAL, model.map(0x800, 0, K4, 1, rw).status());
        assertEquals(-Errno.EINVAL, model.map(0, 0x800, K4, 1, rw).status());
        assertEquals(0, model.extentCount());
    }

    @Test
    void noAccessMapIsANamedChoice() {
        MapOutcome ignore = model.map(0, 0, K4, 1, Prot.of(Prot.CACHE));
        assertEquals(0, ignore.status());
        assertEquals(0, ignore.mappedBytes());
        IoPgtableModel strict = new IoPgtableModel(cfg, ContractOptions.defaults().with("noAccessMap=REJECT"));
        assertEquals(-Errno.EINVAL, strict.map(0, 0, K4, 1, Prot.of(Prot.CACHE)).status());
    }

    @Test
    void partialUnmapSplitsABlockAndKeepsTheRest() {
        model.map(0, 0x10000000L, M2, 1, rw);
        UnmapOutcome o = model.unmap(3 * K4, K4, 1);
        assertEquals(K4, o.unmappedBytes());
        assertEquals(UnmapSituation.SPLIT, o.situation());
        assertEquals(0, model.iovaToPhys(3 * K4));
        assertEquals(0x10002000L, model.iovaToPhys(2 * K4));
        assertEquals(0x10004000L, model.iovaToPhys(4 * K4));
        assertEquals(0x101ff000L, model.iovaToPhys(M2 - K4));
    }

    @Test
    void unmapOfALargerUnitRemovesEverySmallerMappingInside() {
        model.map(K4, 0x1000L, K4, 1, rw);
        model.map(5 * K4, 0x5000L, K4, 3, rw);
        UnmapOutcome o = model.unmap(0, M2, 1);
        assertEquals(M2, o.unmappedBytes());
        assertEquals(UnmapSituation.COVERS_SMALLER, o.situation());
        assertEquals(0, model.extentCount());
    }

    @Test
    void unmapStopsAtTheFirstHole() {
        model.map(0, 0x1000L, K4, 2, rw);
        UnmapOutcome o = model.unmap(0, K4, 4);
        assertEquals(2 * K4, o.unmappedBytes());
        assertEquals(UnmapSituation.PARTIAL_HOLE, o.situation());
        UnmapOutcome hole = model.unmap(0, K4, 1);
        assertEquals(0, hole.unmappedBytes());
        assertEquals(UnmapSituation.HOLE, hole.situation());
        assertTrue(hole.misuse());
    }

    @Test
    void unmapThenRemapIsFresh() {
        model.map(0, 0x1000L, K4, 1, rw);
        model.unmap(0, K4, 1);
        MapOutcome again = model.map(0, 0x2000L, K4, 1, rw);
        assertEquals(MapSituation.FRESH, again.situation());
        assertFalse(again.misuse());
        assertEquals(0x2000L, model.iovaToPhys(0));
    }

    @Test
    void theTopTableOfA16kWalkHasTwoEntries() {
        PgtableConfig c16 = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G16K, 48, 48, 0, true);
        assertEquals(0, c16.startLevel());
        assertEquals(2, c16.entriesLeftInTable(0, 0));
        assertEquals(1, c16.entriesLeftInTable(1L << 47, 0));
        assertEquals(2048, c16.entriesLeftInTable(0, 3));
    }

    @Test
    void aCallThatBreaksTheContractTwiceMayAnswerEitherError() {
        model.map(0, 0x1000L, K4, 1, rw);
        MapOutcome o = model.map(0x800, 0x3000L, K4, 1, rw);
        assertEquals(MapSituation.MISALIGNED, o.situation());
        assertTrue(o.accepts(-Errno.EINVAL));
        assertTrue(o.accepts(-Errno.EEXIST));
        assertFalse(o.accepts(0));
        MapOutcome clean = model.map(0x800, 0x3000L, K4, 1, rw);
        assertFalse(clean.accepts(-Errno.ERANGE));
    }

    @Test
    void aPaddrRangeRunningPastTheOutputSizeIsOutOfRange() {
        long top = (1L << 48) - 2 * K4;
        MapOutcome o = model.map(0, top, K4, 4, rw);
        assertEquals(-Errno.ERANGE, o.status());
        assertEquals(MapSituation.PADDR_OUT_OF_RANGE, o.situation());
        assertEquals(0, model.extentCount());
        assertEquals(0, model.map(0, top, K4, 2, rw).status());
    }

    @Test
    void mappingOverWhatASplitLeftBehindIsNamedSo() {
        model.map(0, 0x10000000L, M2, 1, rw);
        model.unmap(0, K4, 1);
        MapOutcome o = model.map(0, 0x20000000L, M2, 1, rw);
        assertEquals(-Errno.EEXIST, o.status());
        assertEquals(MapSituation.OVER_SPLIT, o.situation());
    }

    @Test
    void aSizeNoLevelMapsIsABadPgsizeOnEveryGranule() {
        for (Granule g : Granule.values()) {
            PgtableConfig c = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, g, 48, 48, 0, true);
            IoPgtableModel m = new IoPgtableModel(c, ContractOptions.defaults());
            for (long size : new long[] {0, 0x2000, 1L << 42, 1L << 47, 3 * g.size()}) {
                assertEquals(MapSituation.BAD_PGSIZE, m.map(0, 0, size, 1, rw).situation(), g + " " + size);
                assertEquals(UnmapSituation.BAD_PGSIZE, m.unmap(0, size, 1).situation(), g + " " + size);
            }
        }
    }

    @Test
    void aShorterMapIsFollowedWhenTheContractAllowsIt() {
        assertEquals(8 * K4, model.map(0, 0x100000L, K4, 8, rw).mappedBytes());
        assertFalse(model.acceptShorterMap(K4 + 1), "not a whole number of pages");
        assertTrue(model.acceptShorterMap(3 * K4));
        assertEquals(0x102000L, model.iovaToPhys(2 * K4));
        assertEquals(0, model.iovaToPhys(3 * K4));
        IoPgtableModel exact = new IoPgtableModel(cfg, ContractOptions.defaults().with("chunk=TABLE_END"));
        exact.map(0, 0x100000L, K4, 8, rw);
        assertFalse(exact.acceptShorterMap(3 * K4));
    }

    @Test
    void pagesAskedForPastTheInputRangeAreMisuse() {
        PgtableConfig c32 = new PgtableConfig(PgtableFormat.ARM_32_LPAE_S1, Granule.G4K, 32, 40, 0, true);
        IoPgtableModel m = new IoPgtableModel(c32, ContractOptions.defaults());
        MapOutcome o = m.map(3 * G1, 0, G1, 3, rw);
        assertEquals(G1, o.mappedBytes());
        assertTrue(o.misuse());
        assertTrue(m.unmap(3 * G1, G1, 3).misuse());
    }
}
