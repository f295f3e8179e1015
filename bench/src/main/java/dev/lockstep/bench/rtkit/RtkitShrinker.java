package dev.lockstep.bench.rtkit;

import dev.lockstep.bench.engine.Divergence;
import dev.lockstep.bench.target.TargetFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimises a failing RTKit case by deleting steps while the same title still fires. A copy of
 * engine.Shrinker's loop over RtkitStep: that one works on List<Op> and always keeps an ALLOC first,
 * which an RTKit case does not have (INIT is implicit).
 */
final class RtkitShrinker {
    interface Runner {
        List<Divergence> run(List<RtkitStep> steps) throws TargetFailure;
    }

    private final Runner runner;
    private final int maxAttempts;
    private int attempts;

    RtkitShrinker(Runner runner, int maxAttempts) {
        this.runner = runner;
        this.maxAttempts = maxAttempts;
    }

    List<RtkitStep> shrink(List<RtkitStep> failing, Divergence d) throws TargetFailure {
        List<RtkitStep> best = new ArrayList<>(failing.subList(0, Math.min(failing.size(), d.opIndex() + 1)));
        if (!reproduces(best, d.title())) {
            best = new ArrayList<>(failing);
        }
        for (int chunk = Math.max(1, best.size() / 2); chunk >= 1; chunk /= 2) {
            int i = 0;
            while (i < best.size() && attempts < maxAttempts) {
                int to = Math.min(best.size(), i + chunk);
                List<RtkitStep> candidate = new ArrayList<>(best.subList(0, i));
                candidate.addAll(best.subList(to, best.size()));
                if (!candidate.isEmpty() && reproduces(candidate, d.title())) {
                    best = candidate;
                } else {
                    i = to;
                }
            }
        }
        return best;
    }

    int attempts() {
        return attempts;
    }

    private boolean reproduces(List<RtkitStep> steps, String title) throws TargetFailure {
        attempts++;
        return runner.run(steps).stream().anyMatch(x -> x.title().equals(title));
    }
}
