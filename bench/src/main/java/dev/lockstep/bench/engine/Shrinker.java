package dev.lockstep.bench.engine;

import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.wire.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimises a failing case by deleting operations while the same finding (same title) still
 * fires: first everything after the failing operation, then halves, quarters, ... down to single
 * operations. The alloc that opens the case always stays.
 */
public final class Shrinker {
    /** Runs a candidate case from scratch and reports the divergence it ends in, if any. */
    public interface Runner {
        List<Divergence> run(List<Op> ops) throws TargetFailure;
    }

    private final Runner runner;
    private final int maxAttempts;
    private final long deadlineNanos;
    private int attempts;

    public Shrinker(Runner runner, int maxAttempts, long budgetMillis) {
        this.runner = runner;
        this.maxAttempts = maxAttempts;
        this.deadlineNanos = System.nanoTime() + budgetMillis * 1_000_000L;
    }

    public List<Op> shrink(List<Op> failing, Divergence d) throws TargetFailure {
        List<Op> best = new ArrayList<>(failing.subList(0, Math.min(failing.size(), d.opIndex() + 1)));
        if (!reproduces(best, d.title())) {
            best = new ArrayList<>(failing);
        }
        for (int chunk = Math.max(1, (best.size() - 1) / 2); chunk >= 1; chunk /= 2) {
            int i = 1;
            while (i < best.size() && budgetLeft()) {
                int to = Math.min(best.size(), i + chunk);
                List<Op> candidate = new ArrayList<>(best.subList(0, i));
                candidate.addAll(best.subList(to, best.size()));
                if (candidate.size() > 1 && reproduces(candidate, d.title())) {
                    best = candidate;
                } else {
                    i = to;
                }
            }
            if (!budgetLeft()) {
                break;
            }
        }
        return best;
    }

    public int attempts() {
        return attempts;
    }

    private boolean budgetLeft() {
        return attempts < maxAttempts && System.nanoTime() < deadlineNanos;
    }

    private boolean reproduces(List<Op> ops, String title) throws TargetFailure {
        attempts++;
        return runner.run(ops).stream().anyMatch(x -> x.title().equals(title));
    }
}
