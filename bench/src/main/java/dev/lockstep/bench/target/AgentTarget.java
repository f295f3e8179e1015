package dev.lockstep.bench.target;

import dev.lockstep.bench.link.AgentCrashedException;
import dev.lockstep.bench.link.ByteLink;
import dev.lockstep.bench.link.FaultyLink;
import dev.lockstep.bench.link.Frame;
import dev.lockstep.bench.link.FrameCodec;
import dev.lockstep.bench.link.LinkException;
import dev.lockstep.bench.link.LinkFaults;
import dev.lockstep.bench.link.ProtocolClient;
import dev.lockstep.bench.link.ReplyTimeoutException;
import dev.lockstep.bench.wire.AgentInfo;
import dev.lockstep.bench.wire.BareReply;
import dev.lockstep.bench.wire.BatchReply;
import dev.lockstep.bench.wire.CoverageReply;
import dev.lockstep.bench.wire.MemoryDelta;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.StepReply;
import dev.lockstep.bench.wire.TableDelta;
import dev.lockstep.bench.wire.WireCodec;
import dev.lockstep.bench.wire.WireFormatException;
import dev.lockstep.reports.TargetInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A target reached through the Lockstep wire protocol: the host agent on a pseudo-terminal, or an
 * agent on a board's serial port. How the agent is started and stopped is the {@link AgentProcess}'s
 * business; this class speaks the protocol and turns what goes wrong into target failures.
 */
public final class AgentTarget implements Target {
    private final AgentProcess process;
    private final String kind;
    private final long watchdogMillis;
    private final LinkFaults faults;
    private ProtocolClient client;
    private AgentInfo info;
    private long restarts;
    private final Map<String, Long> retiredLinkStats = new LinkedHashMap<>();
    /** Operations answered so far, and the count at which the next injected kill falls due. */
    private long opsDone;
    private long nextKill;
    /** A kill was injected and the agent is not restarted yet: the next failure is ours, not the driver's. */
    private boolean killPending;
    private long kills;
    private long recoveries;
    private long replayedOps;
    /**
     * Driver coverage news that came with STEP replies and nobody has asked for yet, and whether
     * the driver ran since the last news (then a COVERAGE request is still needed).
     */
    private CoverageReply pendingCoverage;
    private CoverageReply lastCoverage;
    private boolean ranSinceCoverage = true;
    /** STEPs sent and not yet collected, oldest first, and a send that failed on the way. */
    private final java.util.ArrayDeque<Submitted> submitted = new java.util.ArrayDeque<>();
    private LinkException brokenSend;
    /** STEPs in flight at most: well inside the agent's window of kept replies (16). */
    private static final int MAX_IN_FLIGHT = 8;

    private record Submitted(int seq, int flags, int ops, boolean coverage, boolean ran) {}

    /** BARE may run a million operations several times over: it gets this long, whatever the watchdog. */
    private static final long BARE_TIMEOUT_MILLIS = 300_000;

    public AgentTarget(String kind, AgentProcess process, long watchdogMillis) throws TargetSetupException {
        this(kind, process, watchdogMillis, LinkFaults.none());
    }

    /** A target whose link injects faults (--link-faults): they must cost time, never a finding. */
    public AgentTarget(String kind, AgentProcess process, long watchdogMillis, LinkFaults faults) throws TargetSetupException {
        this.kind = kind;
        this.process = process;
        this.watchdogMillis = watchdogMillis;
        this.faults = faults;
        this.nextKill = faults.killEvery();
        connect();
    }

