package dev.lockstep.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.IoPgtableModel;
import dev.lockstep.models.iopgtable.MapOutcome;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.iopgtable.UnmapOutcome;
import dev.lockstep.models.vmsa.Granule;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/** Laws of the io-pgtable contract model alone: what any correct page-table implementation must satisfy. */
class IoPgtableContractLaws {

    record MapCall(long iova, long paddr, long pgsize, int pgcount, Prot prot) {}

    private static PgtableConfig config(Granule g) {
        return new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, g, 48, 48, 0, true);
    }

    record Case(Granule granule, MapCall call) {}

    record Sequence(Granule granule, List<MapCall> calls) {}

    @Provide
    Arbitrary<Granule> granules() {
        return Arbitraries.of(Granule.values());
    }

    @Provide
    Arbitrary<Case> cases() {
        return granules().flatMap(g -> calls(config(g)).map(c -> new Case(g, c)));
    }

    @Provide
    Arbitrary<Sequence> sequences() {
        return granules().flatMap(g -> calls(config(g)).list().ofMinSize(1).ofMaxSize(60).map(l -> new Sequence(g, l)));
    }

    private static Arbitrary<MapCall> calls(PgtableConfig cfg) {
        List<Long> sizes = new ArrayList<>();
        for (long s = 1; s != 0; s <<= 1) {
            if ((cfg.pgsizeBitmap() & s) != 0) sizes.add(s);
        }
        Arbitrary<Long> pgsize = Arbitraries.of(sizes);
        return pgsize.flatMap(sz -> Combinators.combine(
                Arbitraries.longs().between(0, 63).map(i -> i * sz),
                Arbitraries.longs().between(0, (1L << 40) / sz - 1).map(i -> i * sz),
                Arbitraries.integers().between(1, 8),
                Arbitraries.integers().between(1, Prot.ALL).filter(b -> (b & 3) != 0).map(Prot::of))
                .as((iova, paddr, count, prot) -> new MapCall(iova, paddr, sz, count, prot)));
    }

    @Property(tries = 300, seed = "1")
    void mapThenTranslateGivesPaddrPlusOffset(@ForAll("cases") Case k, @ForAll @IntRange(min = 0, max = 4095) int offset) {
        Granule g = k.granule();
        MapCall c = k.call();
        IoPgtableModel m = new IoPgtableModel(config(g), ContractOptions.defaults());
        MapOutcome o = m.map(c.iova(), c.paddr(), c.pgsize(), c.pgcount(), c.prot());
        Statistics.label("granule").collect(g.label());
        Statistics.label("leaf level").collect(o.leafLevel());
        assertEquals(0, o.status());
        long va = c.iova() + (offset % c.pgsize());
        assertEquals(c.paddr() + (va - c.iova()), m.iovaToPhys(va));
    }

    @Property(tries = 300, seed = "2")
    void unmapRestoresTheFault(@ForAll("cases") Case k) {
        MapCall c = k.call();
        IoPgtableModel m = new IoPgtableModel(config(k.granule()), ContractOptions.defaults());
        MapOutcome o = m.map(c.iova(), c.paddr(), c.pgsize(), c.pgcount(), c.prot());
        UnmapOutcome u = m.unmap(c.iova(), c.pgsize(), c.pgcount());
        assertEquals(o.mappedBytes(), u.unmappedBytes());
        for (long va = c.iova(); va < c.iova() + o.mappedBytes(); va += Math.max(c.pgsize(), o.mappedBytes() / 16)) {
            assertEquals(0, m.iovaToPhys(va));
        }
        assertEquals(0, m.extentCount());
    }

    @Property(tries = 200, seed = "3")
    void splittingABlockPreservesEveryOtherTranslation(@ForAll("granules") Granule g, @ForAll @IntRange(min = 0, max = 511) int page) {
        PgtableConfig cfg = config(g);
        IoPgtableModel m = new IoPgtableModel(cfg, ContractOptions.defaults());
        long block = g.blockSize(2);
        long paddr = 7 * block;
        assertEquals(0, m.map(0, paddr, block, 1, Prot.of(Prot.READ | Prot.WRITE)).status());
        long victim = (page % (block / g.size())) * g.size();
        assertEquals(g.size(), m.unmap(victim, g.size(), 1).unmappedBytes());
        Statistics.label("victim page").collect(victim == 0 ? "first" : victim == block - g.size() ? "last" : "middle");
        for (long va = 0; va < block; va += block / 64) {
            long want = (va >= victim && va < victim + g.size()) ? 0 : paddr + va;
            assertEquals(want, m.iovaToPhys(va));
        }
        assertEquals(0, m.iovaToPhys(victim));
    }

    @Property(tries = 200, seed = "4")
    void extentsStayDisjointUnderAnySequence(@ForAll("sequences") Sequence seq) {
        IoPgtableModel m = new IoPgtableModel(config(seq.granule()), ContractOptions.defaults());
        for (int i = 0; i < seq.calls().size(); i++) {
            MapCall c = seq.calls().get(i);
            if (i % 3 == 2) {
                m.unmap(c.iova(), c.pgsize(), c.pgcount());
            } else {
                MapOutcome o = m.map(c.iova(), c.paddr(), c.pgsize(), c.pgcount(), c.prot());
                Statistics.label("map outcome").collect(o.situation());
            }
        }
        long end = Long.MIN_VALUE;
        for (Mapping x : m.mappings()) {
            assertTrue(x.iova() >= end, "extents overlap at 0x" + Long.toHexString(x.iova()));
            assertTrue(x.size() > 0);
            end = x.end();
            assertEquals(x.paddr(), m.iovaToPhys(x.iova()));
        }
    }
}
