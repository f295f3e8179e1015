package dev.lockstep.bench.engine;

import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs a whole recorded case from a clean target, in batches: for the shrinker and for replay. */
public final class CaseRunner implements Shrinker.Runner {
    private final Target target;
    private final PgtableConfig config;
    private final ModelOptions options;
    private final int batchSize;

    public CaseRunner(Target target, PgtableConfig config, ModelOptions options, int batchSize) {
        this.target = target;
        this.config = config;
        this.options = options;
        this.batchSize = batchSize;
    }

    /** Every divergence of the case, in order, up to and including the first fatal one. */
    @Override
    public List<Divergence> run(List<Op> ops) throws TargetFailure {
        Session s = new Session(target, config, options, Coverage.none());
        s.begin();
        List<Divergence> all = new ArrayList<>();
        for (int i = 0; i < ops.size(); i += batchSize) {
            List<Divergence> ds = s.step(ops.subList(i, Math.min(ops.size(), i + batchSize)));
            all.addAll(ds);
            if (!ds.isEmpty() && ds.get(ds.size() - 1).fatal()) {
                break;
            }
        }
        return all;
    }

    /** The divergence with this title in a run of ops, if the run shows it. */
    public Optional<Divergence> find(List<Op> ops, String title) throws TargetFailure {
        return run(ops).stream().filter(d -> d.title().equals(title)).findFirst();
    }
}
