package dev.lockstep.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.IoPgtableModel;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Granule;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pieces the batches in flight rest on: copies of the expected extents, the stimulus sample, the survival estimate. */
class PipelineUnitsTest {
    private static final PgtableConfig CFG = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 0, true);

    @Test
    void aCopyOfTheExtentsAnswersAsTheContractDidAndStaysPut() {
        IoPgtableModel model = new IoPgtableModel(CFG, ContractOptions.defaults());
        Generator gen = new Generator(CFG, new SplittableRandom(9), 0.0);
        gen.alloc();
        for (int round = 0; round < 30; round++) {
            for (Op op : gen.batch(model, 32)) {
                if (op instanceof Op.Map m) {
                    model.map(m.iova(), m.paddr(), m.pgsize(), m.pgcount(), m.prot());
                } else if (op instanceof Op.Unmap u) {
                    model.unmap(u.iova(), u.pgsize(), u.pgcount());
                }
            }
        }
        assertTrue(model.extentCount() > 10, "too few extents to compare: " + model.extentCount());
        Expectations copy = Expectations.copyOf(model);
        SplittableRandom r = new SplittableRandom(4);
        List<Long> probes = new ArrayList<>();
        model.mappings().forEach(m -> {
            probes.add(m.iova());
            probes.add(m.end() - 1);
            probes.add(m.end());
        });
        for (int i = 0; i < 2000; i++) {
            probes.add(r.nextLong(1L << 48));
        }
        for (long va : probes) {
            assertEquals(model.lookup(va), copy.lookup(va), "lookup 0x" + Long.toHexString(va));
            long to = va + r.nextLong(1L << 32);
            assertEquals(model.mappingsIn(va, to), copy.mappingsIn(va, to), "range at 0x" + Long.toHexString(va));
        }
        // The contract moves on; the copy does not.
        long va = model.mappings().iterator().next().iova();
        var before = copy.lookup(va);
        model.unmap(va, 0x1000, 1);
        assertEquals(before, copy.lookup(va));
    }

    @Test
    void theStimulusSampleStaysBoundedAndSpreadOverTheRun() {
        StimulusLog log = new StimulusLog(1000);
        for (int c = 0; c < 500; c += 2) {
            // Two cases side by side, their batches interleaved as parallel cases send them.
            StimulusLog.Entry a = log.caseStarted();
            StimulusLog.Entry b = log.caseStarted();
            List<Op> opsA = new ArrayList<>();
            List<Op> opsB = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                opsA.add(new Op.Map(0, 0x1000L * i, 0x1000L * c, 0x1000, 1, Prot.of(1)));
                opsB.add(new Op.Map(1, 0x1000L * i, 0x1000L * (c + 1), 0x1000, 1, Prot.of(1)));
            }
            log.ran(a, opsA.subList(0, 20));
            log.ran(b, opsB.subList(0, 20));
            log.ran(a, opsA.subList(20, 40));
            log.ran(b, opsB.subList(20, 40));
        }
        assertEquals(500, log.casesSeen());
        assertTrue(log.operations() <= 1000, "over the bound: " + log.operations());
        assertTrue(log.operations() >= 400, "thinned too far: " + log.operations());
        // Whole cases, from both ends of the run: the first case and one of the last ones.
        assertTrue(log.cases().stream().allMatch(c -> c.size() == 40));
        // Each case holds its own operations only, in order.
        assertTrue(log.cases().stream().allMatch(c -> c.stream().allMatch(op -> ((Op.Map) op).paddr() == ((Op.Map) c.get(0)).paddr())));
        assertEquals(0L, ((Op.Map) log.cases().get(0).get(0)).paddr());
        long lastCase = ((Op.Map) log.cases().get(log.cases().size() - 1).get(0)).paddr() / 0x1000;
        assertTrue(lastCase > 400, "the sample stops at case " + lastCase);
    }

    @Test
    void sendingAheadWithinACaseStopsWhenCasesDie() {
        Campaign.Survival s = new Campaign.Survival();
        assertTrue(s.worthIt(), "nothing seen yet: send ahead");
        for (int i = 0; i < 100; i++) {
            s.saw(i % 5 == 0);
        }
        assertFalse(s.worthIt(), "one batch in five survives");
        for (int i = 0; i < 64; i++) {
            s.saw(i % 2 == 0);
        }
        assertTrue(s.worthIt(), "one in two survives, over the last 64");
    }
}
