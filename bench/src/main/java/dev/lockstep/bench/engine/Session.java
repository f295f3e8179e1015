package dev.lockstep.bench.engine;

import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.wire.AgentEvent;
import dev.lockstep.bench.wire.BatchReply;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.OpResult;
import dev.lockstep.bench.wire.StepReply;
import dev.lockstep.bench.wire.TableDelta;
import dev.lockstep.models.iopgtable.PgtableContract;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.reports.Category;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One case from alloc on: sends batches to the target (driver role), gathers results, events and
 * table memory (monitor role), and has the scoreboard judge them. Each batch is one STEP: the
 * operations, then the words of table memory they changed, in one round trip; the case's first
 * step also resets the target, and its last brings the driver coverage news. A fatal divergence ends the case,
 * because after it model and driver no longer start from the same state; a survivable one (right
 * translation, wrong attributes; a WARN) is reported and the case goes on.
 *
 * <p>When the target says it killed its agent on purpose (--link-faults kill=N), the session
 * rebuilds the driver's state in the new agent by running the case's history again, checks that
 * every answer is the one judged the first time, and retries the interrupted batch: the case goes on
 * exactly as it would have on a target that never died, so a kill is never a finding.
 */
public final class Session {
    private final Target target;
    private final PgtableConfig config;
    private final ModelOptions options;
    private final Coverage coverage;
    private final TableMirror mirror;
    /** The next step starts with a RESET: the first of a case. */
    private boolean resetFirst;
    private final List<Op> history = new ArrayList<>();
    /** The target's answers to history, op by op: a rebuild after a kill must get the same ones. */
    private final List<OpResult> answers = new ArrayList<>();
    private Scoreboard scoreboard;

    private final Timing timing;
    /** Where the operations the target ran are kept for the driver-alone run, or null. */
    private StimulusLog log;
    /** Operations the last step judged: its whole batch, or up to the one a fatal divergence ended it at. */
    private int judged;

    public Session(Target target, PgtableConfig config, ModelOptions options, Coverage coverage) {
        this(target, config, options, coverage, new Timing());
    }

    public Session(Target target, PgtableConfig config, ModelOptions options, Coverage coverage, Timing timing) {
        this.timing = timing;
        this.target = target;
        this.config = config;
        this.options = options;
        this.coverage = coverage;
        this.mirror = new TableMirror(target.info().arenaBase(), target.info().arenaSize(), target.info().pageSize());
    }

    /** Keeps every operation the target runs from here on (case by case) in log. */
    public Session logging(StimulusLog log) {
        this.log = log;
        return this;
    }

    /** Starts a fresh case: the next step resets the target first, so it starts with no tables. */
    public void begin() {
        resetFirst = true;
        mirror.clear();
        history.clear();
        answers.clear();
        scoreboard = new Scoreboard(config, options, coverage);
    }

    public List<Op> history() {
        return history;
    }

    /** The model as it stands after the operations judged so far, or null before the first alloc. */
    public PgtableContract model() {
        return scoreboard.model();
    }

    /**
     * Runs one batch and judges it: every divergence found, the last one fatal if any is. A crash
     * or hang of the agent is returned as a divergence after the agent has been restarted; only a
     * broken link or a target that will not restart throws.
     *
     * <p>A batch that ends with a FREE (the end of a case) has its tables read before the FREE and
     * judged before it, so the FREE rides in the same round trip as the batch it ends.
     */
    public List<Divergence> step(List<Op> batch) throws TargetFailure {
        int base = history.size();
        history.addAll(batch);
        int n = batch.size();
        boolean endsWithFree = n > 1 && batch.get(n - 1) instanceof Op.Free;
        int tablesAfter = endsWithFree ? n - 1 : batch.get(n - 1) instanceof Op.Free ? -1 : n;
        StepReply stepped;
        long t0 = System.nanoTime();
        try {
            boolean reset = resetFirst;
            stepped = stepSurvivingKills(batch, base, tablesAfter);
            resetFirst = false;
            if (log != null) {
                if (reset) {
                    log.caseStarted();
                }
                log.ran(batch);
            }
            timing.batch(System.nanoTime() - t0, stepped.batch().driverNanos());
            answers.addAll(stepped.batch().results());
        } catch (TargetFailure f) {
            if (f.kind() == TargetFailure.Kind.LINK) {
                throw f;
            }
            Divergence d = failure(f, batch, base);
            target.restart();
            resetFirst = false;
            judged = d.opIndex() - base + 1;
            return List.of(d);
        }
        BatchReply reply = stepped.batch();
        judged = n;
        long m0 = System.nanoTime();
        List<Divergence> found = new ArrayList<>();
        int judgeFirst = endsWithFree ? n - 1 : n;
        if (check(batch, reply, base, 0, judgeFirst, found)) {
            timing.model(System.nanoTime() - m0);
            return found;
        }
        long s0 = System.nanoTime();
        timing.model(s0 - m0);
        if (tablesAfter >= 0) {
            applyDelta(stepped.delta());
        }
        long s1 = System.nanoTime();
        timing.mirror(s1 - s0);
        if (tablesAfter >= 0) {
            found.addAll(scoreboard.checkChanges(base + judgeFirst - 1, mirror, judgeFirst == 1));
            timing.walks(scoreboard.walks());
        }
        if (endsWithFree) {
            // After a fatal divergence the case is over: its FREE ran, but is not judged.
            if (!found.isEmpty() && found.get(found.size() - 1).fatal()) {
                judged = n - 1;
            } else {
                check(batch, reply, base, n - 1, n, found);
            }
        }
        timing.model(System.nanoTime() - s1);
        return found;
    }

