package dev.lockstep.bench.engine;

import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.PgtableConfig;
import java.util.List;
import java.util.Optional;

/** Runs a whole recorded case from a clean target, in batches: for the shrinker and for replay. */
public final class CaseRunner implements Shrinker.Runner {
    private final Target target;
    private final PgtableConfig config;
    private final ContractOptions options;
    private final int batchSize;

    public CaseRunner(Target target, PgtableConfig config, ContractOptions options, int batchSize) {
        this.target = target;
        this.config = config;
        this.options = options;
        this.batchSize = batchSize;
    }

    @Override
    public Optional<Divergence> run(List<Op> ops) throws TargetFailure {
        Session s = new Session(target, config, options, Coverage.none());
        s.begin();
        for (int i = 0; i < ops.size(); i += batchSize) {
            Optional<Divergence> d = s.step(ops.subList(i, Math.min(ops.size(), i + batchSize)));
            if (d.isPresent()) {
                return d;
            }
        }
        return Optional.empty();
    }
}
