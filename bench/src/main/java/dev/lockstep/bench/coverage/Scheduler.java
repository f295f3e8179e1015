package dev.lockstep.bench.coverage;

import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Decides what the next case is: its configuration (a point of the campaign's {@link ConfigSpace}),
 * the operations it starts with, and how many operations it may run.
 *
 * <p>Blind, every case is fresh: a configuration drawn uniformly from the space and as many
 * generated operations as the generator's case length says. Coverage-guided, the driver sites each
 * batch reaches steer it, in the manner of AFL and libFuzzer with a case as the input:
 * <ul>
 *   <li>a <b>mutant</b> ({@link Mutator}) of a corpus case drawn by energy ({@link Corpus}), in
 *       that case's configuration;</li>
 *   <li>a <b>neighbour</b>: a fresh case in a corpus case's configuration with one ALLOC
 *       parameter changed, since new alloc-time code is found next to the configurations that
 *       found the last;</li>
 *   <li>a <b>fresh</b> case in the configuration, of a few drawn, that brings the most format and
 *       parameter pairs no case has tried;</li>
 *   <li>one case in eight is <b>deep</b>: fresh, at the generator's full length, never cut short,
 *       so the state a long case builds (and the findings it holds) is still reached.</li>
 * </ul>
 * Until every format of the space has had a case, every case is a fresh one: a long deep case or a
 * run of mutants of the first format found could otherwise keep the others waiting (seed 9 spent
 * its first 300 operations so).
 *
 * <p>Among the first three the choice goes by what each has found lately: new sites per operation,
 * with an optimistic start and old results fading, as a bandit would. Every case but a deep one
 * ends once it has run {@link #GRACE_BATCHES} batches without a new site, so the operations go
 * where the driver still shows something new.
 *
 * <p>The first two fresh or neighbour cases of each format and granule start with {@link
 * Mutator#probes}: one call of each kind the contract refuses. The driver checks each condition in
 * its own branch, and a blind campaign, breaking the contract in one call of a hundred, met the
 * last of those branches after 500 to 3,211 operations (seeds 1-5, six formats); they were the
 * last sites either campaign found.
 */
public final class Scheduler {
    /** Batches a case runs before it must show a new site to go on, and each new site buys. */
    static final int GRACE_BATCHES = 4;
    /** A plan's allowance when the case runs as long as the generator's case length says. */
    public static final int FULL_LENGTH = -1;
    /**
     * Configurations drawn for a fresh case; the one with most untried pairs runs. A space has a
     * hundred or so pairs, and with 8 draws a pair such as "dart2 oas=42" could wait thousands of
     * operations (seed 8); drawing is cheap next to a case.
     */
    private static final int CANDIDATES = 32;
    /** How much of an origin's record each later case of that origin keeps. */
    private static final double FADE = 0.9;

    /** Where a case comes from. */
    public enum Origin { FRESH, MUTANT, NEIGHBOUR, DEEP }

    /**
     * One case to run: its configuration, the operations to send after its alloc (before any
     * generated ones), how many operations it may run in all after the alloc ({@link #FULL_LENGTH}:
     * the generator's case length), and the corpus case it derives from (null for a fresh one).
     */
    public record Plan(PgtableConfig config, List<Op> prefix, int allowance, Origin origin, Corpus.Entry parent) {
    }

    private final ConfigSpace space;
    private final Corpus corpus;
    private final boolean guided;
    private final SplittableRandom random;
    private final int batch;
    private final Set<String> tried = new HashSet<>();
    /** Per format and granule, how many of its short cases have started with probes (0, 1 or 2). */
    private final java.util.Map<String, Integer> probed = new java.util.HashMap<>();
    /** Per origin: new sites and operations, each faded by later cases of the origin. */
    private final double[] found = new double[Origin.values().length];
    private final double[] spent = new double[Origin.values().length];

    private Scheduler(ConfigSpace space, Corpus corpus, boolean guided, SplittableRandom random, int batch) {
        this.space = space;
        this.corpus = corpus;
        this.guided = guided;
        this.random = random;
        this.batch = batch;
        if (corpus != null) {
            for (Corpus.Entry e : corpus.entries()) {
                tried.addAll(space.pairs(e.config()));
            }
        }
    }

    /** Fresh cases only, configurations drawn uniformly; random is used only when the space has a choice. */
    public static Scheduler blind(ConfigSpace space, SplittableRandom random) {
        return new Scheduler(space, null, false, random, 1);
    }

    /** Guided by the driver sites cases reach; corpus holds the cases that reached new ones. */
    public static Scheduler guided(ConfigSpace space, Corpus corpus, SplittableRandom random, int batch) {
        return new Scheduler(space, corpus, true, random, batch);
    }

    public boolean guided() {
        return guided;
    }

    /** The next case. */
    public Plan next() {
        if (!guided) {
            PgtableConfig c = space.single() ? space.primary() : space.draw(random);
            return new Plan(c, List.of(), FULL_LENGTH, Origin.FRESH, null);
        }
        if (!everyFormatTried()) {
            // A format opens more new code than anything else does: each gets a short case before any is deepened or mutated.
            return probing(novel(), Origin.FRESH, null);
        }
        if (random.nextInt(8) == 0) {
            return new Plan(space.single() ? space.primary() : space.draw(random), List.of(), FULL_LENGTH, Origin.DEEP, null);
        }
        boolean parents = corpus.any(e -> space.contains(e.config()));
        Origin o = choose(parents, parents && !space.single());
        if (o == Origin.MUTANT) {
            Corpus.Entry parent = corpus.pick(random, e -> space.contains(e.config()));
            List<Op> other = corpus.any(e -> e != parent && e.config().equals(parent.config()))
                    ? corpus.pick(random, e -> e != parent && e.config().equals(parent.config())).body() : List.of();
            List<Op> prefix = new Mutator(parent.config()).mutate(parent.body(), other, random);
            return new Plan(parent.config(), prefix, prefix.size() + GRACE_BATCHES * batch, o, parent);
        }
        if (o == Origin.NEIGHBOUR) {
            Corpus.Entry parent = corpus.pick(random, e -> space.contains(e.config()));
            return probing(space.neighbour(parent.config(), random), o, parent);
        }
        return probing(novel(), Origin.FRESH, null);
    }

    private boolean everyFormatTried() {
        return space.bases().stream().allMatch(b -> tried.contains(b.format().cliName()));
    }

    /**
     * A short case in c. The first of its format and granule starts with the probes that leave the
     * tables alone, so its generated calls still run; the second with the others, which may end it
     * (they travel in one batch, which the driver runs whole, judged or not).
     */
    private Plan probing(PgtableConfig c, Origin o, Corpus.Entry parent) {
        int stage = probed.merge(c.format().cliName() + " " + c.granule().label(), 1, Integer::sum);
        List<Op> prefix = List.of();
        if (stage <= 2) {
            List<Op> all = new Mutator(c).probes(random.nextLong(c.inputLimit()), random);
            prefix = stage == 1 ? all.subList(0, Mutator.QUIET_PROBES) : all.subList(Mutator.QUIET_PROBES, all.size());
        }
        return new Plan(c, List.copyOf(prefix), prefix.size() + GRACE_BATCHES * batch, o, parent);
    }

    /** An origin in proportion to its recent new sites per operation, each starting as if it had found one in four batches. */
    private Origin choose(boolean mutants, boolean neighbours) {
        double[] w = new double[3];
        Origin[] o = {Origin.FRESH, Origin.MUTANT, Origin.NEIGHBOUR};
        boolean[] open = {true, mutants, neighbours};
        double total = 0;
        for (int i = 0; i < 3; i++) {
            int k = o[i].ordinal();
            w[i] = open[i] ? (found[k] + 1) / (spent[k] + GRACE_BATCHES * batch) : 0;
            total += w[i];
        }
        double x = random.nextDouble() * total;
        for (int i = 0; i < 3; i++) {
            x -= w[i];
            if (x < 0 && open[i]) {
                return o[i];
            }
        }
        return Origin.FRESH;
    }

    /** Of a few configurations drawn uniformly, the one with the most format and parameter pairs not tried yet. */
    private PgtableConfig novel() {
        if (space.single()) {
            return space.primary();
        }
        PgtableConfig best = null;
        long bestScore = -1;
        for (int k = 0; k < CANDIDATES; k++) {
            PgtableConfig c = space.draw(random);
            long score = space.pairs(c).stream().filter(p -> !tried.contains(p)).count();
            if (score > bestScore) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * The case's allowance after a batch: done operations so far (after the alloc), fresh the
     * sites that batch reached for the first time in the campaign.
     */
    public int allowance(Plan p, int allowance, int done, int fresh) {
        if (!guided || p.origin() == Origin.DEEP || fresh == 0) {
            return allowance;
        }
        return Math.max(allowance, done + GRACE_BATCHES * batch);
    }

    /** Books what a case found (sites new to the campaign, in ops operations) to its origin and the corpus case it came from. */
    public void finished(Plan p, int ops, int newSites) {
        if (!guided) {
            return;
        }
        tried.addAll(space.pairs(p.config()));
        int k = p.origin().ordinal();
        found[k] = found[k] * FADE + newSites;
        spent[k] = spent[k] * FADE + ops;
        if (p.parent() != null) {
            corpus.outcome(p.parent(), newSites);
        }
    }
}