    private void connect() throws TargetSetupException {
        ByteLink link = process.start();
        if (faults.any()) {
            // Each restart continues with its own reproducible fault stream, not a repeat of the first.
            link = new FaultyLink(link, faults.withSeed(faults.seed() + restarts + 1_000_003L * kills));
        }
        client = new ProtocolClient(link);
        eventTexts.clear();
        try {
            Frame r = client.request(Frame.HELLO, WireCodec.hello(FrameCodec.VERSION), Frame.HELLO_REPLY,
                    Math.max(watchdogMillis, 5000));
            info = WireCodec.helloReply(r.payload());
        } catch (ReplyTimeoutException e) {
            process.stop();
            throw new TargetSetupException(link.describe() + " does not answer the Lockstep handshake; is a Lockstep agent on it?");
        } catch (LinkException | WireFormatException e) {
            // An agent that dies at once (a broken build, a missing library) says more by its exit than by the line;
            // its closed line can be seen before its exit is.
            boolean died = !process.alive() || process.awaitExit(DYING_AGENT_MILLIS);
            String exit = process.exitDescription();
            process.stop();
            throw new TargetSetupException(died ? "the agent exited during the handshake (" + exit + ")"
                    : link.describe() + ": " + e.getMessage());
        } catch (AgentCrashedException e) {
            process.stop();
            throw new TargetSetupException("the agent crashed during the handshake: " + e.getMessage());
        }
        if (info.protocolVersion() != FrameCodec.VERSION) {
            process.stop();
            throw new TargetSetupException("the agent on " + link.describe() + " speaks protocol " + info.protocolVersion()
                    + ", this bench " + FrameCodec.VERSION + "; rebuild the agent from this checkout");
        }
    }

    @Override
    public AgentInfo info() {
        return info;
    }

    @Override
    public TargetInfo describe() {
        return new TargetInfo(kind, info.driverVersion(), info.agentBuild(), client.link().describe());
    }

    @Override
    public BatchReply execute(List<Op> ops) throws TargetFailure {
        armKill(ops);
        BatchReply r = batch(ops);
        opsDone += ops.size();
        ranSinceCoverage = true;
        return r;
    }

    /**
     * Kills the agent during this frame if the next injected kill falls due in it. Due from the op
     * count, not from time, so the same campaign is killed at the same batches. The retry of the
     * batch cannot be killed again: the next kill is a full interval later.
     */
    private void armKill(List<Op> ops) {
        if (nextKill > 0 && !ops.isEmpty() && opsDone + ops.size() >= nextKill && client.link() instanceof FaultyLink f) {
            nextKill = opsDone + ops.size() + faults.killEvery();
            f.killAfterNextWrite(() -> {
                killPending = process.kill();
                kills += killPending ? 1 : 0;
                return killPending;
            });
        }
    }

    /** The agent's 16 handles; one at a time without STEP, whose steps carry each case's own delta. */
    @Override
    public int parallelCases() {
        return hasStep() ? 16 : 1;
    }

    @Override
    public boolean killsAgent() {
        return faults.killEvery() > 0;
    }

    /** Whether the agent answers STEP and BARE (capability bit 4). */
    public boolean hasStep() {
        return (info.capabilities() & (1 << 4)) != 0;
    }

    /** Whether the agent can send words that step evenly as one STRIDE record (capability bit 5). */
    private boolean hasStrides() {
        return (info.capabilities() & (1 << 5)) != 0;
    }

    /** Whether the agent sends results and event texts in their short form (capability bit 7, STEP's COMPACT). */
    private boolean hasCompact() {
        return (info.capabilities() & (1 << 7)) != 0;
    }

    /** Event texts the agent sent this session, by number (COMPACT): a new session starts over. */
    private final List<String> eventTexts = new java.util.ArrayList<>();

    /** Whether the agent stops a step at the first unexpected answer (capability bit 6, STEP's EXPECT). */
    private boolean hasExpectations() {
        return (info.capabilities() & (1 << 6)) != 0;
    }

    @Override
    public StepReply step(boolean reset, List<Op> ops, int deltaAfter, boolean coverage) throws TargetFailure {
        if (!hasStep()) {
            return Target.super.step(reset, ops, deltaAfter, coverage);
        }
        if (!submitted.isEmpty()) {
            throw new IllegalStateException("a step while " + submitted.size() + " are in flight: collect them first");
        }
        submit(reset, ops, deltaAfter, coverage);
        return collect();
    }

