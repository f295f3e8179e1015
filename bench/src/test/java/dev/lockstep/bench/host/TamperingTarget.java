package dev.lockstep.bench.host;

import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.wire.AgentEvent;
import dev.lockstep.bench.wire.AgentInfo;
import dev.lockstep.bench.wire.BatchReply;
import dev.lockstep.bench.wire.MemoryDelta;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.OpResult;
import dev.lockstep.bench.wire.StepReply;
import dev.lockstep.reports.TargetInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A deliberately wrong target for testing the scoreboard: it wraps the real agent and breaks one
 * thing, the way a buggy driver would. Each mutant must be caught at its own depth.
 */
final class TamperingTarget implements Target {
    enum Mutant { NONE, MAP_STATUS, IOVA_TO_PHYS, ACCESS_FLAG, GLOBAL_LEAVES, SPURIOUS_WARN, CRASH_ON_UNMAP }

    private final Target real;
    private final Mutant mutant;
    private int maps;

    TamperingTarget(Target real, Mutant mutant) {
        this.real = real;
        this.mutant = mutant;
    }

    @Override
    public StepReply step(boolean reset, List<Op> ops, int deltaAfter, boolean coverage) throws TargetFailure {
        crashOnUnmap(ops);
        StepReply r = real.step(reset, ops, deltaAfter, coverage);
        if (mutant != Mutant.ACCESS_FLAG && mutant != Mutant.GLOBAL_LEAVES) {
            return new StepReply(r.leaks(), tamper(ops, r.batch()), r.delta(), r.coverage());
        }
        // Clear AF (bit 10) or nG (bit 11) in every word written: table descriptors ignore both;
        // leaves then fault (AF), or become global, which changes no translation, only the encoding (nG).
        long mask = ~(1L << (mutant == Mutant.ACCESS_FLAG ? 10 : 11));
        return new StepReply(r.leaks(), r.batch(), r.delta().mapWords(w -> w & mask), r.coverage());
    }

    private void crashOnUnmap(List<Op> ops) throws TargetFailure {
        if (mutant == Mutant.CRASH_ON_UNMAP) {
            for (int i = 0; i < ops.size(); i++) {
                if (ops.get(i) instanceof Op.Unmap) {
                    real.restart();
                    throw new TargetFailure(TargetFailure.Kind.CRASH, i, "agent crashed: signal 11 (injected)");
                }
            }
        }
    }

    @Override
    public BatchReply execute(List<Op> ops) throws TargetFailure {
        crashOnUnmap(ops);
        return tamper(ops, real.execute(ops));
    }

    private BatchReply tamper(List<Op> ops, BatchReply r) {
        List<OpResult> results = new ArrayList<>(r.results());
        List<AgentEvent> events = new ArrayList<>(r.events());
        for (int i = 0; i < ops.size(); i++) {
            OpResult x = results.get(i);
            Op op = ops.get(i);
            if (mutant == Mutant.MAP_STATUS && op instanceof Op.Map && x.status() == 0 && x.value() > 0 && ++maps % 7 == 0) {
                results.set(i, new OpResult(x.opcode(), -17, 0, x.tlbFlushAll(), x.tlbFlushWalk(), x.tlbAddPage(), x.warns(), x.cfg()));
            }
            if (mutant == Mutant.IOVA_TO_PHYS && op instanceof Op.IovaToPhys && x.value() != 0) {
                results.set(i, new OpResult(x.opcode(), x.status(), x.value() + 0x1000, 0, 0, 0, 0, Map.of()));
            }
            if (mutant == Mutant.SPURIOUS_WARN && op instanceof Op.Map && x.status() == 0 && x.value() > 0) {
                events.add(new AgentEvent(i, AgentEvent.Kind.WARN, "drivers/iommu/io-pgtable-arm.c:1 injected_site(): tamper"));
            }
        }
        return new BatchReply(results, events, r.driverNanos());
    }

    @Override
    public MemoryDelta syncMemory() throws TargetFailure {
        MemoryDelta d = real.syncMemory();
        if (mutant != Mutant.ACCESS_FLAG && mutant != Mutant.GLOBAL_LEAVES) {
            return d;
        }
        // Clear AF (bit 10) or nG (bit 11) in every descriptor: table descriptors ignore both; leaves
        // then fault (AF), or become global, which changes no translation, only the encoding (nG).
        byte mask = (byte) ~(mutant == Mutant.ACCESS_FLAG ? 0x04 : 0x08);
        List<MemoryDelta.Block> blocks = new ArrayList<>();
        for (MemoryDelta.Block b : d.changed()) {
            byte[] copy = b.bytes().clone();
            for (int i = 0; i + 8 <= copy.length; i += 8) {
                copy[i + 1] &= mask;
            }
            blocks.add(new MemoryDelta.Block(b.paddr(), copy));
        }
        return new MemoryDelta(blocks, d.freed());
    }

    @Override
    public AgentInfo info() { return real.info(); }

    @Override
    public TargetInfo describe() { return real.describe(); }

    @Override
    public long reset() throws TargetFailure { return real.reset(); }

    @Override
    public void restart() throws TargetFailure { real.restart(); }

    @Override
    public Map<String, Long> health() { return real.health(); }

    @Override
    public void close() { real.close(); }
}
