package dev.lockstep.bench.cli;

import dev.lockstep.bench.engine.Campaign;
import dev.lockstep.bench.engine.CampaignSettings;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.engine.ModelAlone;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.engine.ProcessMemory;
import dev.lockstep.bench.engine.StimulusLog;
import dev.lockstep.bench.engine.Timing;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.wire.BareReply;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.reports.CampaignSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `lockstep bench`: where a campaign's time goes, per format, in one run: the full differential
 * loop over the link, then the driver alone (BARE: the same operations, sent back to the agent and
 * run there back to back, with no link and no bench; docs/performance.md), then the model alone
 * over them; their ratios, the share of the loop's time each part takes, round-trip and per-kind
 * latency percentiles, and the resident memory of the bench and the agent. Text on stdout, and
 * JSON with --json.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure throughput: the differential loop against the driver alone, per format.",
            "Example:  lockstep bench --format arm64-lpae-s1,dart --seconds 10 --json out/bench.json"})
final class BenchCommand implements Callable<Integer> {
    /** Operations of the campaign sampled for the driver-alone run, at most. */
    static final long SAMPLE_OPS = 400_000;
    /** Operations per BARE request: a few tenths of a second of driver time each. */
    private static final int BARE_CHUNK_OPS = 100_000;
    private static final int PASSES = 3;

    @Mixin
    TargetOptions targetOptions;

    @Mixin
    FormatsMixin shape;

    @Option(names = "--seconds", defaultValue = "10", paramLabel = "N", description = "Seconds of differential loop per format (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @Option(names = "--in-flight", paramLabel = "N",
            description = "Batches in flight on the link (default: the campaigns' own, " + Campaign.DEFAULT_IN_FLIGHT + "); 1 judges each before sending the next.")
    Integer inFlight;