    @Override
    public int maxInFlight() {
        return hasStep() ? MAX_IN_FLIGHT : 1;
    }

    @Override
    public int inFlight() {
        return hasStep() ? submitted.size() : Target.super.inFlight();
    }

    @Override
    public void holdSteps() {
        if (hasStep()) {
            client.hold();
        }
    }

    @Override
    public void releaseSteps() {
        if (!hasStep()) {
            return;
        }
        try {
            client.release();
        } catch (LinkException e) {
            // Surfaces at the next collect, as every failure of a step in flight does.
            brokenSend = e;
        }
    }

    /** Sends a STEP and returns at once; its answer comes from {@link #collect}, in order. */
    @Override
    public void submit(boolean reset, List<Op> ops, int deltaAfter, boolean coverage) throws TargetFailure {
        submit(reset, ops, deltaAfter, coverage, null, null);
    }

    @Override
    public void submit(boolean reset, List<Op> ops, int deltaAfter, boolean coverage, int[] expectStatus, long[] expectValue)
            throws TargetFailure {
        if (!hasStep()) {
            Target.super.submit(reset, ops, deltaAfter, coverage);
            return;
        }
        if (submitted.size() == MAX_IN_FLIGHT) {
            throw new IllegalStateException("more than " + MAX_IN_FLIGHT + " steps in flight");
        }
        int flags = (reset ? WireCodec.STEP_RESET : 0) | (deltaAfter >= 0 ? WireCodec.STEP_DELTA : 0)
                | (deltaAfter >= 0 && deltaAfter < ops.size() ? WireCodec.STEP_DELTA_AT : 0) | (coverage ? WireCodec.STEP_COVERAGE : 0)
                | (deltaAfter >= 0 && hasStrides() ? WireCodec.STEP_STRIDES : 0)
                | (expectStatus != null && hasExpectations() ? WireCodec.STEP_EXPECT : 0)
                | (hasCompact() ? WireCodec.STEP_COMPACT : 0);
        armKill(ops);
        int seq = -1;
        if (brokenSend == null) {
            try {
                seq = client.send(Frame.STEP, WireCodec.step(flags, deltaAfter, ops, expectStatus, expectValue), Frame.STEP_REPLY);
            } catch (LinkException e) {
                // Surfaces at the collect, as every failure of a step in flight does.
                brokenSend = e;
            }
        }
        opsDone += ops.size();
        submitted.addLast(new Submitted(seq, flags, ops.size(), coverage, reset || !ops.isEmpty()));
    }

