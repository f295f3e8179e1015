package dev.lockstep.bench.engine;

import dev.lockstep.bench.coverage.ConfigSpace;
import dev.lockstep.bench.coverage.Corpus;
import dev.lockstep.bench.coverage.CoverageHtml;
import dev.lockstep.bench.coverage.DriverCoverage;
import dev.lockstep.bench.coverage.GrowthLog;
import dev.lockstep.bench.coverage.Scheduler;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.reports.AllureResults;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Finding;
import dev.lockstep.reports.MarkdownReport;
import dev.lockstep.reports.CampaignTimeline;
import dev.lockstep.reports.Statistics;
import dev.lockstep.reports.SummaryJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The campaign loop: generate a case, run it through the target batch by batch, judge it, and on a
 * divergence shrink it and store the finding. summary.json is rewritten (atomically) after every
 * finding and every few seconds, so a killed run leaves its results on disk.
 */
public final class Campaign {
    public static final String VERSION = "0.1.0";

    private final Target target;
    private final CampaignSettings s;
    private final FindingsStore findings;
    private final Coverage coverage;
    private final StatusLine status;
    private final AllureResults allure;
    private Instant startedAt = Instant.now();
    private double elapsedBefore;
    private long ops;
    private long cases;
    private long shrinkNanos;
    /** CPU time of the loop's thread: all of run(), and what new findings took of it. */
    private long loopCpuNanos;
    private long shrinkCpuNanos;
    private long lastSummary;
    private long runStart;
    private final Map<String, String> aliases = new java.util.HashMap<>();
    private final Timing timing = new Timing();
    private Timeline timeline;
    private GrowthLog growth;
    private long loopStart;
    private StimulusLog stimulus;
    /** Driver edge coverage from the agent (null when it reports none), the corpus, and whether cases start from it. */
    private DriverCoverage driverCoverage;
    private Corpus corpus;
    private boolean guided;
    private CoverageHtml.Lines driverLines;
    /** The ALLOC parameters cases are drawn from (null: the settings' one configuration), and who draws them. */
    private ConfigSpace space;
    private Scheduler scheduler;
    /**
     * Per configuration a case ran in: its generator, its session and the coverage that steers its
     * generator; the least recently used go once there are many (a session keeps its last case's
     * tables), which costs only their steering.
     */
    private final Map<LaneKey, Lane> lanes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<LaneKey, Lane> eldest) {
            return size() > 64;
        }
    };
    /** Each configuration's coverage, shared by the lanes of its parallel cases. */
    private final Map<PgtableConfig, Coverage> coverages = new java.util.HashMap<>();

    /** A lane is a configuration on one of the parallel cases' handles: each keeps its own generator state. */
    private record LaneKey(PgtableConfig config, int slot) {
    }

    /** A configuration's generator, and the coverage that steers it. */
    private record Lane(Generator gen, Coverage coverage) {
    }

    public Campaign(Target target, CampaignSettings settings, KnownDivergences known, PrintStream console) {
        this.target = target;
        this.s = settings;
        this.findings = new FindingsStore(settings.out(), known, target.replayFlags());
        this.coverage = Coverage.forConfig(settings.config());
        this.status = new StatusLine(console);
        this.allure = new AllureResults(settings.out().resolve("allure-results"));
    }

    /**
     * Picks up where an earlier run of the same directory stopped: its findings (none is found
     * twice), counters, coverage and clock. The stimulus goes on from a seed derived from the
     * original seed and the operations already run, so a resumed campaign is reproducible too.
     */
    public Campaign resumeFrom(CampaignSummary earlier) {
        findings.restore(earlier.findings());
        ops = earlier.operations();
        cases = earlier.health().getOrDefault("cases", 0L);
        shrinkNanos = earlier.health().getOrDefault("shrink_millis", 0L) * 1_000_000L;
        elapsedBefore = earlier.elapsedSeconds();
        startedAt = earlier.startedAt();
        earlier.coverage().forEach((k, v) -> {
            if (k.startsWith("bin:")) {
                coverage.restore(k.substring(4), v);
            }
        });
        return this;
    }

    /**
     * Starts knowing what an earlier campaign on the same target found (its findings and the
     * campaign titles that stand for them), so none is shrunk again: `lockstep bench` measures the
     * loop after a warm-up this way, not the shrinking of findings the warm-up already made.
     */
    public Campaign knowing(Campaign earlier) {
        findings.restore(earlier.findings.all());
        aliases.putAll(earlier.aliases);
        return this;
    }

    /**
     * Coverage-guided: the driver sites each batch reaches decide what runs next (see
     * {@link Scheduler}): mutants of corpus cases, neighbouring configurations, short fresh cases
     * that go on only while they find new sites. Kept for --resume by a marker in OUT/corpus.
     */
    public Campaign coverageGuided(boolean on) {
        guided = on;
        return this;
    }

    /**
     * Cases draw their ALLOC parameters from space instead of all using the settings'
     * configuration; each case is judged by the model for its own. Kept for --resume in
     * OUT/config-space.txt.
     */
    public Campaign varying(ConfigSpace space) {
        this.space = space;
        return this;
    }

    /**
     * Batches kept in flight (where the target and the format allow it; docs/performance.md). The
     * stimulus of a seed depends on it when cases end early, so a resumed campaign uses the default.
     * Coverage-guided campaigns keep one: the driver sites each batch reaches decide what comes
     * after it.
     */
    public static final int DEFAULT_IN_FLIGHT = 2;

    private int inFlight = DEFAULT_IN_FLIGHT;

    public Campaign inFlight(int depth) {
        inFlight = Math.max(1, depth);
        return this;
    }

    /** Cases run side by side on their own handles (docs/performance.md); 1 runs one at a time. */
    public static final int DEFAULT_PARALLEL = 8;

    private int parallel = DEFAULT_PARALLEL;
    /** Cases the loop actually runs side by side (1 where they cannot be). */
    private int width = 1;

    public Campaign parallel(int n) {
        parallel = Math.max(1, Math.min(8, n));
        return this;
    }

    /** Keeps a sample of the operations the target runs, for a driver-alone run over them (`lockstep bench`). */
    public Campaign logging(StimulusLog log) {
        stimulus = log;
        return this;
    }

    /** Runs until the budget is spent; returns the final summary (also on disk). */
    public CampaignSummary run() throws TargetFailure, IOException {
        Files.createDirectories(s.out());
        long start = System.nanoTime();
        runStart = start;
        SplittableRandom random = new SplittableRandom(ops == 0 ? s.seed() : s.seed() ^ (ops * 0x9E3779B97F4A7C15L));
        Path spaceFile = s.out().resolve("config-space.txt");
        if (space != null && !space.single()) {
            space.store(spaceFile);
        }
        space = ConfigSpace.load(spaceFile, s.config().quirks()).orElse(space != null ? space : ConfigSpace.of(s.config()))
                .forTables(target.info().arenaBase() + target.info().arenaSize());
        coverage.widen(space.representatives());
        SplittableRandom guidance = new SplittableRandom(s.seed() ^ 0xC0BE7A6EL ^ ops);
        driverCoverage = DriverCoverage.of(target);
        if (driverCoverage != null) {
            driverCoverage.restore(s.out().resolve("driver-edges.txt"));
            corpus = new Corpus(s.out().resolve("corpus"));
            Path marker = s.out().resolve("corpus").resolve(".guided");
            if (guided) {
                Files.writeString(marker, "coverage-guided\n");
            }
            guided = Files.exists(marker);
        }
        scheduler = guided && driverCoverage != null ? Scheduler.guided(space, corpus, guidance, s.batch()) : Scheduler.blind(space, guidance);
        writeSummary(false);
        Session session = new Session(target, s.config(), s.options(), coverage, timing).logging(stimulus);
        try (Timeline timeline = new Timeline(s.out().resolve("timeline.jsonl"), target::agentPid); GrowthLog growth = new GrowthLog(s.out())) {
            this.timeline = timeline;
            this.growth = growth;
            long cpu0 = threadCpu();
            loop(start, random, session, timeline);
            loopCpuNanos += threadCpu() - cpu0;
            timeline.maybeRecord(elapsedBefore + (System.nanoTime() - start) / 1e9, ops, findings.all().size(), findings.knownCount(),
                    coverage.binsHit(), coverage.binsTotal(), edgesHit(), true);
        }
        if (driverCoverage != null) {
            driverLines = CoverageHtml.write(s.out().resolve("driver-coverage.html"), driverCoverage.image(), driverCoverage.sites());
        }
        status.maybePrint(ops, cases, findings.all().size(), findings.knownCount(), coverage.binsHit(), coverage.binsTotal(), true);
        CampaignSummary summary = writeSummary(true);
        allure.writeCampaign(summary);
        MarkdownReport.write(s.out().resolve("report.md"), summary);
        return summary;
    }

    /**
     * The generator, session and coverage of one configuration, made on its first case. With one
     * configuration that coverage is the campaign's; with several each counts its own cases (and
     * passes every hit on to the campaign's), so each is steered toward what it has not done.
     */
    private Lane lane(PgtableConfig config, int slot, SplittableRandom random) {
        return lanes.computeIfAbsent(new LaneKey(config, slot), k -> {
            Coverage own = space.single() ? coverage : coverages.computeIfAbsent(config, c -> Coverage.forConfig(c, coverage));
            return new Lane(new Generator(config, random, s.misuseRate()), own);
        });
    }

    /**
     * The model options a case of c's configuration is judged with: the settings' for the first
     * format (on --resume, the manifest's options in effect), the user's as given for the others.
     */
    private ModelOptions optionsFor(PgtableConfig c) {
        return (c.format() == space.primary().format() ? s.options() : space.options()).forFormat(c.format());
    }

    /**
     * The generator's side of one case: the {@link Scheduler}'s plan for it (configuration, the
     * operations it starts with, its allowance), its alloc riding with the first batch, and in a
     * blind campaign its FREE with the last, so a short case is one round trip; each batch is
     * generated from the contract as the batches before it left it, whether or not their answers
     * are in yet. In a coverage-guided campaign the allowance may grow after each batch (the sites
     * it reached), so the FREE goes once the allowance is spent.
     */
    private final class CasePlan {
        final Scheduler.Plan plan;
        final Lane lane;
        final Session.CaseState caseState;
        final List<Divergence> pending = new ArrayList<>();
        private final Op alloc;
        private final List<Op> given;
        private int allowance;
        private int done;
        private boolean first = true;
        private boolean finished;
        /** Driver sites new to the campaign its batches reached, and the prefix the corpus keeps. */
        int caseSites;
        int keep = 1;

        CasePlan(Scheduler.Plan plan, Lane lane, Session session, int slot) {
            this.plan = plan;
            this.lane = lane;
            PgtableConfig c = plan.config();
            caseState = session.begin(c, optionsFor(c), lane.coverage(), slot);
            alloc = lane.gen().alloc();
            given = plan.prefix();
            lane.gen().adopt(given);
            allowance = plan.allowance() == Scheduler.FULL_LENGTH ? lane.gen().caseLength() : plan.allowance();
        }

        /** No more batches: the last was sent, or the case is over. */
        boolean done() {
            return finished || caseState.over();
        }

        List<Op> next(Session session) {
            long g0 = System.nanoTime();
            List<Op> batch;
            if (done < given.size()) {
                batch = given.subList(done, Math.min(given.size(), done + s.batch())).stream()
                        .map(op -> Generator.inRegion(plan.config(), op)).toList();
            } else if (done < allowance) {
                batch = lane.gen().batch(first ? caseState.emptyModel() : caseState.model(), Math.min(s.batch(), allowance - done),
                        lane.coverage().empty());
            } else {
                batch = List.of();
            }
            timing.generator(System.nanoTime() - g0);
            // Guided, the FREE waits for the allowance the last batch's sites leave.
            finished = scheduler.guided() ? batch.isEmpty() : done + batch.size() >= allowance;
            List<Op> frame = new ArrayList<>(batch.size() + 2);
            if (first) {
                frame.add(alloc);
            }
            frame.addAll(batch);
            if (finished) {
                frame.add(new Op.Free(0));
            }
            done += batch.size();
            first = false;
            return frame;
        }
    }

    /**
     * Keeps the session's batches in flight: generates and sends while there is room, judges the
     * oldest when its answer is in. A case whose divergences need shrinking (a title not seen
     * before) waits until nothing is in flight, since shrinking uses the target; the case then being
     * generated is rebuilt on the agent afterwards. When the budget is spent, what is still in
     * flight is thrown away unjudged, so a run stops where its judged operations stop.
     */
    private void loop(long start, SplittableRandom random, Session session, Timeline timeline) throws TargetFailure, IOException {
        loopStart = start;
        // Guided, what the sites of a batch say decides what comes after it: one batch at a time.
        session.inFlight(scheduler.guided() ? 1 : inFlight);
        // Side by side only where a case's state lives in the agent alone: a guided campaign decides
        // each batch from the last one's sites, and an injected kill rebuilds one case at a time.
        width = scheduler.guided() || target.killsAgent() ? 1 : Math.min(parallel, target.parallelCases());
        if (width > 1) {
            session.parallel(width).inFlight(Math.max(inFlight, width));
        }
        CasePlan[] slots = new CasePlan[width];
        int turn = 0;
        Map<Session.CaseState, CasePlan> plans = new LinkedHashMap<>();
        List<CasePlan> toRecord = new ArrayList<>();
        boolean spent = false;
        while (true) {
            // Batches sent in one go (a case's first ones) leave in one write. Side by side, the
            // line is refilled two steps at a time: a write costs more than most steps.
            session.hold();
            boolean refill = width == 1 || session.depth() < 3 || session.inFlight() <= session.depth() - Math.max(2, session.depth() / 2);
            while (refill && !spent && toRecord.isEmpty() && session.inFlight() < session.depth()) {
                if (budgetSpent(start)) {
                    spent = true;
                    session.discardInFlight();
                    break;
                }
                // The next case, in turn, that has something worth sending now.
                int slot = -1;
                for (int k = 0; k < width && slot < 0; k++) {
                    int i = (turn + k) % width;
                    CasePlan p = slots[i];
                    boolean ready = p == null || p.done() || session.inFlight() == 0 || p.caseState.flying() == 0
                            || (survival.worthIt() && !(width > 1 && p.caseState.followsCfg()));
                    if (ready) {
                        slot = i;
                    }
                }
                if (slot < 0) {
                    // Sending more of these cases before their answers are in would mostly be wasted.
                    break;
                }
                turn = (slot + 1) % width;
                CasePlan plan = slots[slot];
                if (plan == null || plan.done()) {
                    cases++;
                    Scheduler.Plan next = scheduler.next();
                    plan = new CasePlan(next, lane(next.config(), slot, random), session, slot);
                    plans.put(plan.caseState, plan);
                    slots[slot] = plan;
                }
                session.submit(plan.caseState, plan.next(session));
            }
            session.release();
            if (session.inFlight() == 0) {
                if (!toRecord.isEmpty()) {
                    recordAll(toRecord);
                    if (width > 1) {
                        // Shrinking reset the agent: the cases beside ended there (judged so far, recorded).
                        for (Session.CaseState c : session.abandonAll()) {
                            CasePlan p = plans.remove(c);
                            if (p != null && endCase(p)) {
                                toRecord.add(p);
                            }
                        }
                    } else if (!spent) {
                        session.rebuildCurrent();
                    }
                    continue;
                }
                break;
            }
            Session.Collected got = session.collect();
            ops += got.judged();
            // Null for a batch of a case that ended before it: it was run, but is not judged.
            CasePlan owner = plans.get(got.caseState());
            if (owner != null) {
                collect(owner.pending, got.divergences());
                survival.saw(!got.caseEnded() || owner.finished && !hasFatal(got.divergences()));
                if (scheduler.guided()) {
                    int fresh = pollDriverCoverage();
                    if (fresh > 0) {
                        owner.caseSites += fresh;
                        owner.keep = owner.caseState.history().size();
                        growth.grew(seconds(), ops, edgesHit(), fresh, owner.plan.config(), origin(owner));
                    }
                    owner.allowance = scheduler.allowance(owner.plan, owner.allowance, owner.done, fresh);
                }
            }
            long b1 = System.nanoTime();
            if (owner != null && got.caseEnded()) {
                plans.remove(got.caseState());
                if (endCase(owner)) {
                    toRecord.add(owner);
                }
            }
            for (Session.CaseState lost : got.cut()) {
                // Its batches died with the agent: what it judged before is recorded all the same.
                CasePlan p = plans.remove(lost);
                if (p != null && endCase(p)) {
                    toRecord.add(p);
                }
            }
            status.maybePrint(ops, cases, findings.all().size(), findings.knownCount(), coverage.binsHit(), coverage.binsTotal(), false);
            timeline.maybeRecord(seconds(), ops, findings.all().size(), findings.knownCount(),
                    coverage.binsHit(), coverage.binsTotal(), edgesHit(), false);
            maybeWriteSummary();
            timing.bookkeeping(System.nanoTime() - b1);
            if (!spent && budgetSpent(start)) {
                spent = true;
                session.discardInFlight();
            }
        }
        // Cases the budget cut short: what they found is recorded all the same.
        for (CasePlan p : plans.values()) {
            if (!p.pending.isEmpty()) {
                toRecord.add(p);
            }
        }
        if (!toRecord.isEmpty()) {
            recordAll(toRecord);
        }
    }

    private double seconds() {
        return elapsedBefore + (System.nanoTime() - loopStart) / 1e9;
    }

    private static String origin(CasePlan p) {
        return p.plan.origin().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean hasFatal(List<Divergence> ds) {
        return !ds.isEmpty() && ds.get(ds.size() - 1).fatal();
    }

    private final Survival survival = new Survival();

    /**
     * How often a case goes on after a batch, over the last batches judged: sending a case's next
     * batch before the answer to its last is in pays (the line's wait is hidden) only when the case
     * usually survives; a case that dies leaves what was sent after it wasted. The next case's first
     * batch is never wasted (it starts with a RESET), so that is always sent ahead. Decided from
     * judged answers in order, so a seed still gives one stimulus.
     */
    static final class Survival {
        private static final int WINDOW = 64;
        /** Below this share of surviving batches, the bench waits for each answer within a case. */
        private static final double WORTH_IT = 0.4;
        private final boolean[] outcomes = new boolean[WINDOW];
        private int seen;
        private int survived;

        void saw(boolean went) {
            if (seen >= WINDOW && outcomes[seen % WINDOW]) {
                survived--;
            }
            outcomes[seen % WINDOW] = went;
            survived += went ? 1 : 0;
            seen++;
        }

        boolean worthIt() {
            int n = Math.min(seen, WINDOW);
            return n == 0 || survived >= WORTH_IT * n;
        }
    }

    /**
     * A case is over: its coverage news, what the scheduler books for it and its corpus entry; its
     * findings counted at once when their titles are known, else it is returned true to be recorded
     * once nothing is in flight.
     */
    private boolean endCase(CasePlan p) throws TargetFailure, IOException {
        List<Op> history = List.copyOf(p.caseState.history());
        int tail = pollDriverCoverage();
        if (tail > 0) {
            p.caseSites += tail;
            p.keep = history.size();
            growth.grew(seconds(), ops, edgesHit(), tail, p.plan.config(), origin(p));
        }
        scheduler.finished(p.plan, p.done + 1, p.caseSites);
        if (p.caseSites > 0 && corpus != null) {
            List<Op> kept = new ArrayList<>(history.subList(0, Math.min(p.keep, history.size())));
            if (!(kept.get(kept.size() - 1) instanceof Op.Free)) {
                kept.add(new Op.Free(0));
            }
            int parted = p.pending.stream().filter(Divergence::fatal).mapToInt(Divergence::opIndex).findFirst().orElse(-1);
            corpus.add(kept, p.caseSites, parted < kept.size() ? parted : -1, p.plan.config(), optionsFor(p.plan.config()),
                    s.seed(), s.batch());
        }
        boolean fresh = false;
        for (Divergence d : p.pending) {
            fresh |= !findings.contains(aliases.getOrDefault(d.title(), d.title()));
        }
        if (fresh) {
            return true;
        }
        for (Divergence d : p.pending) {
            record(d, history, p.plan.config());
        }
        return false;
    }

    /** Shrinks and stores the findings of the cases waiting for it (nothing is in flight). */
    private void recordAll(List<CasePlan> waiting) throws TargetFailure, IOException {
        long b0 = System.nanoTime();
        long findingsBefore = shrinkNanos;
        PgtableConfig last = null;
        for (CasePlan p : waiting) {
            List<Op> history = List.copyOf(p.caseState.history());
            for (Divergence d : p.pending) {
                record(d, history.subList(0, Math.min(history.size(), d.opIndex() + 1)), p.plan.config());
            }
            last = p.plan.config();
        }
        waiting.clear();
        int shrunk = pollDriverCoverage();   // what shrinking reached is the campaign's, but no case's
        if (shrunk > 0 && last != null) {
            growth.grew(seconds(), ops, edgesHit(), shrunk, last, "shrinking");
        }
        timing.bookkeeping(System.nanoTime() - b0 - (shrinkNanos - findingsBefore));
    }

    /** Driver sites new to the campaign since the last poll (0 without coverage). */
    private int pollDriverCoverage() throws TargetFailure {
        if (driverCoverage == null) {
            return 0;
        }
        try {
            return driverCoverage.poll();
        } catch (TargetFailure f) {
            if (f.kind() == TargetFailure.Kind.LINK) {
                throw f;
            }
            target.restart();   // the sites of a dead agent are lost; the campaign's set is not
            return 0;
        }
    }

    private long edgesHit() {
        return driverCoverage == null ? 0 : driverCoverage.hitCount();
    }

    /** Keeps the first divergence of each title in a case; returns whether the case must end. */
    private static boolean collect(List<Divergence> pending, List<Divergence> found) {
        for (Divergence d : found) {
            if (pending.stream().noneMatch(p -> p.title().equals(d.title()))) {
                pending.add(d);
            }
        }
        return !found.isEmpty() && found.get(found.size() - 1).fatal();
    }

    private void record(Divergence d, List<Op> history, PgtableConfig config) throws TargetFailure, IOException {
        String known = aliases.getOrDefault(d.title(), d.title());
        if (findings.contains(known)) {
            findings.repeat(known);
            return;
        }
        long t0 = System.nanoTime();
        long c0 = threadCpu();
        ModelOptions options = optionsFor(config);
        status.message("new finding: " + d.title() + "  (shrinking " + (d.opIndex() + 1) + " operations)");
        CaseRunner fast = new CaseRunner(target, config, options, s.batch());
        Shrinker shrinker = new Shrinker(fast, s.shrinkAttempts(), s.shrinkMillis());
        List<Op> minimal = shrinker.shrink(history, d);
        // Judged one operation at a time, the minimal case names the operation after which model
        // and driver part ways: that is the finding. The campaign's batched title becomes an alias
        // of it, so later occurrences count here without another shrink.
        CaseRunner precise = new CaseRunner(target, config, options, 1);
        Divergence exact = localise(d, precise.run(minimal)).orElse(null);
        int batch = 1;
        if (exact == null) {
            exact = d;
            batch = s.batch();
        } else if (!exact.title().equals(d.title())) {
            minimal = new Shrinker(precise, s.shrinkAttempts(), s.shrinkMillis()).shrink(minimal, exact);
        }
        CaseRunner replay = batch == 1 ? precise : fast;
        // Saved only if it replays the same finding twice running.
        boolean first = replay.find(minimal, exact.title()).isPresent();
        Optional<Divergence> second = replay.find(minimal, exact.title());
        String note;
        if (first && second.isPresent()) {
            note = "The minimised reproducer (" + minimal.size() + " operations, " + shrinker.attempts()
                    + " shrink runs) replayed the same finding twice.\n\nDetail of the minimised run:\n" + second.get().detail();
        } else {
            exact = d;
            minimal = history;
            batch = s.batch();
            note = "Shrinking could not keep this finding reproducible; the reproducer is the whole case ("
                    + history.size() + " operations). It may depend on state outside the case.";
        }
        aliases.put(d.title(), exact.title());
        if (findings.contains(exact.title())) {
            findings.repeat(exact.title());
            shrinkNanos += System.nanoTime() - t0;
            shrinkCpuNanos += threadCpu() - c0;
            return;
        }
        Reproducer r = new Reproducer(exact.title(), exact.depth(), config, options, s.seed(), batch, minimal);
        Finding f = findings.add(exact, ops, r, (exact == d ? "" : "Seen in the campaign as: " + d.title() + "\n") + note);
        Map<String, String> attachments = new LinkedHashMap<>();
        attachments.put("reproducer.lst", r.render());
        attachments.put("detail.txt", f.detail());
        allure.writeFinding(summary(System.nanoTime(), false), f, attachments);
        status.message((f.known() ? "  known divergence (" + f.knownReason() + ")" : "  saved")
                + ": " + f.title() + " -> " + s.out().resolve(f.reproducer()) + " (" + minimal.size() + " operations)");
        writeSummary(false);
        // Everything spent on a new finding, saving it included, is not the loop's time.
        shrinkNanos += System.nanoTime() - t0;
        shrinkCpuNanos += threadCpu() - c0;
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private static long threadCpu() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    /**
     * CPU time the loop's thread spent fuzzing (new findings' shrinking left out): unlike wall time,
     * it does not grow when other programs share the machine, so `lockstep bench` reports it per
     * operation beside the rates.
     */
    public long loopCpuNanos() {
        return Math.max(0, loopCpuNanos - shrinkCpuNanos);
    }

    /**
     * The divergence of a one-operation-at-a-time run that stands for d: for a fatal d, the run's
     * fatal end; for a survivable one, the same disagreement named with the operation it followed.
     */
    private static Optional<Divergence> localise(Divergence d, List<Divergence> run) {
        if (d.fatal()) {
            return run.isEmpty() || !run.get(run.size() - 1).fatal() ? Optional.empty() : Optional.of(run.get(run.size() - 1));
        }
        String base = baseTitle(d.title());
        return run.stream().filter(x -> !x.fatal() && baseTitle(x.title()).equals(base)).findFirst();
    }

    /** "semantics after map fresh 4K: X" and "semantics: X" are one disagreement (also with the QEMU judge's "qemu: "). */
    static String baseTitle(String title) {
        return title.replaceFirst("^(qemu: )?(semantics|model walker) after [^:]*: ", "$1$2: ").replaceFirst("^encoding after [^(]*\\(", "encoding (");
    }

    /** Where this run's time went (driver, link and agent, model): for `lockstep bench`. */
    public Timing timing() {
        return timing;
    }

    private boolean budgetSpent(long start) {
        if (s.maxOps() > 0 && ops >= s.maxOps()) {
            return true;
        }
        return s.maxSeconds() > 0 && elapsedBefore + (System.nanoTime() - start) / 1e9 >= s.maxSeconds();
    }

    private void maybeWriteSummary() throws IOException {
        if (System.nanoTime() - lastSummary > 5_000_000_000L) {
            writeSummary(false);
        }
    }

    private CampaignSummary writeSummary(boolean complete) throws IOException {
        lastSummary = System.nanoTime();
        if (driverCoverage != null) {
            driverCoverage.save(s.out().resolve("driver-edges.txt"));
        }
        CampaignSummary summary = summary(lastSummary, complete);
        // Statistics only at the end: they read the whole timeline, and a running summary is rewritten often.
        SummaryJson.write(s.out().resolve("summary.json"), summary, complete
                ? Statistics.of(summary, CampaignTimeline.read(s.out().resolve("timeline.jsonl"))) : null);
        return summary;
    }

    /** The format under test, or the formats (comma-separated) when cases vary it. */
    private String formatLabel() {
        return space == null ? s.config().format().cliName()
                : space.bases().stream().map(b -> b.format().cliName()).collect(java.util.stream.Collectors.joining(","));
    }

    /** The granule under test, or every granule cases may have (comma-separated). */
    private String granuleLabel() {
        return space == null ? s.config().granule().label()
                : space.representatives().stream().map(c -> c.granule().label()).distinct().collect(java.util.stream.Collectors.joining(","));
    }

    private CampaignSummary summary(long now, boolean complete) {
        double elapsed = elapsedBefore + (now - runStart) / 1e9;
        double fuzzing = Math.max(1e-3, elapsed - shrinkNanos / 1e9);
        Map<String, Long> cov = new LinkedHashMap<>();
        cov.put("bins_hit", coverage.binsHit());
        cov.put("bins_total", coverage.binsTotal());
        if (driverCoverage != null) {
            cov.put("driver_edges_hit", driverCoverage.hitCount());
            cov.put("driver_edges_total", driverCoverage.total());
            if (driverLines != null) {
                cov.put("driver_lines_hit", driverLines.hit());
                cov.put("driver_lines_total", driverLines.total());
                driverLines.sitesByFile().forEach((file, n) -> {
                    cov.put("driver_edges_hit/" + file, n[0]);
                    cov.put("driver_edges_total/" + file, n[1]);
                });
            }
        }
        coverage.counts().forEach((k, v) -> cov.put("bin:" + k, v));
        Map<String, Long> health = new LinkedHashMap<>(target.health());
        health.put("cases", cases);
        health.put("cases_side_by_side", (long) width);
        health.put("shrink_millis", shrinkNanos / 1_000_000L);
        health.putAll(timing.asMap());
        // Resident memory in KiB, now and at the peak: the bench's, and the agent's (-1 on a board).
        ProcessMemory self = ProcessMemory.self();
        ProcessMemory agent = ProcessMemory.of(target.agentPid());
        health.put("rss_kb", self.rssKb());
        health.put("rss_peak_kb", self.peakKb());
        health.put("agent_rss_kb", agent.rssKb());
        health.put("agent_rss_peak_kb", Math.max(agent.peakKb(), timeline == null ? -1 : timeline.agentPeakKb()));
        return new CampaignSummary(CampaignSummary.SCHEMA, VERSION, s.command(), target.describe(), formatLabel(),
                granuleLabel(), s.seed(), ops, elapsed, ops / fuzzing, startedAt, Instant.now(), complete,
                findings.all(), cov, health);
    }
}
