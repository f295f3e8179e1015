package dev.lockstep.bench.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.IoPgtableModel;
import dev.lockstep.models.iopgtable.MapOutcome;
import dev.lockstep.models.iopgtable.MapSituation;
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

    @Test
    void probesAreTheCallsTheContractRefusesEachOnceTableChangingOnesLast() {
        for (PgtableConfig c : List.of(CFG, new PgtableConfig(PgtableFormat.ARM_64_LPAE_S2, Granule.G64K, 42, 44, 0, false))) {
            List<Op> probes = new Mutator(c).probes(0x1234_5678L, new SplittableRandom(3));
            IoPgtableModel model = new IoPgtableModel(c, ContractOptions.defaults());
            int refusedMaps = 0;
            int refusedUnmaps = 0;
            int noAccess = 0;
            int outside = 0;
            for (Op op : probes) {
                if (op instanceof Op.Map mp) {
                    MapOutcome o = model.map(mp.iova(), mp.paddr(), mp.pgsize(), mp.pgcount(), mp.prot());
                    assertTrue(o.misuse() || o.situation() == MapSituation.NO_ACCESS, "not a refused call: " + op + " -> " + o);
                    refusedMaps += o.misuse() ? 1 : 0;
                    noAccess += o.situation() == MapSituation.NO_ACCESS ? 1 : 0;
                    assertEquals(0, o.mappedBytes(), op.toString());
                } else if (op instanceof Op.Unmap u) {
                    assertTrue(model.unmap(u.iova(), u.pgsize(), u.pgcount()).misuse(), "not a refused call: " + op);
                    refusedUnmaps++;
                } else if (op instanceof Op.IovaToPhys q) {
                    assertFalse(c.acceptsIova(q.iova()), "iova_to_phys probes outside the input range");
                    outside++;
                }
            }
            assertEquals(List.of(5, 2, 1, 1), List.of(refusedMaps, refusedUnmaps, noAccess, outside), "one of each kind, for " + c);
            assertTrue(model.mappings().isEmpty(), "the contract maps nothing for any of them");
            for (Op op : probes.subList(0, Mutator.QUIET_PROBES)) {
                boolean quiet = op instanceof Op.IovaToPhys
                        || op instanceof Op.Map mp && ((mp.pgsize() & c.pgsizeBitmap()) != mp.pgsize() || mp.paddr() >= c.outputLimit())
                        || op instanceof Op.Unmap u && ((u.pgsize() & c.pgsizeBitmap()) != u.pgsize() || !c.acceptsIova(u.iova()));
                assertTrue(quiet, "a call no driver can carry out onto its tables comes first: " + op);
            }
            // The calls a driver may wrongly carry out (an iova past the range, a paddr or iova off the page) come last.
            Op.Map last = (Op.Map) probes.get(probes.size() - 1);
            assertEquals(c.granule().size() / 2, last.iova() & (c.granule().size() - 1), "a misaligned iova ends the probes");
            assertTrue(probes.size() <= 16, "the probes fit in the first batch");
        }
    }

    @Test
    void aMutantMayCarryARefusedCallIntoItsParentsState() {
        Mutator m = new Mutator(CFG);
        SplittableRandom r = new SplittableRandom(4);
        boolean inserted = false;
        for (int i = 0; i < 300 && !inserted; i++) {
            List<Op> mutant = m.mutate(sample(), List.of(), r);
            inserted = mutant.stream().anyMatch(o -> o instanceof Op.Map mp && mp.pgsize() == 2 * CFG.granule().size())
                    && mutant.size() > sample().size();
        }
        assertTrue(inserted, "some mutant holds an inserted call with a page size the configuration lacks");
    }
}