    /** The answer to the oldest STEP in flight. A failure takes every step still in flight with it. */
    @Override
    public StepReply collect() throws TargetFailure {
        if (!hasStep()) {
            return Target.super.collect();
        }
        Submitted s = submitted.pollFirst();
        if (s == null) {
            throw new IllegalStateException("collect with no step in flight");
        }
        Frame f;
        try {
            if (brokenSend != null) {
                throw brokenSend;
            }
            f = client.receive(s.seq(), watchdogMillis);
        } catch (AgentCrashedException | ReplyTimeoutException | LinkException e) {
            submitted.clear();
            brokenSend = null;
            if (killPending) {
                throw injected();
            }
            throw failure(e);
        }
        StepReply r;
        try {
            r = WireCodec.stepReply(f.payload(), s.flags(), s.ops(), info.arenaBase(), info.arenaSize(), eventTexts);
        } catch (WireFormatException e) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, e.getMessage());
        }
        if (s.coverage()) {
            pendingCoverage = merge(pendingCoverage, r.coverage());
            ranSinceCoverage = false;
        } else if (s.ran()) {
            ranSinceCoverage = true;
        }
        return r;
    }

    /**
     * BARE: the driver alone over these cases (docs/protocol.md, "BARE"), timed passes back to back
     * in the agent. Leaves the agent as a RESET does.
     */
    public BareReply bare(int repeats, boolean latency, List<List<Op>> cases) throws TargetFailure {
        if (!hasStep()) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, "the agent on " + client.link().describe()
                    + " cannot run the driver alone (no BARE); rebuild it from this checkout");
        }
        byte[] reply;
        try {
            reply = client.request(Frame.BARE, WireCodec.bare(repeats, latency, cases), Frame.BARE_REPLY,
                    Math.max(watchdogMillis, BARE_TIMEOUT_MILLIS)).payload();
        } catch (AgentCrashedException | ReplyTimeoutException | LinkException e) {
            throw failure(e);
        }
        ranSinceCoverage = true;
        try {
            return WireCodec.bareReply(reply);
        } catch (WireFormatException e) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, e.getMessage());
        }
    }

    @Override
    public BatchReply replay(List<Op> ops) throws TargetFailure {
        BatchReply r = batch(ops);
        replayedOps += ops.size();
        ranSinceCoverage = true;
        return r;
    }

    @Override
    public void recovered() {
        recoveries++;
    }

    private BatchReply batch(List<Op> ops) throws TargetFailure {
        byte[] reply = call(Frame.BATCH, WireCodec.batch(ops), Frame.BATCH_REPLY);
        try {
            return WireCodec.batchReply(reply, ops.size());
        } catch (WireFormatException e) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, e.getMessage());
        }
    }

    @Override
    public MemoryDelta syncMemory() throws TargetFailure {
        byte[] reply = call(Frame.MEM_SYNC, new byte[0], Frame.MEM_SYNC_REPLY);
        try {
            return WireCodec.memSyncReply(reply);
        } catch (WireFormatException e) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, e.getMessage());
        }
    }

    @Override
    public long reset() throws TargetFailure {
        ranSinceCoverage = true;
        byte[] reply = call(Frame.RESET, new byte[0], Frame.RESET_REPLY);
        try {
            return WireCodec.resetReply(reply);
        } catch (WireFormatException e) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, e.getMessage());
        }
    }

    /**
     * Sends one request of a frame type this class has no method for (RTKit, later protocols) and
     * returns the reply's payload, with the same retries and failure handling as the others.
     */
    public byte[] request(int type, byte[] payload, int replyType) throws TargetFailure {
        return call(type, payload, replyType);
    }

    private byte[] call(int type, byte[] payload, int replyType) throws TargetFailure {
        try {
            return client.request(type, payload, replyType, watchdogMillis).payload();
        } catch (AgentCrashedException | ReplyTimeoutException | LinkException e) {
            if (killPending) {
                throw injected();
            }
            throw failure(e);
        }
    }

    /** Restarts the agent the bench killed itself, and says so: not a crash, not a finding. */
    private TargetFailure injected() throws TargetFailure {
        killPending = false;
        submitted.clear();
        brokenSend = null;
        retire();
        process.stop();
        try {
            connect();
        } catch (TargetSetupException e) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, "cannot restart the agent after an injected kill: " + e.getMessage());
        }
        return new TargetFailure(TargetFailure.Kind.INJECTED, -1, "the agent was killed on purpose (kill=" + faults.killEvery()
                + ") and restarted; its driver state is gone");
    }

    /** A crash or a hang is the driver's (a finding); a broken line with a live agent is the link's. */
    private static final long DYING_AGENT_MILLIS = 1000;

    private TargetFailure failure(Exception ex) {
        if (ex instanceof AgentCrashedException e) {
            return new TargetFailure(TargetFailure.Kind.CRASH, e.opIndex(), "agent crashed: " + e.getMessage());
        }
        // A pty reads EIO once the agent's side closes, which can come before its CRASH frame is
        // read and before the exit is seen: give a dying agent a moment before blaming the line.
        if (!process.alive() || (ex instanceof LinkException && process.awaitExit(DYING_AGENT_MILLIS))) {
            return new TargetFailure(TargetFailure.Kind.CRASH, -1, "agent died: " + process.exitDescription());
        }
        if (ex instanceof ReplyTimeoutException) {
            return new TargetFailure(TargetFailure.Kind.HANG, -1, "agent hung: " + ex.getMessage());
        }
        return new TargetFailure(TargetFailure.Kind.LINK, -1, ex.getMessage());
    }

    @Override
    public void restart() throws TargetFailure {
        submitted.clear();
        brokenSend = null;
        retire();
        process.stop();
        restarts++;
        try {
            connect();
        } catch (TargetSetupException e) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, "cannot restart the agent: " + e.getMessage());
        }
    }

    private void retire() {
        linkHealth().forEach((k, v) -> retiredLinkStats.merge(k, v, Long::sum));
    }

    /** The client's counters, and what the link injected when it is a faulty one. */
    private Map<String, Long> linkHealth() {
        Map<String, Long> m = client.stats().asMap(client.codec());
        if (client.link() instanceof FaultyLink f) {
            m.putAll(f.counters());
        }
        return m;
    }

    @Override
    public Map<String, Long> health() {
        Map<String, Long> m = new LinkedHashMap<>(retiredLinkStats);
        linkHealth().forEach((k, v) -> m.merge(k, v, Long::sum));
        m.put("agent_restarts", restarts);
        if (faults.killEvery() > 0) {
            m.put("injected_kill", kills);
            m.put("kill_recoveries", recoveries);
            m.put("replayed_operations", replayedOps);
        }
        return m;
    }

    @Override
    public long agentPid() {
        return process.pid();
    }

    /** Whether the agent reports driver edge coverage (capability bit 2). */
    public boolean hasCoverage() {
        return (info.capabilities() & (1 << 2)) != 0;
    }

    /**
     * The driver sites first reached since the last call (docs/protocol.md, "Coverage"): the news
     * that came with STEP replies since, and a COVERAGE request only when the driver has run after
     * the last of them.
     */
    public CoverageReply coverage() throws TargetFailure {
        CoverageReply news = pendingCoverage;
        pendingCoverage = null;
        if (!submitted.isEmpty() || (!ranSinceCoverage && news == null && lastCoverage != null)) {
            // Steps in flight bring their own news later; or nothing ran since the last news.
            if (news != null) {
                lastCoverage = news;
                return news;
            }
            CoverageReply last = lastCoverage != null ? lastCoverage : new CoverageReply(0, 0, "", new long[0]);
            return new CoverageReply(last.total(), last.hit(), last.image(), new long[0]);
        }
        if (ranSinceCoverage || news == null) {
            byte[] reply = call(Frame.COVERAGE, new byte[0], Frame.COVERAGE_REPLY);
            try {
                news = merge(news, WireCodec.coverageReply(reply));
            } catch (WireFormatException e) {
                throw new TargetFailure(TargetFailure.Kind.LINK, -1, e.getMessage());
            }
            ranSinceCoverage = false;
        }
        lastCoverage = news;
        return news;
    }

    /** Two replies' news as one: the sites of both in order, the later totals. Each site comes once per agent, so this stays small. */
    private static CoverageReply merge(CoverageReply a, CoverageReply b) {
        if (a == null) {
            return b;
        }
        long[] fresh = java.util.Arrays.copyOf(a.fresh(), a.fresh().length + b.fresh().length);
        System.arraycopy(b.fresh(), 0, fresh, a.fresh().length, b.fresh().length);
        return new CoverageReply(b.total(), b.hit(), b.image().isEmpty() ? a.image() : b.image(), fresh);
    }

    /** Bytes seen on the line outside frames (a board's console), for the run's log. */
    public String lineNoise() {
        return client.codec().noiseSample();
    }

    @Override
    public void close() {
        process.stop();
    }
}
