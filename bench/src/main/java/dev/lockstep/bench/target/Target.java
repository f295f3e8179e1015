package dev.lockstep.bench.target;

import dev.lockstep.bench.wire.AgentEvent;
import dev.lockstep.bench.wire.AgentInfo;
import dev.lockstep.bench.wire.BatchReply;
import dev.lockstep.bench.wire.MemoryDelta;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.OpResult;
import dev.lockstep.bench.wire.StepReply;
import dev.lockstep.bench.wire.TableDelta;
import dev.lockstep.reports.TargetInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A driver under test behind a link: the DUT of the testbench. */
public interface Target extends AutoCloseable {

    AgentInfo info();

    TargetInfo describe();

    BatchReply execute(List<Op> ops) throws TargetFailure;

    MemoryDelta syncMemory() throws TargetFailure;

    /** Frees every page table and forgets every handle; returns blocks still allocated (leaks). */
    long reset() throws TargetFailure;

    /**
     * One step of a case: a RESET first if asked, the operations, what changed in the table memory
     * once the first {@code deltaAfter} of them ran (none when negative), and which driver sites
     * were reached for the first time, if asked. An agent that speaks STEP does it in one round trip;
     * this default does it in several, for targets that cannot, and reports no coverage.
     */
    default StepReply step(boolean reset, List<Op> ops, int deltaAfter, boolean coverage) throws TargetFailure {
        long leaks = reset ? reset() : -1;
        if (deltaAfter < 0) {
            return new StepReply(leaks, execute(ops), TableDelta.empty(), null);
        }
        int at = Math.min(deltaAfter, ops.size());
        BatchReply first = execute(ops.subList(0, at));
        TableDelta delta = TableDelta.of(syncMemory());
        if (at == ops.size()) {
            return new StepReply(leaks, first, delta, null);
        }
        BatchReply rest = execute(ops.subList(at, ops.size()));
        List<OpResult> results = new ArrayList<>(first.results());
        results.addAll(rest.results());
        List<AgentEvent> events = new ArrayList<>(first.events());
        for (AgentEvent e : rest.events()) {
            events.add(new AgentEvent(e.opIndex() + at, e.kind(), e.text()));
        }
        long nanos = first.driverNanos() < 0 || rest.driverNanos() < 0 ? -1 : first.driverNanos() + rest.driverNanos();
        return new StepReply(leaks, new BatchReply(results, events, nanos), delta, null);
    }

    /** Starts the agent afresh after a crash or hang. */
    void restart() throws TargetFailure;

    /**
     * Runs operations already judged, to rebuild the driver's state in a restarted agent after an
     * injected kill. Never injects a kill itself: a replay longer than the kill interval would
     * otherwise never finish.
     */
    default BatchReply replay(List<Op> ops) throws TargetFailure {
        return execute(ops);
    }

    /** Cases this target can run side by side, each on its own handle (1: one at a time). */
    default int parallelCases() {
        return 1;
    }

    /** Whether this target kills its agent on purpose now and then (--link-faults kill=N). */
    default boolean killsAgent() {
        return false;
    }

    /** Counts a case rebuilt after an injected kill, for health. */
    default void recovered() {
    }

    /**
     * A CPU's own table walker that judges this target's tables beside the model's walker (QEMU,
     * for --target qemu and --judge qemu), if the target has one.
     */
    default java.util.Optional<dev.lockstep.bench.m1n1.HardwareWalker> hardwareWalker() {
        return java.util.Optional.empty();
    }

    /** What `lockstep replay` needs besides the file to reach this kind of target again, e.g. " --judge qemu". */
    default String replayFlags() {
        return "";
    }

    /**
     * Sends a step without waiting for its answer: several may be in flight ({@link #maxInFlight}),
     * answered in order by {@link #collect}. A failure of any kind surfaces at the collect of the
     * step it struck, and takes every step still in flight with it. This default runs the step at
     * once and keeps its answer.
     */
    default void submit(boolean reset, List<Op> ops, int deltaAfter, boolean coverage) throws TargetFailure {
        Pipeline.of(this).submit(reset, ops, deltaAfter, coverage);
    }

    /**
     * As above, with what the bench expects each operation to return (status {@code
     * WireCodec.UNCHECKED}: anything): a target that can stops running the step's operations, FREEs
     * apart, past the first answer that is not the expected one, and answers the rest NOT_RUN. The
     * bench sends expectations only for answers any other one of which ends the case. This default
     * runs everything.
     */
    default void submit(boolean reset, List<Op> ops, int deltaAfter, boolean coverage, int[] expectStatus, long[] expectValue)
            throws TargetFailure {
        submit(reset, ops, deltaAfter, coverage);
    }

    /** The answer to the oldest step in flight. */
    default StepReply collect() throws TargetFailure {
        return Pipeline.of(this).collect();
    }

    /** Steps submitted from now on may wait to be sent together, at {@link #releaseSteps}. */
    default void holdSteps() {
    }

    /** Sends the steps held back. */
    default void releaseSteps() throws TargetFailure {
    }

    /** Steps this target takes in flight at once. */
    default int maxInFlight() {
        return 1;
    }

    /** Steps submitted and not yet collected. */
    default int inFlight() {
        return Pipeline.of(this).size();
    }

    /** The agent's process id on this machine, for its memory figures; -1 when it runs elsewhere. */
    default long agentPid() {
        return -1;
    }

    /** Link and process health counters for summary.json. */
    Map<String, Long> health();

    @Override
    void close();
}
