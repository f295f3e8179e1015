package dev.lockstep.bench.engine;

import dev.lockstep.bench.coverage.Corpus;
import dev.lockstep.bench.coverage.CoverageHtml;
import dev.lockstep.bench.coverage.DriverCoverage;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.wire.Op;
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
    private long lastSummary;
    private long runStart;
    private final Map<String, String> aliases = new java.util.HashMap<>();
    private final Timing timing = new Timing();
    private Timeline timeline;
    private StimulusLog stimulus;
    /** Driver edge coverage from the agent (null when it reports none), the corpus, and whether cases start from it. */
    private DriverCoverage driverCoverage;
    private Corpus corpus;
    private boolean guided;
    private SplittableRandom guidance;
    private CoverageHtml.Lines driverLines;

    public Campaign(Target target, CampaignSettings settings, KnownDivergences known, PrintStream console) {
        this.target = target;
        this.s = settings;
        this.findings = new FindingsStore(settings.out(), known);
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
     * Coverage-guided: about half of the cases start from a mutant of a corpus case (a case that
     * reached new driver sites) instead of from scratch. Kept for --resume by a marker in OUT/corpus.
     */
    public Campaign coverageGuided(boolean on) {
        guided = on;
        return this;
    }

    /**
     * Batches kept in flight (where the target and the format allow it; docs/performance.md). The
     * stimulus of a seed depends on it when cases end early, so a resumed campaign uses the default.
     */
    public static final int DEFAULT_IN_FLIGHT = 2;

    private int inFlight = DEFAULT_IN_FLIGHT;

    public Campaign inFlight(int depth) {
        inFlight = Math.max(1, depth);
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
        Generator gen = new Generator(s.config(), random, s.misuseRate());
        Session session = new Session(target, s.config(), s.options(), coverage, timing).logging(stimulus);
        driverCoverage = DriverCoverage.of(target);
        if (driverCoverage != null) {
            driverCoverage.restore(s.out().resolve("driver-edges.txt"));
            corpus = new Corpus(s.out().resolve("corpus"));
            Path marker = s.out().resolve("corpus").resolve(".guided");
            if (guided) {
                Files.writeString(marker, "coverage-guided\n");
            }
            guided = Files.exists(marker);
            guidance = new SplittableRandom(s.seed() ^ 0xC0BE7A6EL ^ ops);
        }
        writeSummary(false);
        try (Timeline timeline = new Timeline(s.out().resolve("timeline.jsonl"), target::agentPid)) {
            this.timeline = timeline;
            loop(start, gen, session, timeline);
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
     * The generator's side of one case: its alloc rides with the first batch and its FREE with the
     * last, so a short case is one round trip; each batch is generated from the contract as the
     * batches before it left it, whether or not their answers are in yet.
     */
    private final class Plan {
        final Session.CaseState caseState;
        final List<Divergence> pending = new ArrayList<>();
        private final Op alloc;
        private final int length;
        private final List<Op> mutant;
        private final int fromCorpus;
        private int done;
        private boolean first = true;
        private boolean finished;

        Plan(Generator gen, Session session) {
            caseState = session.begin();
            alloc = gen.alloc();
            int len = gen.caseLength();
            mutant = guided && corpus.size() > 0 && guidance.nextBoolean() ? corpus.mutant(guidance, s.config()) : List.of();
            fromCorpus = Math.max(0, mutant.size() - 1);
            length = Math.max(len, fromCorpus);
        }

        /** No more batches: the last was sent, or the case is over. */
        boolean done() {
            return finished || caseState.over();
        }

        List<Op> next(Generator gen, Session session) {
            long g0 = System.nanoTime();
            List<Op> batch = done < fromCorpus
                    ? List.copyOf(mutant.subList(1 + done, 1 + Math.min(fromCorpus, done + s.batch())))
                    : gen.batch(first ? session.emptyModel() : session.model(), Math.min(s.batch(), length - done), coverage.empty());
            timing.generator(System.nanoTime() - g0);
            finished = done + batch.size() >= length;
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
    private void loop(long start, Generator gen, Session session, Timeline timeline) throws TargetFailure, IOException {
        session.inFlight(inFlight);
        Plan plan = null;
        java.util.Map<Session.CaseState, Plan> plans = new java.util.LinkedHashMap<>();
        List<Plan> toRecord = new ArrayList<>();
        boolean spent = false;
        while (true) {
            // Batches sent in one go (a case's first ones) leave in one write.
            session.hold();
            while (!spent && toRecord.isEmpty() && session.inFlight() < session.depth()) {
                if (budgetSpent(start)) {
                    spent = true;
                    session.discardInFlight();
                    break;
                }
                if (plan != null && !plan.done() && session.inFlight() > 0 && !survival.worthIt()) {
                    // Sending more of this case before its answer is in would mostly be wasted.
                    break;
                }
                if (plan == null || plan.done()) {
                    cases++;
                    plan = new Plan(gen, session);
                    plans.put(plan.caseState, plan);
                }
                session.submit(plan.next(gen, session));
            }
            session.release();
            if (session.inFlight() == 0) {
                if (!toRecord.isEmpty()) {
                    recordAll(toRecord);
                    if (!spent) {
                        session.rebuildCurrent();
                    }
                    continue;
                }
                break;
            }
            Session.Collected got = session.collect();
            ops += got.judged();
            // Null for a batch of a case that ended before it: it was run, but is not judged.
            Plan owner = plans.get(got.caseState());
            if (owner != null) {
                collect(owner.pending, got.divergences());
                survival.saw(!got.caseEnded() || owner.finished && !hasFatal(got.divergences()));
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
                Plan p = plans.remove(lost);
                if (p != null && endCase(p)) {
                    toRecord.add(p);
                }
            }
            status.maybePrint(ops, cases, findings.all().size(), findings.knownCount(), coverage.binsHit(), coverage.binsTotal(), false);
            timeline.maybeRecord(elapsedBefore + (System.nanoTime() - start) / 1e9, ops, findings.all().size(), findings.knownCount(),
                    coverage.binsHit(), coverage.binsTotal(), edgesHit(), false);
            maybeWriteSummary();
            timing.bookkeeping(System.nanoTime() - b1);
            if (!spent && budgetSpent(start)) {
                spent = true;
                session.discardInFlight();
            }
        }
        // Cases the budget cut short: what they found is recorded all the same.
        for (Plan p : plans.values()) {
            if (!p.pending.isEmpty()) {
                toRecord.add(p);
            }
        }
        if (!toRecord.isEmpty()) {
            recordAll(toRecord);
        }
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
     * A case is over: its coverage news and its corpus entry; its findings counted at once when
     * their titles are known, else it is returned true to be recorded once nothing is in flight.
     */
    private boolean endCase(Plan p) throws TargetFailure, IOException {
        List<Op> history = p.caseState.history();
        int newSites = pollDriverCoverage();
        if (newSites > 0) {
            corpus.add(List.copyOf(history), newSites, s.config(), s.options(), s.seed(), s.batch());
        }
        boolean fresh = false;
        for (Divergence d : p.pending) {
            fresh |= !findings.contains(aliases.getOrDefault(d.title(), d.title()));
        }
        if (fresh) {
            return true;
        }
        for (Divergence d : p.pending) {
            record(d, history);
        }
        return false;
    }

    /** Shrinks and stores the findings of the cases waiting for it (nothing is in flight). */
    private void recordAll(List<Plan> waiting) throws TargetFailure, IOException {
        long b0 = System.nanoTime();
        long findingsBefore = shrinkNanos;
        for (Plan p : waiting) {
            List<Op> history = List.copyOf(p.caseState.history());
            for (Divergence d : p.pending) {
                record(d, history.subList(0, Math.min(history.size(), d.opIndex() + 1)));
            }
        }
        waiting.clear();
        pollDriverCoverage();   // what shrinking reached is the campaign's, but no case's
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

    private void record(Divergence d, List<Op> history) throws TargetFailure, IOException {
        String known = aliases.getOrDefault(d.title(), d.title());
        if (findings.contains(known)) {
            findings.repeat(known);
            return;
        }
        long t0 = System.nanoTime();
        status.message("new finding: " + d.title() + "  (shrinking " + (d.opIndex() + 1) + " operations)");
        CaseRunner fast = new CaseRunner(target, s.config(), s.options(), s.batch());
        Shrinker shrinker = new Shrinker(fast, s.shrinkAttempts(), s.shrinkMillis());
        List<Op> minimal = shrinker.shrink(history, d);
        // Judged one operation at a time, the minimal case names the operation after which model
        // and driver part ways: that is the finding. The campaign's batched title becomes an alias
        // of it, so later occurrences count here without another shrink.
        CaseRunner precise = new CaseRunner(target, s.config(), s.options(), 1);
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
            return;
        }
        Reproducer r = new Reproducer(exact.title(), exact.depth(), s.config(), s.options(), s.seed(), batch, minimal);
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

    /** "semantics after map fresh 4K: X" and "semantics: X" are one disagreement. */
    static String baseTitle(String title) {
        return title.replaceFirst("^semantics after [^:]*: ", "semantics: ").replaceFirst("^encoding after [^(]*\\(", "encoding (");
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
            }
        }
        coverage.counts().forEach((k, v) -> cov.put("bin:" + k, v));
        Map<String, Long> health = new LinkedHashMap<>(target.health());
        health.put("cases", cases);
        health.put("shrink_millis", shrinkNanos / 1_000_000L);
        health.putAll(timing.asMap());
        // Resident memory in KiB, now and at the peak: the bench's, and the agent's (-1 on a board).
        ProcessMemory self = ProcessMemory.self();
        ProcessMemory agent = ProcessMemory.of(target.agentPid());
        health.put("rss_kb", self.rssKb());
        health.put("rss_peak_kb", self.peakKb());
        health.put("agent_rss_kb", agent.rssKb());
        health.put("agent_rss_peak_kb", Math.max(agent.peakKb(), timeline == null ? -1 : timeline.agentPeakKb()));
        return new CampaignSummary(CampaignSummary.SCHEMA, VERSION, s.command(), target.describe(), s.config().format().cliName(),
                s.config().granule().label(), s.seed(), ops, elapsed, ops / fuzzing, startedAt, Instant.now(), complete,
                findings.all(), cov, health);
    }
}
