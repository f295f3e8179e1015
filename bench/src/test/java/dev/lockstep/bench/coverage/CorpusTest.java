package dev.lockstep.bench.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Granule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The corpus of cases that reached new driver sites: on disk, and the energy of each. */
class CorpusTest {
    @TempDir
    Path dir;

    private static final PgtableConfig NON_COHERENT = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S2, Granule.G16K, 40, 44, 0, false);

    private static List<Op> someCase(PgtableConfig c, int maps) {
        List<Op> ops = new ArrayList<>();
        ops.add(new Op.Alloc(0, c.format().wireCode(), 0, c.pgsizeBitmap(), c.ias(), c.oas(), c.coherentWalk()));
        for (int i = 0; i < maps; i++) {
            ops.add(new Op.Map(0, i * c.granule().size(), 0x8000_0000L, c.granule().size(), 1, Prot.of(Prot.READ)));
        }
        ops.add(new Op.Free(0));
        return ops;
    }

    @Test
    void aResumedCampaignReadsTheSameCasesInTheirOwnConfiguration() throws Exception {
        Corpus c = new Corpus(dir);
        c.add(someCase(NON_COHERENT, 6), 12, 4, NON_COHERENT, ModelOptions.none(), 9, 32);
        Corpus again = new Corpus(dir);
        assertEquals(1, again.size());
        Corpus.Entry e = again.entries().get(0);
        assertEquals(NON_COHERENT, e.config(), "the walk comes back from the case's alloc");
        assertEquals(12, e.newSites());
        assertEquals(someCase(NON_COHERENT, 6), e.ops());
        assertEquals(3, e.body().size(), "mutations work on the operations before the one where model and driver parted");
    }

    @Test
    void energyGoesToRecentProductiveCasesAndFruitlessParentsLoseIt() throws Exception {
        Corpus c = new Corpus(dir);
        Corpus.Entry old = c.add(someCase(NON_COHERENT, 2), 1, -1, NON_COHERENT, ModelOptions.none(), 1, 32);
        for (int i = 0; i < 10; i++) {
            c.add(someCase(NON_COHERENT, 3), 1, -1, NON_COHERENT, ModelOptions.none(), 1, 32);
        }
        Corpus.Entry rich = c.add(someCase(NON_COHERENT, 4), 100, -1, NON_COHERENT, ModelOptions.none(), 1, 32);
        assertTrue(c.energy(rich) > c.energy(old) * 4, "recent and with more new sites");
        double before = c.energy(rich);
        c.outcome(rich, 0);
        c.outcome(rich, 0);
        assertTrue(c.energy(rich) < before * 0.5);
        int picks = 0;
        SplittableRandom r = new SplittableRandom(1);
        Corpus fresh = new Corpus(dir.resolve("other"));
        fresh.add(someCase(NON_COHERENT, 2), 1, -1, NON_COHERENT, ModelOptions.none(), 1, 32);
        Corpus.Entry big = fresh.add(someCase(NON_COHERENT, 3), 200, -1, NON_COHERENT, ModelOptions.none(), 1, 32);
        for (int i = 0; i < 1000; i++) {
            if (fresh.pick(r, e -> true) == big) {
                picks++;
            }
        }
        assertTrue(picks > 650, big + " picked " + picks + " of 1000 times");
    }
}
