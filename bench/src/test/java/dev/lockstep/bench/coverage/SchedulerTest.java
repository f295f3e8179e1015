package dev.lockstep.bench.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.coverage.ConfigSpace.Dimension;
import dev.lockstep.bench.coverage.Scheduler.Origin;
import dev.lockstep.bench.coverage.Scheduler.Plan;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Granule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the next case is, blind and coverage-guided. */
class SchedulerTest {
    @TempDir
    Path dir;

    private static final int BATCH = 32;
    private static final List<PgtableConfig> FORMATS = List.of(
            config(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48), config(PgtableFormat.ARM_64_LPAE_S2, Granule.G4K, 48, 48),
            config(PgtableFormat.ARM_32_LPAE_S1, Granule.G4K, 32, 40), config(PgtableFormat.ARM_32_LPAE_S2, Granule.G4K, 40, 40),
            config(PgtableFormat.APPLE_DART, Granule.G4K, 32, 36), config(PgtableFormat.APPLE_DART2, Granule.G4K, 32, 42));

    private static PgtableConfig config(PgtableFormat f, Granule g, int ias, int oas) {
        return new PgtableConfig(f, g, ias, oas, 0, true);
    }

    private static List<Op> someCase(PgtableConfig c) {
        List<Op> ops = new ArrayList<>();
        ops.add(new Op.Alloc(0, c.format().wireCode(), 0, c.pgsizeBitmap(), c.ias(), c.oas(), c.coherentWalk()));
        for (int i = 0; i < 8; i++) {
            ops.add(new Op.Map(0, i * c.granule().size(), 0x8000_0000L, c.granule().size(), 1, Prot.of(Prot.READ)));
        }
        ops.add(new Op.Free(0));
        return ops;
    }

