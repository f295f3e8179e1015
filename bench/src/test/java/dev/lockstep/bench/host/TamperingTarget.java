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
import dev.lockstep.bench.wire.TableDelta;
import dev.lockstep.reports.TargetInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A deliberately wrong target for testing the scoreboard: it wraps the real agent and breaks one
 * thing, the way a buggy driver would. Each mutant must be caught at its own depth.
 */
final class TamperingTarget implements Target {
    /**
     * STRAY_DESCRIPTOR copies a descriptor the driver just wrote into the entry half a table away,
     * where no operation of the batch asked for anything: a write the judge must find although no
     * operation points at it. DANGLING_TABLE frees a table the bench saw allocated while its parent
     * still points at it, as a use-after-free in the driver would leave it.
     */
    enum Mutant { NONE, MAP_STATUS, IOVA_TO_PHYS, ACCESS_FLAG, GLOBAL_LEAVES, SPURIOUS_WARN, CRASH_ON_UNMAP, STRAY_DESCRIPTOR,
        DANGLING_TABLE }

    private final Target real;
    private final Mutant mutant;
    private int maps;
    /** DANGLING_TABLE: the blocks of the case as the deltas told them, the one freed behind its back, and whether that was done. */
    private final java.util.LinkedHashSet<Long> blocks = new java.util.LinkedHashSet<>();
    private long ghost = -1;
    private boolean freedOne;

    TamperingTarget(Target real, Mutant mutant) {
        this.real = real;
        this.mutant = mutant;
    }

    @Override
    public StepReply step(boolean reset, List<Op> ops, int deltaAfter, boolean coverage) throws TargetFailure {
        crashOnUnmap(ops);
        StepReply r = real.step(reset, ops, deltaAfter, coverage);
        if (mutant == Mutant.STRAY_DESCRIPTOR) {
            return new StepReply(r.leaks(), r.batch(), stray(r.delta()), r.coverage());
        }
        if (mutant == Mutant.DANGLING_TABLE) {
            return new StepReply(r.leaks(), r.batch(), dangle(reset, r.delta()), r.coverage());
        }
        if (mutant != Mutant.ACCESS_FLAG && mutant != Mutant.GLOBAL_LEAVES) {
            return new StepReply(r.leaks(), tamper(ops, r.batch()), r.delta(), r.coverage());
        }
        // Clear AF (bit 10) or nG (bit 11) in every word written: table descriptors ignore both;
        // leaves then fault (AF), or become global, which changes no translation, only the encoding (nG).
        long mask = ~(1L << (mutant == Mutant.ACCESS_FLAG ? 10 : 11));
        return new StepReply(r.leaks(), r.batch(), r.delta().mapWords(w -> w & mask), r.coverage());
    }

    /** The first valid descriptor written alone is written again 256 entries away, in the same table. */
    private static TableDelta stray(TableDelta d) {
        for (int i = 0; i < d.count(); i++) {
            if (d.kind(i) == TableDelta.WRITE && d.length(i) == 8 && (d.word(i, 0) & 3) == 3) {
                return d.plus(TableDelta.WRITE, d.pa(i) ^ 0x800, 8, d.word(i, 0));
            }
        }
        return d;
    }

    /**
     * Once per case, the latest table allocated before this step is freed in the bench's copy with
     * its parent untouched; the driver's later writes into it are hidden, as they would land in
     * freed memory.
     */
    private TableDelta dangle(boolean reset, TableDelta d) {
        if (reset) {
            blocks.clear();
            ghost = -1;
            freedOne = false;
        }
        TableDelta out = TableDelta.empty();
        for (int i = 0; i < d.count(); i++) {
            long pa = d.pa(i);
            byte k = d.kind(i);
            if (ghost >= 0 && pa >= ghost && pa < ghost + 4096 && k != TableDelta.FRESH) {
                continue;
            }
            if (k == TableDelta.FRESH) {
                blocks.add(pa);
                if (pa == ghost) {
                    ghost = -1;
                }
            } else if (k == TableDelta.FREED) {
                blocks.remove(pa);
            }
            long[] w = new long[k == TableDelta.WRITE ? d.length(i) / 8 : 0];
            for (int j = 0; j < w.length; j++) {
                w[j] = d.word(i, j);
            }
            out = out.plus(k, pa, d.length(i), w);
        }
        if (!freedOne && blocks.size() >= 3) {
            Long last = null;
            for (Long b : blocks) {
                last = b;
            }
            ghost = last;
            freedOne = true;
            blocks.remove(last);
            out = out.plus(TableDelta.FREED, ghost, 4096);
        }
        return out;
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
    public int parallelCases() { return real.parallelCases(); }

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