    @Option(names = "--parallel", defaultValue = "8", paramLabel = "K",
            description = "Cases run side by side on their own handles (1..8, default ${DEFAULT-VALUE}); see `lockstep fuzz --help`.")
    int parallel;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "N",
            description = "Seconds of unmeasured campaign first, on the same agent, so the measured one starts warm: the JIT has compiled "
                    + "the loop and the findings are known, so none is shrunk in the measured run (default ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() throws UsageError {
        if (seconds < 1) {
            throw new UsageError("--seconds " + seconds + ": give at least 1");
        }
        if (warmup < 0) {
            throw new UsageError("--warmup " + warmup + ": give 0 or more seconds");
        }
        if (parallel < 1 || parallel > 8) {
            throw new UsageError("--parallel " + parallel + ": use 1 to 8");
        }
        if (inFlight != null && (inFlight < 1 || inFlight > 8)) {
            throw new UsageError("--in-flight " + inFlight + ": use 1 to 8");
        }
        List<PgtableConfig> configs = shape.configs();
        targetOptions.validate();
        List<Map<String, Object>> runs = new ArrayList<>();
        List<String> table = new ArrayList<>();
        for (PgtableConfig cfg : configs) {
            String name = cfg.format().cliName();
            try {
                Map<String, Object> run = measure(cfg);
                runs.add(run);
                table.add(row(run));
            } catch (IOException | TargetFailure e) {
                System.err.println("lockstep: the bench run of " + name + " stopped: " + e.getMessage());
                return 2;
            }
        }
        System.out.printf("%n%-15s %-5s %12s %14s %8s %8s %8s %8s %8s%n", "FORMAT", "GRAN", "DIFF OPS/S", "DRIVER OPS/S",
                "RATIO", "MODEL %", "JUDGE %", "RTT P50", "RTT P99");
        table.forEach(System.out::println);
        if (json != null) {
            try {
                Files.writeString(json, "{\"batch\":" + shape.batch + ",\"seconds\":" + seconds + ",\"cpus\":"
                        + Runtime.getRuntime().availableProcessors() + ",\"runs\":[" + String.join(",", runs.stream().map(BenchCommand::json).toList())
                        + "]}\n");
            } catch (IOException e) {
                throw new UsageError("cannot write " + json + ": " + e.getMessage());
            }
        }
        return 0;
    }

    private Map<String, Object> measure(PgtableConfig cfg) throws IOException, TargetFailure, UsageError {
        Path dir = Files.createTempDirectory("lockstep-bench");
        CampaignSettings s = new CampaignSettings(cfg, ModelOptions.none(), 1, 0, seconds, shape.batch, 0.01, 0, 1, dir, "bench");
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("format", cfg.format().cliName());
        run.put("granule", cfg.granule().label());
        run.put("batch", shape.batch);
        run.put("in_flight", depth());
        run.put("parallel", parallel);
        double loadBefore = loadAverage();
        try (Target target = targetOptions.open(dir)) {
            Campaign warm = null;
            if (warmup > 0) {
                // The JIT compiles the loop during this run; its results are thrown away, but its
                // findings are known to the measured run, which so does not spend itself shrinking them.
                Path warmDir = Files.createTempDirectory("lockstep-bench-warmup");
                warm = new Campaign(target, new CampaignSettings(cfg, ModelOptions.none(), 1, 0, warmup, shape.batch, 0.01, 0, 1, warmDir, "bench"),
                        KnownDivergences.none(), new PrintStream(OutputStream.nullOutputStream())).inFlight(depth()).parallel(parallel);
                warm.run();
            }
            long[] floor = linkFloor(target, cfg);
            StimulusLog log = new StimulusLog(SAMPLE_OPS);
            Campaign c = new Campaign(target, s, KnownDivergences.none(), new PrintStream(OutputStream.nullOutputStream()))
                    .logging(log).inFlight(depth()).parallel(parallel);
            if (warm != null) {
                c.knowing(warm);
            }
            long processCpu0 = processCpu();
            long agentCpu0 = agentCpu(target.agentPid());
            CampaignSummary sum = c.run();
            long processCpu = processCpu() - processCpu0;
            long agentCpu = agentCpu(target.agentPid()) - agentCpu0;
            Timing t = c.timing();
            double fuzzing = Math.max(1e-9, sum.elapsedSeconds() - sum.health().getOrDefault("shrink_millis", 0L) / 1e3);
            double loopNanos = fuzzing * 1e9;
            ProcessMemory agentMemory = ProcessMemory.of(target.agentPid());
            long agentPeak = sum.health().getOrDefault("agent_rss_peak_kb", -1L);
            BareTotals bare = driverAlone(target, log.cases());
            long modelNanos = ModelAlone.bestNanos(cfg, ModelOptions.none(), log.cases(), PASSES);
            double driver = bare.operations / (bare.nanos / 1e9);
            double modelAlone = log.operations() / Math.max(1e-9, modelNanos / 1e9);
            run.put("operations", sum.operations());
            run.put("fuzzing_seconds", fuzzing);
            // CPU per judged operation: what load on the machine does not change (shrinking a new
            // finding is left out of the loop's figure, not of the process's or the agent's).
            double per = Math.max(1, sum.operations());
            run.put("cpu_us_per_op", Map.of("loop_thread", c.loopCpuNanos() / per / 1e3,
                    "bench_process", processCpu < 0 ? -1 : processCpu / per / 1e3, "agent", agentCpu < 0 ? -1 : agentCpu / per / 1e3));
            run.put("differential_ops_per_second", sum.opsPerSecond());
            run.put("driver_ops_per_second", driver);
            run.put("ratio", sum.opsPerSecond() / driver);
            run.put("model_alone_ops_per_second", modelAlone);
            // The reference model (the contract's predictions, the walker): the "model". Judging
            // is the model and the scoreboard around it (comparing, finding what changed, coverage).
            run.put("model_share", t.referenceModelNanos() / loopNanos);
            run.put("judging_share", t.modelNanos() / loopNanos);
            Map<String, Object> shares = new LinkedHashMap<>();
            shares.put("round_trips", t.targetNanos() / loopNanos);
            shares.put("driver_in_round_trips", t.driverNanos() < 0 ? -1 : t.driverNanos() / loopNanos);
            shares.put("judging", t.modelNanos() / loopNanos);
            shares.put("model", t.referenceModelNanos() / loopNanos);
            shares.put("model_contract", t.contractNanos() / loopNanos);
            shares.put("model_walker", t.walkerNanos() / loopNanos);
            shares.put("mirror", t.mirrorNanos() / loopNanos);
            shares.put("generator", t.generatorNanos() / loopNanos);
            shares.put("bookkeeping", t.bookkeepingNanos() / loopNanos);
            shares.put("other", Math.max(0, 1 - (t.targetNanos() + t.modelNanos() + t.mirrorNanos() + t.generatorNanos()
                    + t.bookkeepingNanos()) / loopNanos));
            run.put("loop_share", shares);
            run.put("driver_in_loop_ops_per_second", t.driverNanos() > 0 ? t.ran() / (t.driverNanos() / 1e9) : -1);
            run.put("round_trips", t.roundTrips());
            run.put("ops_per_round_trip", t.roundTrips() == 0 ? 0 : (double) sum.operations() / t.roundTrips());
            run.put("operations_run", t.ran());
            // The line alone: a batch-sized step's round trip, and what the loop's batching could reach at that rate.
            double perTrip = t.roundTrips() == 0 ? 0 : (double) sum.operations() / t.roundTrips();
            run.put("link_floor_us", Map.of("mean", floor[0] / 1000.0, "p50", floor[1] / 1000, "p99", floor[2] / 1000));
            run.put("link_limit_ops_per_second", floor[0] <= 0 ? -1 : perTrip * 1e9 / floor[0]);
            run.put("walks_per_op", sum.operations() == 0 ? 0 : (double) t.walks() / sum.operations());
            run.put("cases", sum.health().getOrDefault("cases", 0L));
            run.put("round_trip_us", Map.of("p50", t.roundTripMicros(50), "p90", t.roundTripMicros(90), "p99", t.roundTripMicros(99)));
            run.put("driver_alone", Map.of("operations", bare.operations, "cases", log.cases().size(), "cases_run", log.casesSeen(),
                    "passes", PASSES, "best_nanos", bare.nanos));
            Map<String, Object> latency = new LinkedHashMap<>();
            for (Map.Entry<String, BareReply.Latency> e : bare.latency.entrySet()) {
                BareReply.Latency l = e.getValue();
                latency.put(e.getKey(), Map.of("count", l.count(), "mean", Math.round(l.meanNanos()), "p50", l.percentileNanos(50),
                        "p90", l.percentileNanos(90), "p99", l.percentileNanos(99)));
            }
            run.put("driver_latency_ns", latency);
            ProcessMemory self = ProcessMemory.self();
            run.put("memory_kb", Map.of("bench_rss", self.rssKb(), "bench_peak", self.peakKb(),
                    "agent_rss", agentMemory.rssKb(), "agent_peak", Math.max(agentPeak, agentMemory.peakKb())));
            run.put("load_average", Map.of("start", loadBefore, "end", loadAverage()));
            print(run);
            return run;
        }
    }

    private int depth() {
        return inFlight == null ? Campaign.DEFAULT_IN_FLIGHT : inFlight;
    }

    /**
     * The line's own floor: the round trip of a STEP the size of the loop's (batch operations, and
     * a reply of as many results), 2000 times (mean, p50, p99 in ns). The operations are queries of
     * an empty table, a few tens of nanoseconds of driver work each, so the trip is the line's and
     * the agent's I/O; no loop over this line can do better than one such trip per batch.
     */
    private long[] linkFloor(Target target, PgtableConfig cfg) throws TargetFailure {
        int n = 2000;
        List<Op> queries = new ArrayList<>();
        for (int i = 0; i < shape.batch; i++) {
            queries.add(new Op.IovaToPhys(0, (long) i << cfg.granule().shift()));
        }
        target.step(true, List.of(new dev.lockstep.bench.engine.Generator(cfg, new java.util.SplittableRandom(1), 0).alloc()), -1, false);
        long[] trips = new long[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            target.step(false, queries, -1, false);
            trips[i] = System.nanoTime() - t0;
            sum += trips[i];
        }
        target.reset();
        java.util.Arrays.sort(trips);
        return new long[] {sum / n, trips[n / 2], trips[n * 99 / 100]};
    }

    /** The operations, best time and latencies of the driver-alone run over the sampled cases. */
    /** CPU time of this JVM, all threads, or -1. */
    private static long processCpu() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** CPU time (user and system) of a process on this machine, from /proc, or -1. */
    static long agentCpu(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces): utime is the 14th field, stime the 15th.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * (1_000_000_000L / 100);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private record BareTotals(long operations, long nanos, Map<String, BareReply.Latency> latency) {}

    /** Runs the sampled cases in the agent with no link (BARE), in chunks, best of PASSES each. */
    private static BareTotals driverAlone(Target target, List<List<Op>> cases) throws TargetFailure {
        if (!(target instanceof AgentTarget agent)) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, "the driver alone runs only in an agent (this target has none)");
        }
        long ops = 0;
        long nanos = 0;
        Map<String, BareReply.Latency> latency = new LinkedHashMap<>();
        List<List<Op>> chunk = new ArrayList<>();
        int chunkOps = 0;
        for (int i = 0; i <= cases.size(); i++) {
            if (i == cases.size() || (chunkOps > 0 && chunkOps + cases.get(i).size() > BARE_CHUNK_OPS)) {
                if (!chunk.isEmpty()) {
                    BareReply r = agent.bare(PASSES, true, chunk);
                    ops += r.operations();
                    nanos += r.bestNanos();
                    r.latency().forEach((k, v) -> latency.merge(k, v, BenchCommand::merge));
                }
                chunk = new ArrayList<>();
                chunkOps = 0;
            }
            if (i < cases.size()) {
                chunk.add(cases.get(i));
                chunkOps += cases.get(i).size();
            }
        }
        return new BareTotals(ops, Math.max(1, nanos), latency);
    }

    private static BareReply.Latency merge(BareReply.Latency a, BareReply.Latency b) {
        java.util.TreeMap<Long, Long> buckets = new java.util.TreeMap<>();
        for (int i = 0; i < a.lowerBounds().length; i++) {
            buckets.merge(a.lowerBounds()[i], a.counts()[i], Long::sum);
        }
        for (int i = 0; i < b.lowerBounds().length; i++) {
            buckets.merge(b.lowerBounds()[i], b.counts()[i], Long::sum);
        }
        long[] lower = buckets.keySet().stream().mapToLong(Long::longValue).toArray();
        long[] counts = buckets.values().stream().mapToLong(Long::longValue).toArray();
        return new BareReply.Latency(a.count() + b.count(), a.sumNanos() + b.sumNanos(), lower, counts);
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> r) {
        Map<String, Object> shares = (Map<String, Object>) r.get("loop_share");
        Map<String, Object> bare = (Map<String, Object>) r.get("driver_alone");
        Map<String, Object> rtt = (Map<String, Object>) r.get("round_trip_us");
        Map<String, Object> mem = (Map<String, Object>) r.get("memory_kb");
        Map<String, Object> load = (Map<String, Object>) r.get("load_average");
        PrintStream o = System.out;
        o.printf(Locale.ROOT, "%s %s, batch %d, %d in flight, %d cases side by side  (load average %.2f at start, %.2f at end, %d CPUs)%n",
                r.get("format"), r.get("granule"), r.get("batch"), r.get("in_flight"), r.get("parallel"), load.get("start"), load.get("end"), Runtime.getRuntime().availableProcessors());
        o.printf(Locale.ROOT, "  differential loop  %,14.0f ops/s   %,d operations judged in %.1f s of fuzzing (%,d run by the driver), %,d cases%n",
                r.get("differential_ops_per_second"), r.get("operations"), r.get("fuzzing_seconds"), r.get("operations_run"), r.get("cases"));
        o.printf(Locale.ROOT, "  driver alone       %,14.0f ops/s   the same operations run again in the agent, no link:"
                + " %,d of them (%,d sampled cases of %,d), best of %d passes%n", r.get("driver_ops_per_second"), bare.get("operations"),
                bare.get("cases"), bare.get("cases_run"), bare.get("passes"));
        o.printf(Locale.ROOT, "  ratio              %14.1f %%%n", 100 * (double) r.get("ratio"));
        o.printf(Locale.ROOT, "  model alone        %,14.0f ops/s   the contract's predictions over the same operations%n",
                r.get("model_alone_ops_per_second"));
        o.printf(Locale.ROOT, "  loop's time        round trips %.1f %% (driver inside them %.1f %%), judging %.1f %%,"
                + " mirror %.1f %%, generator %.1f %%, campaign bookkeeping %.1f %%, other %.1f %%%n", pct(shares.get("round_trips")),
                pct(shares.get("driver_in_round_trips")), pct(shares.get("judging")), pct(shares.get("mirror")), pct(shares.get("generator")),
                pct(shares.get("bookkeeping")), pct(shares.get("other")));
        o.printf(Locale.ROOT, "  judging            the reference model %.1f %% of the loop (contract's predictions %.1f %%, walker %.1f %%),"
                + " the scoreboard around it %.1f %%%n", pct(shares.get("model")), pct(shares.get("model_contract")),
                pct(shares.get("model_walker")), pct(shares.get("judging")) - pct(shares.get("model")));
        Map<String, Object> cpu = (Map<String, Object>) r.get("cpu_us_per_op");
        o.printf(Locale.ROOT, "  CPU per judged op  loop thread %.2f us, bench process %.2f us, agent %.2f us (the last two with what the JIT and the collector do meanwhile)%n",
                cpu.get("loop_thread"), cpu.get("bench_process"), cpu.get("agent"));
        o.printf(Locale.ROOT, "  round trips        %,d, %.1f operations judged each, p50 %d us, p90 %d us, p99 %d us; %.2f walks per operation%n",
                r.get("round_trips"), r.get("ops_per_round_trip"), rtt.get("p50"), rtt.get("p90"), rtt.get("p99"), r.get("walks_per_op"));
        Map<String, Object> floor = (Map<String, Object>) r.get("link_floor_us");
        o.printf(Locale.ROOT, "  the line alone     a step of %d queries, round trip: mean %.1f us, p50 %d us, p99 %d us; at %.1f judged"
                + " operations a trip, the line allows %,.0f ops/s%n", r.get("batch"), floor.get("mean"), floor.get("p50"), floor.get("p99"),
                r.get("ops_per_round_trip"), r.get("link_limit_ops_per_second"));
        StringBuilder lat = new StringBuilder();
        ((Map<String, Object>) r.get("driver_latency_ns")).forEach((kind, v) -> {
            Map<String, Object> l = (Map<String, Object>) v;
            lat.append(String.format(Locale.ROOT, "%s%s p50 %d p90 %d p99 %d", lat.length() == 0 ? "" : "; ", kind, l.get("p50"), l.get("p90"), l.get("p99")));
        });
        o.printf("  driver alone, ns per call: %s%n", lat);
        o.printf(Locale.ROOT, "  resident memory    bench %,d KiB (peak %,d), agent %,d KiB (peak %,d)%n", mem.get("bench_rss"), mem.get("bench_peak"),
                mem.get("agent_rss"), mem.get("agent_peak"));
    }

    private static double pct(Object share) {
        double v = (double) share;
        return v < 0 ? -1 : 100 * v;
    }

    @SuppressWarnings("unchecked")
    private static String row(Map<String, Object> r) {
        Map<String, Object> rtt = (Map<String, Object>) r.get("round_trip_us");
        return String.format(Locale.ROOT, "%-15s %-5s %12.0f %14.0f %7.1f%% %7.1f%% %7.1f%% %6dus %6dus", r.get("format"), r.get("granule"),
                r.get("differential_ops_per_second"), r.get("driver_ops_per_second"), 100 * (double) r.get("ratio"),
                100 * (double) r.get("model_share"), 100 * (double) r.get("judging_share"), rtt.get("p50"), rtt.get("p99"));
    }

    /** The machine's one-minute load average, or -1 where there is none. */
    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @SuppressWarnings("unchecked")
    static String json(Object v) {
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            ((Map<String, Object>) m).forEach((k, x) -> parts.add("\"" + k + "\":" + json(x)));
            return "{" + String.join(",", parts) + "}";
        }
        if (v instanceof String str) {
            return "\"" + str.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null";
        }
        return String.valueOf(v);
    }
}
