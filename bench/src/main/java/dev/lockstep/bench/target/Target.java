package dev.lockstep.bench.target;

import dev.lockstep.bench.wire.AgentInfo;
import dev.lockstep.bench.wire.BatchReply;
import dev.lockstep.bench.wire.MemoryDelta;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.reports.TargetInfo;
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

    /** Link and process health counters for summary.json. */
    Map<String, Long> health();

    @Override
    void close();
}
