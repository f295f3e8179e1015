package dev.lockstep.models.dart;

import static dev.lockstep.models.dart.DartLayout.DART1;
import static dev.lockstep.models.dart.DartLayout.DART2;
import static dev.lockstep.models.vmsa.Granule.G16K;
import static dev.lockstep.models.vmsa.Granule.G4K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.iopgtable.Errno;
import dev.lockstep.models.iopgtable.MapOutcome;
import dev.lockstep.models.iopgtable.MapSituation;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.iopgtable.UnmapOutcome;
import dev.lockstep.models.iopgtable.UnmapSituation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The io-pgtable contract for the DART formats: answers and the state they leave. */
class DartContractTest {
    static final long K4 = 0x1000;
    static final long K16 = 0x4000;
    static final Prot RW = Prot.of(Prot.READ | Prot.WRITE);

    final DartConfig dart1 = DartConfig.linux61(DART1, G4K, List.of());
    final DartConfig dart2 = DartConfig.linux61(DART2, G16K, List.of());
    final DartContract model = new DartContract(dart1, DartOptions.defaults());

    @Test
    void aFreshMapTranslatesToPaddrPlusOffset() {
        MapOutcome o = model.map(0x4000_0000L, 0x8_0000_0000L, K4, 3, RW);
        assertEquals(0, o.status());
        assertEquals(3 * K4, o.mappedBytes());
        assertEquals(MapSituation.FRESH, o.situation());
        assertEquals(DartConfig.LEAF_LEVEL, o.leafLevel());
        assertFalse(o.misuse());
        assertEquals(0x8_0000_2123L, model.iovaToPhys(0x4000_2123L));
        assertEquals(0, model.iovaToPhys(0x4000_3000L));
        assertEquals(0, model.iovaToPhys(0x3FFF_FFFFL));
        assertEquals(K4, model.pgsizeBitmap());
    }

    @Test
    void mappingOverALivePageIsRefusedAndChangesNothing() {
        model.map(2 * K4, 0x10_0000L, K4, 1, RW);
        // Three pages from 0: the third is live.
        MapOutcome o = model.map(0, 0x20_0000L, K4, 3, RW);
        assertEquals(-Errno.EEXIST, o.status());
        assertEquals(MapSituation.OVER_SAME_SIZE, o.situation());
        assertTrue(o.misuse());
        assertEquals(0, o.mappedBytes());
        assertEquals(0, model.iovaToPhys(0));
        assertEquals(0x10_0000L, model.iovaToPhys(2 * K4));
        assertEquals(1, model.extentCount());
    }

    @Test
    void oneCallFillsAtMostOneLeafTable() {
        // 4K: 512 entries; from index 510, two pages fit.
        MapOutcome o = model.map(510 * K4, 0x100_0000L, K4, 8, RW);
        assertEquals(2 * K4, o.mappedBytes());
        assertEquals(0, model.iovaToPhys(512 * K4));
        // 16K: 2048 entries; from index 2047, one page fits.
        DartContract m2 = new DartContract(dart2, DartOptions.defaults());
        assertEquals(K16, m2.map(2047 * K16, 0x100_0000L, K16, 5, RW).mappedBytes());
        // chunk=ALL demands every page.
        DartContract all = new DartContract(dart1, DartOptions.defaults().with("chunk=ALL"));
        assertEquals(8 * K4, all.map(510 * K4, 0x100_0000L, K4, 8, RW).mappedBytes());
        assertEquals(0x100_7000L, all.iovaToPhys(517 * K4));
    }

    @Test
    void unmapStopsAtTheFirstHole() {
        model.map(0, 0x1000L, K4, 2, RW);
        UnmapOutcome o = model.unmap(0, K4, 4);
        assertEquals(2 * K4, o.unmappedBytes());
        assertEquals(UnmapSituation.PARTIAL_HOLE, o.situation());
        assertTrue(o.misuse());
        UnmapOutcome hole = model.unmap(0, K4, 1);
        assertEquals(0, hole.unmappedBytes());
        assertEquals(UnmapSituation.HOLE, hole.situation());
        assertTrue(hole.misuse());
    }

    @Test
    void unmapAlsoStopsAtTheEndOfTheLeafTable() {
        DartContract all = new DartContract(dart1, DartOptions.defaults().with("chunk=ALL"));
        all.map(510 * K4, 0x100_0000L, K4, 4, RW);
        UnmapOutcome o = new DartContract(dart1, DartOptions.defaults()).unmap(510 * K4, K4, 4);
        assertEquals(UnmapSituation.HOLE, o.situation(), "a fresh model has nothing there");
        // Same extents, table-end chunking: 2 pages, then the rest in a second call.
        model.map(510 * K4, 0x100_0000L, K4, 2, RW);
        model.map(512 * K4, 0x100_2000L, K4, 2, RW);
        UnmapOutcome first = model.unmap(510 * K4, K4, 4);
        assertEquals(2 * K4, first.unmappedBytes());
        assertEquals(UnmapSituation.EXACT, first.situation());
        assertEquals(0x100_2000L, model.iovaToPhys(512 * K4));
        assertEquals(2 * K4, model.unmap(512 * K4, K4, 2).unmappedBytes());
        assertEquals(0, model.extentCount());
    }

