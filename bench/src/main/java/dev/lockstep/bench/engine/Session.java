package dev.lockstep.bench.engine;

import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.wire.AgentEvent;
import dev.lockstep.bench.wire.BatchReply;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.OpResult;
import dev.lockstep.bench.wire.StepReply;
import dev.lockstep.bench.wire.TableDelta;
import dev.lockstep.bench.wire.WireCodec;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableContract;
import dev.lockstep.reports.Category;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Cases from alloc on: sends batches to the target (driver role), gathers results, events and table
 * memory (monitor role), and has the scoreboard judge them. Each batch is one STEP: the operations,
 * then the words of table memory they changed, in one round trip; a case's first step also resets
 * the target, its last ends with the FREE (the tables are read before it), and every step brings
 * the driver coverage news.
 *
 * <p>A fatal divergence ends the case, because after it model and driver no longer start from the
 * same state; a survivable one (right translation, wrong attributes; a WARN) is reported and the
 * case goes on.
 *
 * <p><b>Several batches in flight.</b> {@link #submit} sends a batch and returns; {@link #collect}
 * judges the oldest one in flight when its answer is in. While the agent runs a batch, the bench
 * generates, predicts and sends the next ones and judges the ones before, so neither side waits for
 * the other or for the line. That works because the contract's state never depends on what the
 * driver answers: the session predicts each batch when it sends it (the model runs ahead of the
 * target, exactly as far as one batch at a time would have taken it), keeps a copy of the expected
 * extents for judging the tables later, and compares the answers when they come. The one exception
 * is a map the driver shortens and the contract then follows (acceptShorterMap): predicted ahead,
 * the contract cannot follow it, so the case ends there without a finding (the 6.1 drivers never
 * shorten a map). Formats whose contract depends on the geometry the driver publishes at alloc
 * (stage 2) run one batch at a time. A case that ends early leaves its later batches in flight;
 * they are run by the target but not judged, and the next case starts with a RESET regardless.
 *
 * <p>When the target says it killed its agent on purpose (--link-faults kill=N), the session
 * rebuilds the driver's state in the new agent by running the case's history again, checks that
 * every answer is the one judged the first time, and sends again what was in flight: the case goes
 * on exactly as it would have on a target that never died, so a kill is never a finding.
 */
public final class Session {
    private final Target target;
    private final PgtableConfig config;
    private final ModelOptions options;
    private final Coverage coverage;
    private final Timing timing;
    /** Mirrors of cases gone, to be used again: each one indexes the whole arena. */
    private final ArrayDeque<TableMirror> spareMirrors = new ArrayDeque<>();
    private final ArrayDeque<Flight> inFlight = new ArrayDeque<>();
    /** The case batches are submitted to, or null before the first begin(). */
    private CaseState current;
    private int depth = 1;
    /**
     * Cases run side by side, each on its own handle (1: one case at a time, each from a RESET).
     * With several, they share one mirror of the agent's memory, a case starts with an ALLOC on its
     * handle (after a FREE of what the handle's last case left, if it ended early), and only the
     * first step after a start, a crash or a shrink resets the agent.
     */
    private int parallel = 1;
    private TableMirror shared;
    /** Handles the agent holds a table on, as the steps sent so far leave it. */
    private final boolean[] live = new boolean[16];
    /** The next step resets the agent (parallel cases only: otherwise every case's first step does). */
    private boolean resetNext = true;
    /** Cases begun and not over, for parallel cases that a crash or a shrink ends together. */
    private final List<CaseState> active = new ArrayList<>();
    /** Where the operations the target ran are kept for the driver-alone run, or null. */
    private StimulusLog log;
    private long speculationStops;

    /**
     * One case as the pipeline sees it: its own configuration, contract and judge, mirror, history
     * and answers. Cases of different configurations (a campaign whose cases vary their ALLOC
     * parameters) may be in flight one after the other.
     */
    public final class CaseState {
        final PgtableConfig config;
        final Scoreboard scoreboard;
        final TableMirror mirror;
        /** The agent's handle its operations use (the history keeps the generator's handle 0). */
        final int handle;
        StimulusLog.Entry logged;
        final List<Op> history = new ArrayList<>();
        final List<OpResult> answers = new ArrayList<>();
        /** Operations predicted so far (in speculative mode: submitted). */
        int predicted;
        boolean resetPending = true;
        /** A fatal divergence (or a failure) ended it: batches of it still in flight are not judged. */
        boolean over;
        /** Its last batch (the one with its FREE) was submitted. */
        boolean finished;
        /** Batches of it in flight. */
        int flying;

        CaseState(PgtableConfig config, ModelOptions options, Coverage coverage, int handle) {
            this.config = config;
            this.handle = handle;
            // A target with a hardware walker (QEMU) has it judge the tables beside the model's walker.
            scoreboard = new Scoreboard(config, options, coverage, target.hardwareWalker());
            if (parallel > 1) {
                if (shared == null) {
                    shared = newMirror();
                }
                mirror = shared;
            } else {
                TableMirror m = spareMirrors.pollFirst();
                mirror = m != null ? m : newMirror();
                mirror.clear();
            }
        }

        /** The model as predicted after every batch of this case submitted so far, or null before its alloc. */
        public PgtableContract model() {
            return scoreboard.model();
        }

        /** An empty contract of this case's format: what the generator sees before the alloc is judged. */
        public PgtableContract emptyModel() {
            return scoreboard.emptyModel();
        }

        /** Whether nothing of this case may be predicted before its alloc's answer is in (stage 2). */
        public boolean followsCfg() {
            return scoreboard.contractFollowsCfg();
        }

        /** Batches of it in flight. */
        public int flying() {
            return flying;
        }

        /** Every operation sent in this case, in order. */
        public List<Op> history() {
            return history;
        }

        /** Whether the case is over: ended by a fatal divergence, or its FREE was judged. */
        public boolean over() {
            return over;
        }
    }

    /**
     * A batch in flight: its case, its operations from index base of the case, where its tables are
     * read, its predictions (null when predicted at collect) and the extents expected after it.
     */
    private record Flight(CaseState c, List<Op> batch, int base, int tablesAfter, boolean reset, Prediction[] predictions,
                          Expectations expected, List<Op> sent, int skip) {}

    /**
     * What one collect judged: the batch's case, its divergences (the last one fatal if any is), how
     * many operations, whether that ended the case, and other cases that ended with it (their
     * batches in flight were lost with a crashed agent).
     */
    public record Collected(CaseState caseState, List<Divergence> divergences, int judged, boolean caseEnded, List<CaseState> cut) {
        Collected(CaseState caseState, List<Divergence> divergences, int judged, boolean caseEnded) {
            this(caseState, divergences, judged, caseEnded, List.of());
        }
    }

    public Session(Target target, PgtableConfig config, ModelOptions options, Coverage coverage) {
        this(target, config, options, coverage, new Timing());
    }

    public Session(Target target, PgtableConfig config, ModelOptions options, Coverage coverage, Timing timing) {
        this.timing = timing;
        this.target = target;
        this.config = config;
        this.options = options;
        this.coverage = coverage;
    }

    /**
     * Keeps up to depth batches in flight when the target takes several and the format allows
     * predicting ahead; 1 (the default) judges each batch before the next is sent.
     */
    public Session inFlight(int depth) {
        this.depth = Math.max(1, depth);
        return this;
    }

    /**
     * Runs up to n cases side by side on handles 0..n-1 ({@link #begin(PgtableConfig, ModelOptions,
     * Coverage, int)}); set before the first case.
     */
    public Session parallel(int n) {
        if (current != null) {
            throw new IllegalStateException("parallel cases are set before the first case");
        }
        parallel = Math.max(1, Math.min(live.length, n));
        return this;
    }

    /** A mirror of the target's whole arena. */
    private TableMirror newMirror() {
        return new TableMirror(target.info().arenaBase(), target.info().arenaSize(), target.info().pageSize());
    }

    /** How many batches may be in flight now. */
    public int depth() {
        boolean ahead = parallel > 1 || current == null || !current.scoreboard.contractFollowsCfg();
        return ahead ? Math.min(depth, target.maxInFlight()) : 1;
    }

    /** Keeps every operation the target runs from here on (case by case) in log. */
    public Session logging(StimulusLog log) {
        this.log = log;
        return this;
    }

    /** Starts a fresh case: its first step resets the target, so it starts with no tables. */
    public CaseState begin() {
        return begin(config, options, coverage);
    }

    /**
     * Starts a fresh case of another configuration than the session's, judged with these options and
     * counted in this coverage.
     */
    public CaseState begin(PgtableConfig config, ModelOptions options, Coverage coverage) {
        return begin(config, options, coverage, 0);
    }

    /** Starts a fresh case on a handle of its own, beside the cases running on the others. */
    public CaseState begin(PgtableConfig config, ModelOptions options, Coverage coverage, int handle) {
        if (handle < 0 || handle >= parallel) {
            throw new IllegalArgumentException("handle " + handle + " with " + parallel + " parallel cases");
        }
        CaseState last = current;
        current = new CaseState(config, options, coverage, handle);
        if (parallel > 1) {
            active.removeIf(c -> c.over);
            active.add(current);
        }
        if (last != null) {
            retire(last);
        }
        return current;
    }

    /** The case batches go to. */
    public CaseState current() {
        return current;
    }

    /** The operations of the current case so far. */
    public List<Op> history() {
        return current.history;
    }

    /** The model as predicted after every batch submitted so far, or null before the first alloc. */
    public PgtableContract model() {
        return current.scoreboard.model();
    }

    /** An empty contract of this case's format: what the generator sees before the alloc is judged. */
    public PgtableContract emptyModel() {
        return current.scoreboard.emptyModel();
    }

    /** Batches submitted and not yet collected. */
    public int inFlight() {
        return inFlight.size();
    }

    /** Batches submitted from now on go out together at {@link #release}: one write, one wake-up. */
    public void hold() {
        target.holdSteps();
    }

    public void release() throws TargetFailure {
        target.releaseSteps();
    }

    /** Times a case ended because the driver shortened a map while later batches had been predicted. */
    public long speculationStops() {
        return speculationStops;
    }

    /**
     * Runs one batch of the current case and judges it: every divergence found, the last one fatal
     * if any is. A crash or hang of the agent is returned as a divergence after the agent has been
     * restarted; only a broken link or a target that will not restart throws.
     */
    public List<Divergence> step(List<Op> batch) throws TargetFailure {
        if (!inFlight.isEmpty()) {
            throw new IllegalStateException("a step while " + inFlight.size() + " batches are in flight");
        }
        submit(batch);
        return collect().divergences();
    }

    /** Operations the last collect judged. */
    public int lastJudged() {
        return lastJudged;
    }

    private int lastJudged;

    /**
     * Sends a batch of the current case. A batch that ends with a FREE (the end of a case) has its
     * tables read before the FREE, so the FREE rides in the same round trip.
     */
    public void submit(List<Op> batch) throws TargetFailure {
        submit(current, batch);
    }

    /** Sends a batch of case c (one of the parallel cases). */
    public void submit(CaseState c, List<Op> batch) throws TargetFailure {
        int n = batch.size();
        int base = c.history.size();
        c.history.addAll(batch);
        boolean endsWithFree = n > 1 && batch.get(n - 1) instanceof Op.Free;
        int tablesAfter = endsWithFree ? n - 1 : n > 0 && batch.get(n - 1) instanceof Op.Free ? -1 : n;
        Prediction[] predictions = null;
        Expectations expected = null;
        if (parallel > 1 ? !c.followsCfg() : depth() > 1) {
            long m0 = System.nanoTime();
            long k0 = c.scoreboard.contractNanos();
            predictions = new Prediction[n];
            int judgeFirst = endsWithFree ? n - 1 : n;
            for (int i = 0; i < judgeFirst; i++) {
                predictions[i] = c.scoreboard.predict(batch.get(i));
            }
            PgtableContract model = c.scoreboard.model();
            if (tablesAfter >= 0 && model != null) {
                expected = Expectations.copyOf(model);
            }
            if (endsWithFree) {
                predictions[n - 1] = c.scoreboard.predict(batch.get(n - 1));
            }
            c.predicted += n;
            timing.model(System.nanoTime() - m0);
            timing.contract(c.scoreboard.contractNanos() - k0);
        }
        if (endsWithFree || (n == 1 && batch.get(0) instanceof Op.Free)) {
            c.finished = true;
        }
        boolean reset;
        List<Op> sent = batch;
        int skip = 0;
        if (parallel == 1) {
            reset = c.resetPending;
        } else {
            // A case's first step: its handle may still hold the table of a case that ended early.
            reset = c.resetPending && resetNext;
            if (reset) {
                java.util.Arrays.fill(live, false);
                resetNext = false;
            }
            boolean cleanup = c.resetPending && live[c.handle];
            sent = new ArrayList<>(n + 1);
            if (cleanup) {
                sent.add(new Op.Free(c.handle));
                skip = 1;
            }
            for (Op op : batch) {
                sent.add(op.onHandle(c.handle));
                if (op instanceof Op.Alloc) {
                    live[c.handle] = true;
                } else if (op instanceof Op.Free) {
                    live[c.handle] = false;
                }
            }
        }
        Flight f = new Flight(c, batch, base, tablesAfter, reset, predictions, expected, sent, skip);
        c.resetPending = false;
        c.flying++;
        inFlight.addLast(f);
        send(f);
    }

    private void send(Flight f) throws TargetFailure {
        // Coverage news come with every step: a case that ends early needs no round trip for them.
        int at = f.tablesAfter();
        if (parallel > 1 && at < 0) {
            // Cases side by side share one mirror: every step brings what it changed.
            at = f.batch().size();
        }
        int[] expectStatus = null;
        long[] expectValue = null;
        if (f.predictions() != null) {
            // What each operation must answer for the case to go on: past the first other answer the
            // agent need not run the rest, which nobody would judge.
            int n = f.sent().size();
            expectStatus = new int[n];
            long[] values = new long[n];
            java.util.Arrays.fill(expectStatus, WireCodec.UNCHECKED);
            for (int i = 0; i < f.batch().size(); i++) {
                Prediction p = f.predictions()[i];
                Op op = f.batch().get(i);
                if (p == null || p.acceptable().size() != 1 || op instanceof Op.Alloc || op instanceof Op.Free) {
                    continue;
                }
                int at2 = i + f.skip();
                if (op instanceof Op.Map) {
                    expectStatus[at2] = p.status();
                    values[at2] = p.status() == 0 ? p.value() : 0;
                } else {
                    // unmap and iova_to_phys answer with their value only.
                    expectStatus[at2] = 0;
                    values[at2] = p.value();
                }
            }
            expectValue = values;
        }
        target.submit(f.reset(), f.sent(), at < 0 ? at : at + f.skip(), true, expectStatus, expectValue);
    }

    /**
     * The answer of a step without the results of the operations sent ahead of the case's own (the
     * FREE of what the handle's last case left), which nobody judges.
     */
    private static StepReply withoutFirst(StepReply r, int skip) {
        if (skip == 0) {
            return r;
        }
        BatchReply b = r.batch();
        List<AgentEvent> events = new ArrayList<>();
        for (AgentEvent e : b.events()) {
            if (e.opIndex() >= skip) {
                events.add(new AgentEvent(e.opIndex() - skip, e.kind(), e.text()));
            }
        }
        BatchReply mine = new BatchReply(b.results().subList(skip, b.results().size()), events, b.driverNanos());
        return new StepReply(r.leaks(), mine, r.delta(), r.coverage());
    }

    /**
     * Parallel cases: ends every case still running (the agent was reset by a shrink, which runs
     * cases of its own on it), so the next step resets it again. Nothing may be in flight. Returns
     * the cases it ended.
     */
    public List<CaseState> abandonAll() {
        if (!inFlight.isEmpty()) {
            throw new IllegalStateException("abandon with " + inFlight.size() + " batches in flight");
        }
        List<CaseState> ended = new ArrayList<>();
        for (CaseState c : active) {
            if (!c.over) {
                c.over = true;
                ended.add(c);
            }
        }
        active.clear();
        resetNext = true;
        java.util.Arrays.fill(live, false);
        return ended;
    }

    /** Kills in a row on one batch before the target counts as unusable (each kill is a full interval apart). */
    private static final int MAX_KILLS_PER_BATCH = 3;
    /** Operations per frame when rebuilding: well under what the agent takes in one batch. */
    private static final int REBUILD_BATCH = 256;

    /** Waits for the oldest batch in flight and judges it. */
    public Collected collect() throws TargetFailure {
        Flight f = inFlight.peekFirst();
        if (f == null) {
            throw new IllegalStateException("collect with nothing in flight");
        }
        CaseState c = f.c();
        StepReply stepped;
        long t0 = System.nanoTime();
        try {
            stepped = collectSurvivingKills();
        } catch (TargetFailure failure) {
            if (failure.kind() == TargetFailure.Kind.LINK) {
                throw failure;
            }
            // The agent crashed or hung in this batch: a finding if its case was still being judged.
            // Everything in flight died with it; later cases lost their state and end here too.
            inFlight.pollFirst();
            target.restart();
            List<Divergence> found = new ArrayList<>();
            if (!c.over) {
                Divergence d = failure(failure, f);
                found.add(d);
                lastJudged = d.opIndex() - f.base() + 1;
            } else {
                lastJudged = 0;
            }
            c.over = true;
            List<CaseState> cut = new ArrayList<>();
            for (Flight later : inFlight) {
                CaseState l = later.c();
                if (l != c && !cut.contains(l)) {
                    cut.add(l);
                }
                l.over = true;
                l.flying = 0;
            }
            inFlight.clear();
            if (parallel > 1) {
                // The new agent holds no table: every case running beside this one ends here too.
                for (CaseState l : active) {
                    if (l != c && !l.over && !cut.contains(l)) {
                        cut.add(l);
                    }
                    l.over = true;
                }
                active.clear();
                resetNext = true;
                java.util.Arrays.fill(live, false);
            }
            c.flying = 0;
            retire(c);
            cut.forEach(this::retire);
            return new Collected(c, found, lastJudged, true, cut);
        }
        inFlight.pollFirst();
        c.flying--;
        stepped = withoutFirst(stepped, f.skip());
        timing.batch(System.nanoTime() - t0, stepped.batch().driverNanos());
        List<Op> ran = ranOf(f.batch(), stepped.batch().results());
        timing.ran(ran.size());
        if (log != null) {
            if (f.base() == 0) {
                c.logged = log.caseStarted();
            }
            log.ran(c.logged, ran);
        }
        if (parallel > 1) {
            if (f.reset()) {
                // The agent forgot every block before this step: so does the mirror.
                shared.clear();
            }
            // One mirror for every case: each step's delta lands in it in order, judged or not.
            if (c.over) {
                applyDelta(c, stepped.delta());
            }
        }
        if (c.over) {
            // Sent before its case ended: run by the target, judged by nobody.
            lastJudged = 0;
            retire(c);
            return new Collected(c, List.of(), 0, false);
        }
        c.answers.addAll(stepped.batch().results());
        List<Divergence> found = judge(f, stepped);
        boolean ended = c.over || (c.finished && c.flying == 0);
        if (ended) {
            c.over = true;
            retire(c);
        }
        return new Collected(c, found, lastJudged, ended);
    }

    /** Sends the same batches again after the agent was killed on purpose, and takes the first answer. */
    private StepReply collectSurvivingKills() throws TargetFailure {
        for (int kills = 0; ; kills++) {
            try {
                return target.collect();
            } catch (TargetFailure f) {
                if (f.kind() != TargetFailure.Kind.INJECTED) {
                    throw f;
                }
                if (kills == MAX_KILLS_PER_BATCH) {
                    throw new TargetFailure(TargetFailure.Kind.LINK, -1, "the agent was killed " + (kills + 1)
                            + " times on one batch; the kill interval is shorter than a batch");
                }
                Flight oldest = inFlight.peekFirst();
                rebuild(oldest.c(), oldest.base());
                for (Flight again : inFlight) {
                    send(again);
                }
            }
        }
    }

    private List<Divergence> judge(Flight f, StepReply stepped) throws TargetFailure {
        CaseState c = f.c();
        List<Op> batch = f.batch();
        int n = batch.size();
        boolean endsWithFree = f.tablesAfter() == n - 1 && n > 1;
        BatchReply reply = stepped.batch();
        long m0 = System.nanoTime();
        List<Divergence> found = new ArrayList<>();
        lastJudged = n;
        int judgeFirst = endsWithFree ? n - 1 : n;
        if (check(f, reply, 0, judgeFirst, found)) {
            timing.model(System.nanoTime() - m0);
            if (parallel > 1) {
                applyDelta(c, stepped.delta());
            }
            return found;
        }
        long s0 = System.nanoTime();
        timing.model(s0 - m0);
        if (f.tablesAfter() >= 0 || parallel > 1) {
            applyDelta(c, stepped.delta());
        }
        long s1 = System.nanoTime();
        timing.mirror(s1 - s0);
        if (f.tablesAfter() >= 0) {
            Expectations expected = f.expected() != null ? f.expected()
                    : c.scoreboard.model() == null ? null : Expectations.of(c.scoreboard.model());
            if (expected != null) {
                long w0 = c.scoreboard.walkerNanos();
                try {
                    found.addAll(c.scoreboard.checkChanges(f.base() + judgeFirst - 1, c.mirror, expected, judgeFirst == 1));
                } catch (QemuJudge.WalkerFailure w) {
                    // QEMU could not be asked: the campaign stops as on a broken link.
                    throw new TargetFailure(TargetFailure.Kind.LINK, -1, w.getMessage());
                }
                timing.walks(c.scoreboard.walks());
                timing.walker(c.scoreboard.walkerNanos() - w0);
            }
        }
        if (endsWithFree) {
            // After a fatal divergence the case is over: its FREE ran, but is not judged.
            if (!found.isEmpty() && found.get(found.size() - 1).fatal()) {
                lastJudged = n - 1;
            } else {
                check(f, reply, n - 1, n, found);
            }
        }
        if (!found.isEmpty() && found.get(found.size() - 1).fatal()) {
            c.over = true;
        }
        timing.model(System.nanoTime() - s1);
        return found;
    }

    /** The operations of a batch the driver ran (a step that halted skipped some). */
    private static List<Op> ranOf(List<Op> batch, List<OpResult> results) {
        for (int i = 0; i < results.size(); i++) {
            if (!results.get(i).ran()) {
                List<Op> ran = new ArrayList<>(batch.size());
                for (int k = 0; k < batch.size(); k++) {
                    if (results.get(k).ran()) {
                        ran.add(batch.get(k));
                    }
                }
                return ran;
            }
        }
        return batch;
    }

    /** Depths 1, 2 and 5 for operations [from, to) of the batch; true when the case ended there. */
    private boolean check(Flight f, BatchReply reply, int from, int to, List<Divergence> found) {
        CaseState c = f.c();
        List<AgentEvent> events = reply.events();
        for (int i = from; i < to; i++) {
            Op op = f.batch().get(i);
            OpResult r = reply.results().get(i);
            if (!r.ran()) {
                // The agent stopped at an answer the contract accepts although it was not the one
                // expected (a shortened map): the case cannot go on, and has found nothing.
                speculationStops++;
                c.over = true;
                lastJudged = i;
                return true;
            }
            List<AgentEvent> mine = events.isEmpty() ? List.of() : eventsOf(events, i);
            Prediction p;
            if (f.predictions() == null) {
                long k0 = c.scoreboard.contractNanos();
                p = c.scoreboard.predict(op);
                timing.contract(c.scoreboard.contractNanos() - k0);
            } else {
                p = f.predictions()[i];
            }
            if (f.predictions() != null && Scoreboard.shortensTheContract(op, p, r) && f.base() + i + 1 < c.predicted) {
                // The driver mapped less than the chunk; the contract would follow, but it already ran ahead.
                speculationStops++;
                c.over = true;
                lastJudged = i;
                return true;
            }
            for (Divergence d : c.scoreboard.compare(f.base() + i, op, p, r, mine)) {
                found.add(d);
                if (d.fatal()) {
                    lastJudged = i + 1;
                    c.over = true;
                    return true;
                }
            }
        }
        return false;
    }

    private static List<AgentEvent> eventsOf(List<AgentEvent> events, int op) {
        List<AgentEvent> mine = new ArrayList<>();
        for (AgentEvent e : events) {
            if (e.opIndex() == op) {
                mine.add(e);
            }
        }
        return mine;
    }

    /** A case gone: its mirror goes back to the pool once nothing of it is in flight. */
    private void retire(CaseState c) {
        if (c.mirror != shared && c.flying == 0 && c != current && !spareMirrors.contains(c.mirror)) {
            spareMirrors.addLast(c.mirror);
        }
    }

    /** Every batch in flight is collected and thrown away, unjudged (the budget is spent). */
    public void discardInFlight() throws TargetFailure {
        while (!inFlight.isEmpty()) {
            Flight f = inFlight.peekFirst();
            f.c().over = true;
            collect();
        }
    }

    /**
     * Brings the mirror up to date. A delta too big for one reply says so; the rest comes with steps
     * of no operations (only when nothing else is in flight). A delta that does not fit the mirror
     * means the two sides disagree about the agent's memory: the link's failure, not a finding.
     */
    private void applyDelta(CaseState c, TableDelta delta) throws TargetFailure {
        try {
            c.mirror.apply(delta);
            while (delta.more()) {
                if (!inFlight.isEmpty()) {
                    throw new TargetFailure(TargetFailure.Kind.LINK, -1, "a batch changed more table memory than one reply holds"
                            + " while others were in flight; run with one batch in flight");
                }
                delta = target.step(false, List.of(), 0, false).delta();
                c.mirror.apply(delta);
            }
        } catch (IllegalStateException e) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, e.getMessage());
        }
    }

    /**
     * Brings the agent, which lost every table (restarted after an injected kill, or reset by a
     * shrink), back to where the current case stands before its next batch: runs the case's
     * history again. Nothing may be in flight.
     */
    public void rebuildCurrent() throws TargetFailure {
        if (current != null && !current.over && !current.history.isEmpty()) {
            rebuild(current, current.history.size());
        }
    }

    /**
     * Brings a freshly started agent to where case c stood before its operation upTo: runs the
     * case's history again, unjudged (it was judged the first time), and checks each answer against
     * the first one, so a driver that does not rebuild the same state stops the run instead of
     * producing findings no clean run would. The mirror starts over: the agent's next table delta
     * sends every live block.
     */
    private void rebuild(CaseState c, int upTo) throws TargetFailure {
        c.mirror.clear();
        if (c.over) {
            // Nothing of it is judged any more (and a halted step did not run all it was sent):
            // what is still in flight of it runs unjudged on the fresh agent.
            target.recovered();
            return;
        }
        if (c.answers.size() < upTo) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, "cannot rebuild the case after an injected kill: "
                    + "only " + c.answers.size() + " of its " + upTo + " operations were answered");
        }
        for (int from = 0; from < upTo; from += REBUILD_BATCH) {
            List<Op> chunk = c.history.subList(from, Math.min(upTo, from + REBUILD_BATCH));
            BatchReply r;
            try {
                if (from == 0) {
                    target.reset();
                }
                r = target.replay(chunk);
            } catch (TargetFailure f) {
                throw new TargetFailure(TargetFailure.Kind.LINK, -1, "cannot rebuild the case after an injected kill: " + f.getMessage());
            }
            for (int i = 0; i < chunk.size(); i++) {
                OpResult first = c.answers.get(from + i);
                OpResult again = r.results().get(i);
                if (!first.equals(again)) {
                    throw new TargetFailure(TargetFailure.Kind.LINK, -1, "after an injected kill the driver answered operation "
                            + (from + i) + " (" + Reproducer.format(chunk.get(i)) + ") with " + again + ", not " + first
                            + " as before; the case cannot be rebuilt");
                }
            }
        }
        target.recovered();
    }

    private Divergence failure(TargetFailure f, Flight flight) {
        List<Op> batch = flight.batch();
        int at = f.opIndex() >= 0 && f.opIndex() < batch.size() ? f.opIndex() : batch.size() - 1;
        String label;
        try {
            Prediction p = null;
            for (int i = 0; i <= at; i++) {
                p = flight.predictions() != null ? flight.predictions()[i] : flight.c().scoreboard.predict(batch.get(i));
            }
            label = p == null ? "batch" : p.label();
        } catch (RuntimeException e) {
            label = batch.get(at).kind();
        }
        boolean hang = f.kind() == TargetFailure.Kind.HANG;
        String where = f.opIndex() >= 0 ? label : "a batch ending in " + label;
        String title = (hang ? "hang" : "crash") + " in " + where;
        return new Divergence(title, 5, hang ? Category.HANG : Category.CRASH, flight.base() + at,
                f.getMessage() + "\noperation: " + Reproducer.format(batch.get(at)));
    }
}
