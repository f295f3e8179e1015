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
    private final List<Long> indices = new ArrayList<>();
    private final List<List<Op>> cases = new ArrayList<>();
    private long caseIndex = -1;
    private long stride = 1;
    private long ops;
    private List<Op> current;

    public StimulusLog(long maxOps) {
        this.maxOps = maxOps;
    }

    /** A case starts (the target was reset before its first operation). */
    void caseStarted() {
        caseIndex++;
        current = caseIndex % stride == 0 ? new ArrayList<>() : null;
        if (current != null) {
            indices.add(caseIndex);
            cases.add(current);
        }
    }

    /** The target ran these operations, in this order, in the current case. */
    void ran(List<Op> batch) {
        if (current == null) {
            return;
        }
        current.addAll(batch);
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
            if (indices.get(i) % stride != 0) {
                if (cases.get(i) == current) {
                    current = null;
                }
                indices.remove(i);
                cases.remove(i);
            } else {
                ops += cases.get(i).size();
            }
        }
    }

    /** The sampled cases, each as the target ran it from a reset. */
    public List<List<Op>> cases() {
        return cases;
    }

    public long operations() {
        return ops;
    }

    /** How many cases the campaign ran, sampled or not. */
    public long casesSeen() {
        return caseIndex + 1;
    }
}