    /** Depths 1, 2 and 5 for operations [from, to) of the batch; true when a fatal divergence ended it. */
    private boolean check(List<Op> batch, BatchReply reply, int base, int from, int to, List<Divergence> found) {
        List<AgentEvent> events = reply.events();
        for (int i = from; i < to; i++) {
            List<AgentEvent> mine = events.isEmpty() ? List.of() : eventsOf(events, i);
            for (Divergence d : scoreboard.check(base + i, batch.get(i), reply.results().get(i), mine)) {
                found.add(d);
                if (d.fatal()) {
                    judged = i + 1;
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * How many operations of the last step were judged: all of them, or those up to the one at which
     * a fatal divergence ended the case (the target ran the rest, but nobody judged them).
     */
    public int lastJudged() {
        return judged;
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

    /** An empty contract of this case's format: what the generator sees before the alloc is judged. */
    public PgtableContract emptyModel() {
        return scoreboard.emptyModel();
    }

    /** Kills in a row on one batch before the target counts as unusable (each kill is a full interval apart). */
    private static final int MAX_KILLS_PER_BATCH = 3;
    /** Operations per frame when rebuilding: well under what the agent takes in one batch. */
    private static final int REBUILD_BATCH = 256;

    private StepReply stepSurvivingKills(List<Op> batch, int base, int tablesAfter) throws TargetFailure {
        for (int kills = 0; ; kills++) {
            try {
                // Coverage news come with every step: a case that ends early needs no round trip for them.
                return target.step(resetFirst, batch, tablesAfter, true);
            } catch (TargetFailure f) {
                if (f.kind() != TargetFailure.Kind.INJECTED) {
                    throw f;
                }
                if (kills == MAX_KILLS_PER_BATCH) {
                    throw new TargetFailure(TargetFailure.Kind.LINK, -1, "the agent was killed " + (kills + 1)
                            + " times on one batch; the kill interval is shorter than a batch");
                }
                rebuild(base);
            }
        }
    }

    /**
     * Brings the mirror up to date. A delta too big for one reply says so; the rest comes with steps
     * of no operations. A delta that does not fit the mirror means the two sides disagree about the
     * agent's memory: the link's failure, not a finding.
     */
    private void applyDelta(TableDelta delta) throws TargetFailure {
        try {
            mirror.apply(delta);
            while (delta.more()) {
                delta = target.step(false, List.of(), 0, false).delta();
                mirror.apply(delta);
            }
        } catch (IllegalStateException e) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, e.getMessage());
        }
    }

    /**
     * Brings a freshly started agent to where the case stood before operation upTo: runs the case's
     * history again, unjudged (it was judged the first time), and checks each answer against the
     * first one, so a driver that does not rebuild the same state stops the run instead of
     * producing findings no clean run would. The mirror starts over: the new agent's first table
     * delta sends every live block.
     */
    private void rebuild(int upTo) throws TargetFailure {
        mirror.clear();
        if (answers.size() < upTo) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, "cannot rebuild the case after an injected kill: "
                    + "only " + answers.size() + " of its " + upTo + " operations were answered");
        }
        for (int from = 0; from < upTo; from += REBUILD_BATCH) {
            List<Op> chunk = history.subList(from, Math.min(upTo, from + REBUILD_BATCH));
            BatchReply r;
            try {
                r = target.replay(chunk);
            } catch (TargetFailure f) {
                throw new TargetFailure(TargetFailure.Kind.LINK, -1, "cannot rebuild the case after an injected kill: " + f.getMessage());
            }
            for (int i = 0; i < chunk.size(); i++) {
                OpResult first = answers.get(from + i);
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

    private Divergence failure(TargetFailure f, List<Op> batch, int base) {
        int at = f.opIndex() >= 0 && f.opIndex() < batch.size() ? f.opIndex() : batch.size() - 1;
        String label;
        try {
            Prediction p = null;
            for (int i = 0; i <= at; i++) {
                p = scoreboard.predict(batch.get(i));
            }
            label = p == null ? "batch" : p.label();
        } catch (RuntimeException e) {
            label = batch.get(at).kind();
        }
        boolean hang = f.kind() == TargetFailure.Kind.HANG;
        String where = f.opIndex() >= 0 ? label : "a batch ending in " + label;
        String title = (hang ? "hang" : "crash") + " in " + where;
        return new Divergence(title, 5, hang ? Category.HANG : Category.CRASH, base + at,
                f.getMessage() + "\noperation: " + Reproducer.format(batch.get(at)));
    }
}
