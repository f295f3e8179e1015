package dev.lockstep.bench.engine;

import dev.lockstep.bench.wire.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * The operations a campaign made the driver run, case by case, for `lockstep bench` to hand back to
 * the agent as the driver-alone run (BARE). A campaign runs millions of operations, so this keeps a
 * systematic sample of whole cases: every case while it fits, then every second case, every fourth,
 * and so on, always spread over the whole run, never more than the bound.
 */
public final class StimulusLog {
    private final long maxOps;
    private final List<Entry> cases = new ArrayList<>();
    private long caseIndex = -1;
    private long stride = 1;
    private long ops;

    /** One case's operations, or a case the sample left out (no operations kept). */
    static final class Entry {
        final long index;
        final List<Op> ops = new ArrayList<>();
        boolean dropped;

        Entry(long index) {
            this.index = index;
        }
    }

    public StimulusLog(long maxOps) {
        this.maxOps = maxOps;
    }

    /**
     * A case starts (the target holds no table of it yet); what it runs is handed to {@link #ran}
     * with the entry returned, since cases run side by side may interleave.
     */
    Entry caseStarted() {
        caseIndex++;
        Entry e = new Entry(caseIndex);
        if (caseIndex % stride == 0) {
            cases.add(e);
        } else {
            e.dropped = true;
        }
        return e;
    }

    /** The target ran these operations, in this order, in the case of entry e. */
    void ran(Entry e, List<Op> batch) {
        if (e == null || e.dropped) {
            return;
        }
        e.ops.addAll(batch);
        ops += batch.size();
        while (ops > maxOps && stride < Long.MAX_VALUE / 2) {
            thin();
        }
    }

    /** Keeps every other sampled case. */
    private void thin() {
        stride *= 2;
        ops = 0;
        for (int i = cases.size() - 1; i >= 0; i--) {
            Entry e = cases.get(i);
            if (e.index % stride != 0) {
                e.dropped = true;
                cases.remove(i);
            } else {
                ops += e.ops.size();
            }
        }
    }

    /** The sampled cases, each as the target ran it from a reset. */
    public List<List<Op>> cases() {
        return cases.stream().map(e -> e.ops).toList();
    }

    public long operations() {
        return ops;
    }

    /** How many cases the campaign ran, sampled or not. */
    public long casesSeen() {
        return caseIndex + 1;
    }
}
