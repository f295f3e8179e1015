package dev.lockstep.bench.engine;

import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.IoPgtableModel;
import dev.lockstep.models.iopgtable.LpaeEncoding;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.WalkConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scoreboard's parts, arm64-lpae-s1 4K: the contract's prediction of the operations of a
 * generated case (per operation), one judgement of depth 3 and 4 (a walk compared with the
 * contract and the leaf with its prediction), and the change judge over a fresh tree holding one
 * map of 512 pages (what a case's first big map costs it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScoreboardBench {
    static final int CASE = 1024;
    static final long RUN_VA = 0x12_3440_0000L;

    final PgtableConfig config = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 0, true);
    final ModelOptions options = ModelOptions.none();
    List<Op> stream;
    FormatJudge judge;
    TableMirror mirror;
    IoPgtableModel model;
    Mapping run;
    ChangeJudge changes;

    @Setup
    public void setUp() {
        // A case as the campaign generates it: batches of 32 against the model as it stands.
        Generator gen = new Generator(config, new SplittableRandom(1), 0.01);
        Scoreboard s = new Scoreboard(config, options, Coverage.none());
        stream = new ArrayList<>();
        stream.add(gen.alloc());
        s.predict(stream.get(0));
        while (stream.size() < CASE + 1) {
            List<Op> batch = gen.batch(s.model(), Math.min(32, CASE + 1 - stream.size()));
            batch.forEach(s::predict);
            stream.addAll(batch);
        }

        Tables t = new Tables();
        long root = t.table();
        WalkConfig walk = WalkConfig.stage1(Granule.G4K, 48, 48, root, WalkerBench.MAIR);
        model = new IoPgtableModel(config, ContractOptions.defaults());
        model.map(RUN_VA, 0x9_0000_0000L, 0x1000, 512, Prot.of(Prot.READ | Prot.WRITE | Prot.CACHE));
        run = model.lookup(RUN_VA).orElseThrow();
        for (long va = RUN_VA; va < run.end(); va += 0x1000) {
            t.lpaeLeaf(walk, va, 3, LpaeEncoding.leaf(run, va, 3, walk, ContractOptions.defaults()).orElseThrow());
        }
        mirror = t.mirror();
        judge = FormatJudge.of(config, options);
        judge.acceptCfg(Map.of(1, root, 2, 5L, 3, 0L, 7, 16L, 8, WalkerBench.MAIR, 30, config.pgsizeBitmap()));
        changes = new ChangeJudge(judge, Coverage.none(), new SplittableRandom(7));
    }

    @Benchmark
    @OperationsPerInvocation(CASE + 1)
    public PgtableContractHolder predictPerOperation() {
        Scoreboard s = new Scoreboard(config, options, Coverage.none());
        for (Op op : stream) {
            s.predict(op);
        }
        return new PgtableContractHolder(s.model());
    }

    @Benchmark
    public FormatJudge.Judgement judgeMappedPage() {
        return judge.judge(mirror, RUN_VA + 0x5000 + 0x18, Optional.of(run));
    }

    @Benchmark
    public FormatJudge.Judgement judgeFault() {
        return judge.judge(mirror, 0x7f_0000_0000L, Optional.empty());
    }

    @Benchmark
    public long changeJudgeFreshTreeWithA512PageRun() {
        changes.begin();
        changes.rooted();
        changes.judge(mirror, Expectations.of(model), (j, va) -> {
            throw new IllegalStateException("the benchmark's tables disagree with its contract at 0x" + Long.toHexString(va)
                    + ": " + j.verdict());
        });
        return changes.walks();
    }

    /** Keeps the result alive for JMH without exposing the contract's type in the signature. */
    public record PgtableContractHolder(Object model) {}
}