    @Test
    void blindCasesAreFreshAtTheGeneratorsLength() {
        ConfigSpace space = new ConfigSpace(FORMATS, EnumSet.of(Dimension.WALK));
        Scheduler s = Scheduler.blind(space, new SplittableRandom(1));
        Set<PgtableFormat> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Plan p = s.next();
            assertEquals(Origin.FRESH, p.origin());
            assertEquals(Scheduler.FULL_LENGTH, p.allowance());
            assertTrue(p.prefix().isEmpty() && p.parent() == null);
            assertTrue(space.contains(p.config()));
            seen.add(p.config().format());
            assertEquals(Scheduler.FULL_LENGTH, s.allowance(p, Scheduler.FULL_LENGTH, 64, 5), "new sites never change a blind case");
        }
        assertEquals(6, seen.size());
        assertEquals(FORMATS.get(0), Scheduler.blind(ConfigSpace.of(FORMATS.get(0)), new SplittableRandom(1)).next().config());
    }

    @Test
    void aGuidedCaseGoesOnWhileItFindsNewSitesAndADeepOneRunsItsLength() throws Exception {
        Scheduler s = Scheduler.guided(ConfigSpace.of(FORMATS.get(0)), new Corpus(dir), new SplittableRandom(4), BATCH);
        boolean deep = false;
        boolean shortOne = false;
        int shortCases = 0;
        for (int i = 0; i < 64; i++) {
            Plan p = s.next();
            if (p.origin() == Origin.DEEP) {
                deep = true;
                assertEquals(Scheduler.FULL_LENGTH, p.allowance());
                assertEquals(Scheduler.FULL_LENGTH, s.allowance(p, Scheduler.FULL_LENGTH, 96, 3));
                continue;
            }
            assertEquals(Origin.FRESH, p.origin(), "nothing in the corpus to derive from");
            assertEquals(shortCases == 0 ? Mutator.QUIET_PROBES : shortCases == 1 ? 9 - Mutator.QUIET_PROBES : 0, p.prefix().size(),
                    "only the first two short cases of the format and granule probe");
            shortOne = true;
            shortCases++;
            int grace = p.prefix().size() + Scheduler.GRACE_BATCHES * BATCH;
            assertEquals(grace, p.allowance());
            assertEquals(grace, s.allowance(p, grace, 2 * BATCH, 0), "nothing new: the case ends where it would have");
            assertEquals(3 * BATCH + Scheduler.GRACE_BATCHES * BATCH, s.allowance(p, grace, 3 * BATCH, 2),
                    "a new site buys the case more batches");
            s.finished(p, grace, 0);
        }
        assertTrue(deep && shortOne);
    }

    @Test
    void derivedCasesKeepTheirParentsConfigurationOrChangeOneParameter() throws Exception {
        ConfigSpace space = new ConfigSpace(FORMATS, EnumSet.of(Dimension.WALK, Dimension.OAS));
        Corpus corpus = new Corpus(dir);
        for (PgtableConfig c : List.of(FORMATS.get(1), FORMATS.get(4))) {
            corpus.add(someCase(c), 10, -1, c, ModelOptions.none(), 1, BATCH);
        }
        Scheduler s = Scheduler.guided(space, corpus, new SplittableRandom(8), BATCH);
        Map<Origin, Integer> origins = new EnumMap<>(Origin.class);
        Map<String, Integer> probedKeys = new java.util.HashMap<>();
        for (int i = 0; i < 400; i++) {
            Plan p = s.next();
            origins.merge(p.origin(), 1, Integer::sum);
            assertTrue(space.contains(p.config()));
            if (p.origin() == Origin.MUTANT) {
                assertEquals(p.parent().config(), p.config(), "a mutant is judged in its parent's configuration");
                assertTrue(p.prefix().stream().noneMatch(o -> o instanceof Op.Alloc || o instanceof Op.Free));
            } else if (p.origin() == Origin.NEIGHBOUR) {
                assertNotEquals(p.parent().config(), p.config());
            }
            if (p.origin() != Origin.MUTANT) {
                String key = p.config().format().cliName() + " " + p.config().granule().label();
                int before = p.origin() == Origin.DEEP ? -1 : probedKeys.merge(key, 1, Integer::sum) - 1;
                int expected = before == 0 ? Mutator.QUIET_PROBES : before == 1 ? 9 - Mutator.QUIET_PROBES : 0;
                assertEquals(expected, p.prefix().size(), "the probes open the first two short cases of " + key + " and no other: " + p.origin());
            }
            s.finished(p, 100, 0);
        }
        assertEquals(4, origins.size(), origins.toString());
    }

    @Test
    void everyFormatHasAShortFreshCaseBeforeAnyCaseIsDeepOrDerived() throws Exception {
        ConfigSpace space = new ConfigSpace(FORMATS, EnumSet.of(Dimension.WALK));
        Corpus corpus = new Corpus(dir);
        corpus.add(someCase(FORMATS.get(0)), 10, -1, FORMATS.get(0), ModelOptions.none(), 1, BATCH);
        for (long seed = 1; seed <= 20; seed++) {
            Scheduler s = Scheduler.guided(space, corpus, new SplittableRandom(seed), BATCH);
            // The corpus case counts as arm64-lpae-s1's (a resumed campaign's corpus is what was tried).
            Set<PgtableFormat> seen = new HashSet<>(Set.of(FORMATS.get(0).format()));
            while (seen.size() < FORMATS.size()) {
                Plan p = s.next();
                assertEquals(Origin.FRESH, p.origin(), "seed " + seed + " after " + seen);
                assertTrue(seen.add(p.config().format()), "a fresh case goes to a format not tried yet: " + p.config().format());
                s.finished(p, 40, 3);
            }
            Set<Origin> later = EnumSet.noneOf(Origin.class);
            for (int i = 0; i < 100; i++) {
                Plan p = s.next();
                later.add(p.origin());
                s.finished(p, 40, 0);
            }
            assertTrue(later.contains(Origin.DEEP) && later.contains(Origin.MUTANT), "seed " + seed + ": " + later);
        }
    }

    @Test
    void theOriginThatFindsNewSitesGetsTheCases() throws Exception {
        ConfigSpace space = new ConfigSpace(FORMATS, EnumSet.of(Dimension.WALK));
        Corpus corpus = new Corpus(dir);
        corpus.add(someCase(FORMATS.get(0)), 10, -1, FORMATS.get(0), ModelOptions.none(), 1, BATCH);
        Scheduler s = Scheduler.guided(space, corpus, new SplittableRandom(6), BATCH);
        Map<Origin, Integer> late = new EnumMap<>(Origin.class);
        for (int i = 0; i < 600; i++) {
            Plan p = s.next();
            // A world where only mutants find anything.
            s.finished(p, 128, p.origin() == Origin.MUTANT ? 1 : 0);
            if (i >= 300) {
                late.merge(p.origin(), 1, Integer::sum);
            }
        }
        int mutants = late.getOrDefault(Origin.MUTANT, 0);
        assertTrue(mutants > 2 * late.getOrDefault(Origin.FRESH, 0) && mutants > 2 * late.getOrDefault(Origin.NEIGHBOUR, 0), late.toString());
    }

    @Test
    void freshGuidedCasesTryEveryFormatAndParameterPairSoonerThanUniformDraws() throws Exception {
        ConfigSpace space = new ConfigSpace(FORMATS, EnumSet.of(Dimension.WALK, Dimension.OAS));
        Set<String> all = new HashSet<>();
        for (PgtableConfig c : FORMATS) {
            for (int oas : List.of(32, 36, 40, 42, 44, 48)) {
                for (boolean walk : List.of(true, false)) {
                    PgtableConfig v = new PgtableConfig(c.format(), c.granule(), c.ias(), c.format().minOas() <= oas && oas <= c.format().maxOas()
                            ? oas : c.oas(), 0, walk);
                    if (space.contains(v)) {
                        all.addAll(space.pairs(v));
                    }
                }
            }
        }
        int guided = casesToTry(all, Scheduler.guided(space, new Corpus(dir), new SplittableRandom(3), BATCH));
        int blind = casesToTry(all, Scheduler.blind(space, new SplittableRandom(3)));
        assertTrue(guided < blind, "cases until every pair was tried: guided " + guided + ", blind " + blind);
    }

    private static int casesToTry(Set<String> all, Scheduler s) {
        Set<String> tried = new HashSet<>();
        ConfigSpace space = new ConfigSpace(FORMATS, EnumSet.of(Dimension.WALK, Dimension.OAS));
        for (int n = 1; n <= 10_000; n++) {
            Plan p = s.next();
            tried.addAll(space.pairs(p.config()));
            s.finished(p, 100, 0);
            if (tried.containsAll(all)) {
                return n;
            }
        }
        return Integer.MAX_VALUE;
    }
}
