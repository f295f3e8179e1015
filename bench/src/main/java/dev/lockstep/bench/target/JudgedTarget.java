package dev.lockstep.bench.target;

import dev.lockstep.bench.m1n1.HardwareWalker;
import dev.lockstep.bench.wire.AgentInfo;
import dev.lockstep.bench.wire.BatchReply;
import dev.lockstep.bench.wire.MemoryDelta;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.StepReply;
import dev.lockstep.reports.TargetInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --judge qemu}: a target whose tables QEMU's hardware walker judges as well as the model's
 * walker. Everything goes to the target as before; the scoreboard finds the walker here and asks
 * it about every probe in the tables the monitor read back, loaded into QEMU's RAM at the driver's
 * own physical addresses.
 */
public final class JudgedTarget implements Target {
    private final Target target;
    private final HardwareWalker walker;

    public JudgedTarget(Target target, HardwareWalker walker) {
        this.target = target;
        this.walker = walker;
    }

    /** The target judged. */
    public Target target() {
        return target;
    }

    @Override
    public AgentInfo info() {
        return target.info();
    }

    @Override
    public TargetInfo describe() {
        TargetInfo t = target.describe();
        return new TargetInfo(t.kind(), t.driverVersion(), t.agentBuild() + "; judged by " + walker.describe(), t.port());
    }

    @Override
    public BatchReply execute(List<Op> ops) throws TargetFailure {
        return target.execute(ops);
    }

    @Override
    public BatchReply replay(List<Op> ops) throws TargetFailure {
        return target.replay(ops);
    }

    @Override
    public void recovered() {
        target.recovered();
    }

    @Override
    public MemoryDelta syncMemory() throws TargetFailure {
        return target.syncMemory();
    }

    @Override
    public long reset() throws TargetFailure {
        return target.reset();
    }

    @Override
    public void restart() throws TargetFailure {
        target.restart();
    }

    @Override
    public StepReply step(boolean reset, List<Op> ops, int deltaAfter, boolean coverage) throws TargetFailure {
        return target.step(reset, ops, deltaAfter, coverage);
    }

    @Override
    public void submit(boolean reset, List<Op> ops, int deltaAfter, boolean coverage) throws TargetFailure {
        target.submit(reset, ops, deltaAfter, coverage);
    }

    @Override
    public StepReply collect() throws TargetFailure {
        return target.collect();
    }

    @Override
    public void holdSteps() {
        target.holdSteps();
    }

    @Override
    public void releaseSteps() throws TargetFailure {
        target.releaseSteps();
    }

    @Override
    public void submit(boolean reset, List<Op> ops, int deltaAfter, boolean coverage, int[] expectStatus, long[] expectValue)
            throws TargetFailure {
        target.submit(reset, ops, deltaAfter, coverage, expectStatus, expectValue);
    }

    @Override
    public boolean killsAgent() {
        return target.killsAgent();
    }

    /** One case at a time: QEMU is asked about one case's tables, loaded for each batch. */
    @Override
    public int parallelCases() {
        return 1;
    }

    @Override
    public int maxInFlight() {
        return target.maxInFlight();
    }

    @Override
    public int inFlight() {
        return target.inFlight();
    }

    @Override
    public long agentPid() {
        return target.agentPid();
    }

    @Override
    public Optional<HardwareWalker> hardwareWalker() {
        return Optional.of(walker);
    }

    @Override
    public String replayFlags() {
        return target.replayFlags() + " --judge qemu";
    }

    @Override
    public Map<String, Long> health() {
        Map<String, Long> m = new LinkedHashMap<>(target.health());
        m.putAll(walker.health());
        return m;
    }

    @Override
    public void close() {
        try {
            target.close();
        } finally {
            walker.close();
        }
    }
}