    @Test
    void unmappingInsideAnExtentKeepsBothSides() {
        model.map(0, 0x50_0000L, K4, 5, RW);
        UnmapOutcome o = model.unmap(2 * K4, K4, 1);
        assertEquals(K4, o.unmappedBytes());
        assertEquals(UnmapSituation.EXACT, o.situation());
        assertEquals(0x50_1000L, model.iovaToPhys(K4));
        assertEquals(0, model.iovaToPhys(2 * K4));
        assertEquals(0x50_3000L, model.iovaToPhys(3 * K4));
        assertEquals(0x50_4FFFL, model.iovaToPhys(5 * K4 - 1));
        assertEquals(2, model.extentCount());
        assertTrue(model.mappings().stream().noneMatch(m -> m.split()), "pages only: nothing is ever split");
        // The hole can be mapped again.
        assertEquals(MapSituation.FRESH, model.map(2 * K4, 0x9000L, K4, 1, RW).situation());
    }

    @Test
    void misuseGetsTheContractsErrors() {
        MapOutcome bad = model.map(0, 0, 0x20_0000L, 1, RW);
        assertEquals(-Errno.EINVAL, bad.status());
        assertEquals(MapSituation.BAD_PGSIZE, bad.situation());
        assertTrue(bad.misuse());
        assertEquals(-Errno.EINVAL, model.map(0, 0, K16, 1, RW).status(), "16K on a 4K DART");
        assertEquals(-Errno.ERANGE, model.map(1L << 32, 0, K4, 1, RW).status());
        assertEquals(-Errno.ERANGE, model.map(0, 1L << 36, K4, 1, RW).status());
        // The range reaching 2^36: the second page would be at 2^36.
        MapOutcome reach = model.map(0, (1L << 36) - K4, K4, 2, RW);
        assertEquals(-Errno.ERANGE, reach.status());
        assertEquals(MapSituation.PADDR_OUT_OF_RANGE, reach.situation());
        assertEquals(0, model.map(0, (1L << 36) - K4, K4, 1, RW).status(), "the last page is fine");
        model.unmap(0, K4, 1);
        assertEquals(-Errno.EINVAL, model.map(0x800, 0, K4, 1, RW).status());
        assertEquals(-Errno.EINVAL, model.map(0, 0x800, K4, 1, RW).status());
        assertTrue(model.map(0, 0x800, K4, 1, RW).misuse());
        assertEquals(0, model.extentCount());
        assertEquals(MapSituation.EMPTY, model.map(0, 0, K4, 0, RW).situation());
    }

    @Test
    void dart2AtThirtySixBitsRangesAtItsOwnOas() {
        DartContract m = new DartContract(new DartConfig(DART2, G16K, 32, 36, List.of()), DartOptions.defaults());
        assertEquals(-Errno.ERANGE, m.map(0, 1L << 36, K16, 1, RW).status());
        assertEquals(0, m.map(0, (1L << 36) - K16, K16, 1, RW).status());
    }

    @Test
    void unmapMisuseUnmapsNothing() {
        model.map(0, 0, K4, 1, RW);
        assertEquals(new UnmapOutcome(0, UnmapSituation.BAD_PGSIZE, -1, true), model.unmap(0, K16, 1));
        assertEquals(new UnmapOutcome(0, UnmapSituation.IOVA_OUT_OF_RANGE, 2, true), model.unmap(1L << 32, K4, 1));
        assertEquals(new UnmapOutcome(0, UnmapSituation.MISALIGNED, 2, true), model.unmap(0x10, K4, 1));
        assertEquals(new UnmapOutcome(0, UnmapSituation.EMPTY, 2, false), model.unmap(0, K4, 0));
        assertEquals(1, model.extentCount());
    }

