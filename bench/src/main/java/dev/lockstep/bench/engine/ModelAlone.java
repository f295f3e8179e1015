package dev.lockstep.bench.engine;

import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import java.util.List;

/**
 * The model alone: the contract's prediction of every operation of the given cases, each case from
 * a fresh table, with no target and no tables to judge. It is how fast the reference side could go
 * if it had nothing else to do; the walker's share is measured by the JMH suite.
 */
public final class ModelAlone {
    private ModelAlone() {
    }

    /** Nanoseconds the fastest of passes took over all the cases. */
    public static long bestNanos(PgtableConfig config, ModelOptions options, List<List<Op>> cases, int passes) {
        long best = Long.MAX_VALUE;
        for (int pass = 0; pass < passes; pass++) {
            long t0 = System.nanoTime();
            for (List<Op> c : cases) {
                Scoreboard s = new Scoreboard(config, options, Coverage.none());
                for (Op op : c) {
                    if (op instanceof Op.Alloc || s.model() != null) {
                        s.predict(op);
                    }
                }
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }
}
