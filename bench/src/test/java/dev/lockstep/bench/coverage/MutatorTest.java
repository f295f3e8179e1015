package dev.lockstep.bench.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Granule;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Mutations of a case's operations. */
class MutatorTest {
    private static final PgtableConfig CFG = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 40, 40, 0, true);

    private static List<Op> sample() {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ops.add(new Op.Map(0, 0x4000_0000L + i * 0x1000L, 0x8000_0000L + i * 0x1000L, 0x1000, 1, Prot.of(Prot.READ | Prot.WRITE)));
            ops.add(new Op.Unmap(0, 0x4000_0000L + i * 0x2000L, 0x1000, 1));
            ops.add(new Op.IovaToPhys(0, 0x4000_0000L + i * 0x800L));
        }
        return ops;
    }

    @Test
    void theSameSeedGivesTheSameMutant() {
        Mutator m = new Mutator(CFG);
        assertEquals(m.mutate(sample(), List.of(), new SplittableRandom(5)), m.mutate(sample(), List.of(), new SplittableRandom(5)));
    }

    @Test
    void aMutantIsABodyOfTheSameConfigurationAndChangesSomething() {
        Mutator m = new Mutator(CFG);
        SplittableRandom r = new SplittableRandom(11);
        int changed = 0;
        for (int i = 0; i < 200; i++) {
            List<Op> mutant = m.mutate(sample(), List.of(), r);
            assertTrue(mutant.stream().noneMatch(o -> o instanceof Op.Alloc || o instanceof Op.Free), "the campaign allocs and frees");
            if (!mutant.equals(sample())) {
                changed++;
            }
        }
        assertTrue(changed > 180, changed + " of 200 mutants differ from their parent");
    }

    @Test
    void mutationsReachBeyondTheContractAsTheGeneratorsMisuseDoes() {
        Mutator m = new Mutator(CFG);
        SplittableRandom r = new SplittableRandom(2);
        boolean badSize = false;
        boolean paddrOut = false;
        boolean iovaOut = false;
        boolean tableEnd = false;
        for (int i = 0; i < 500; i++) {
            for (Op op : m.mutate(sample(), List.of(), r)) {
                if (op instanceof Op.Map mp) {
                    badSize |= (mp.pgsize() & CFG.pgsizeBitmap()) == 0;
                    paddrOut |= Long.compareUnsigned(mp.paddr(), CFG.outputLimit()) >= 0;
                    iovaOut |= Long.compareUnsigned(mp.iova(), CFG.inputLimit()) >= 0;
                    tableEnd |= mp.pgcount() >= 511;
                    assertTrue(mp.pgcount() > 0, "a pgcount is never 0");
                } else if (op instanceof Op.Unmap u) {
                    badSize |= (u.pgsize() & CFG.pgsizeBitmap()) == 0;
                    assertTrue(u.pgcount() > 0, "a pgcount is never 0");
                }
            }
        }
        assertTrue(badSize && paddrOut && iovaOut && tableEnd, "bad size " + badSize + ", paddr past oas " + paddrOut
                + ", iova past ias " + iovaOut + ", count to a table's end " + tableEnd);
    }

    @Test
    void spliceTakesTheTailOfAnotherCase() {
        Mutator m = new Mutator(CFG);
        Op marker = new Op.IovaToPhys(0, 0x1234_5000L);
        List<Op> other = List.of(marker, marker, marker);
        SplittableRandom r = new SplittableRandom(9);
        boolean spliced = false;
        for (int i = 0; i < 100 && !spliced; i++) {
            spliced = m.mutate(sample(), other, r).contains(marker);
        }
        assertTrue(spliced);
        assertFalse(m.mutate(List.of(), List.of(), new SplittableRandom(1)).iterator().hasNext(), "nothing to mutate, nothing made up");
    }
}