    @Test
    void aPaddrDart2CannotHoldMayOnlyBeAnError() {
        // DART2 with 4K pages: PA[13:12] have no bits in the entry.
        DartContract m = new DartContract(DartConfig.linux61(DART2, G4K, List.of()), DartOptions.defaults());
        MapOutcome o = m.map(0, 0x1000L, K4, 1, RW);
        assertEquals(MapSituation.PADDR_UNENCODABLE, o.situation());
        assertEquals(Set.of(-Errno.EINVAL, -Errno.ERANGE), o.acceptable());
        assertFalse(o.accepts(0));
        assertFalse(o.misuse(), "the caller's paddr is page-aligned: the format is what falls short");
        assertEquals(0, m.extentCount());
        assertEquals(K4, m.map(0, 0x4000L, K4, 1, RW).mappedBytes());
        // A 16K-aligned paddr, but two pages: the second would be at 0x9000.
        MapOutcome two = m.map(K4, 0x8000L, K4, 2, RW);
        assertEquals(Set.of(-Errno.EINVAL, -Errno.ERANGE), two.acceptable());
        assertEquals(1, m.extentCount());
        // DART1 holds every 4K page; DART2 every 16K one.
        assertEquals(3 * K4, model.map(0, 0x1000L, K4, 3, RW).mappedBytes());
        DartContract m16 = new DartContract(dart2, DartOptions.defaults());
        assertEquals(3 * K16, m16.map(0, 0x4000L, K16, 3, RW).mappedBytes());
    }

    @Test
    void noAccessMapsFollowTheOption() {
        Prot none = Prot.of(Prot.CACHE);
        // MAP_NONE (default): mapped, live, and it translates.
        MapOutcome mapped = model.map(0, 0x7000L, K4, 2, none);
        assertEquals(0, mapped.status());
        assertEquals(2 * K4, mapped.mappedBytes());
        assertEquals(MapSituation.NO_ACCESS, mapped.situation());
        assertEquals(0x7123L, model.iovaToPhys(0x123));
        assertEquals(-Errno.EEXIST, model.map(K4, 0x9000L, K4, 1, RW).status());
        assertEquals(2 * K4, model.unmap(0, K4, 2).unmappedBytes());

        DartContract reject = new DartContract(dart1, DartOptions.defaults().with("noAccessMap=REJECT"));
        MapOutcome r = reject.map(0, 0x7000L, K4, 1, none);
        assertEquals(-Errno.EINVAL, r.status());
        assertEquals(MapSituation.NO_ACCESS, r.situation());
        assertEquals(0, reject.extentCount());

        DartContract ignore = new DartContract(dart1, DartOptions.defaults().with("noAccessMap=IGNORE"));
        MapOutcome i = ignore.map(0, 0x7000L, K4, 1, none);
        assertEquals(0, i.status());
        assertEquals(0, i.mappedBytes());
        assertEquals(0, ignore.extentCount());
        // IGNORE: success is also right for a call that breaks the contract elsewhere.
        assertTrue(ignore.map(0x800, 0x7000L, K4, 1, none).accepts(0));
    }

    @Test
    void aCallThatBreaksTheContractTwiceMayAnswerEitherError() {
        model.map(0, 0x1000L, K4, 1, RW);
        MapOutcome o = model.map(0, 1L << 36, K4, 1, RW);
        assertEquals(MapSituation.PADDR_OUT_OF_RANGE, o.situation());
        assertTrue(o.accepts(-Errno.ERANGE));
        assertTrue(o.accepts(-Errno.EEXIST));
        assertFalse(o.accepts(-Errno.EINVAL));
        assertFalse(o.accepts(0));
    }

    @Test
    void chunkAllCannotRunPastTheAperture() {
        DartContract all = new DartContract(dart1, DartOptions.defaults().with("chunk=ALL"));
        // Two pages from the last page of the aperture.
        MapOutcome o = all.map((1L << 32) - K4, 0, K4, 2, RW);
        assertEquals(-Errno.ERANGE, o.status());
        assertEquals(MapSituation.IOVA_OUT_OF_RANGE, o.situation());
        assertEquals(-Errno.ERANGE, all.map(0, 0, K4, Long.MAX_VALUE, RW).status());
        assertEquals(0, all.extentCount());
    }

    @Test
    void optionsParseAndPrint() {
        DartOptions d = DartOptions.defaults();
        assertEquals(Map.of("noAccessMap", "MAP_NONE", "chunk", "TABLE_END", "cacheBit", "CHECKED", "spDis", "SET"), d.asMap());
        assertEquals(List.of("noAccessMap", "chunk", "cacheBit", "spDis"), List.copyOf(d.asMap().keySet()));
        assertEquals(DartOptions.SubpageDisable.CLEAR, d.with("spDis=CLEAR").spDis());
        assertEquals(DartOptions.CacheBit.UNCHECKED, d.with("cacheBit=UNCHECKED").cacheBit());
        assertEquals(DartOptions.NoAccessMap.IGNORE, d.with(" noAccessMap = IGNORE ").noAccessMap());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> d.with("writeOnly=EXACT"));
        assertTrue(unknown.getMessage().contains("unknown model option"));
        IllegalArgumentException value = assertThrows(IllegalArgumentException.class, () -> d.with("chunk=SOME"));
        assertTrue(value.getMessage().contains("has no value"));
        assertThrows(IllegalArgumentException.class, () -> d.with("chunk"));
    }
}
