package dev.lockstep.bench.cli;

import dev.lockstep.bench.engine.Campaign;
import dev.lockstep.bench.engine.CampaignSettings;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.engine.Reproducer;
import dev.lockstep.bench.engine.Timing;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.reports.CampaignSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `lockstep bench`: where a campaign's time goes, per format, side by side: the driver running bare
 * (the agent's own clock around each driver call: the upper limit), the full differential loop over
 * the link, and the model's share of the loop; batch round-trip percentiles.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure throughput: driver alone vs the differential loop, per format.",
            "Example:  lockstep bench --format arm64-lpae-s1 --granule 4k --seconds 10 --json out/bench.json"})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    TargetOptions targetOptions;

    @Option(names = "--format", split = ",", defaultValue = "arm64-lpae-s1", paramLabel = "FMT[,FMT...]",
            description = "Formats to measure (default ${DEFAULT-VALUE}).")
    List<String> formats;

    @Option(names = "--granule", defaultValue = "4k", paramLabel = "4k|16k|64k", description = "Granule (default ${DEFAULT-VALUE}).")
    String granule;

    @Option(names = "--seconds", defaultValue = "10", paramLabel = "N", description = "Seconds per format (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "Operations per frame (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @Override
    public Integer call() throws UsageError {
        if (seconds < 1) {
            throw new UsageError("--seconds " + seconds + ": give at least 1");
        }
        Granule g;
        try {
            g = Reproducer.granule(granule);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--granule " + granule + ": use 4k, 16k or 64k");
        }
        targetOptions.validate();
        List<String> rows = new ArrayList<>();
        System.out.printf("%-15s %-5s %12s %14s %8s %10s %8s %8s %8s%n", "FORMAT", "GRAN", "DIFF OPS/S", "DRIVER OPS/S",
                "RATIO", "MODEL %", "P50 us", "P90 us", "P99 us");
        for (String name : formats) {
            PgtableFormat fmt = PgtableFormat.byName(name).filter(PgtableFormat::modelled)
                    .orElseThrow(() -> new UsageError("--format " + name + ": not a modelled format (see lockstep formats)"));
            PgtableConfig cfg;
            try {
                cfg = new PgtableConfig(fmt, fmt.granules().contains(g) ? g : fmt.granules().get(0), fmt.maxIas(), fmt.maxOas(), 0, true);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
            try {
                Path dir = Files.createTempDirectory("lockstep-bench");
                CampaignSettings s = new CampaignSettings(cfg, ModelOptions.none(), 1, 0, seconds, batch, 0.01, 0, 1, dir, "bench");
                try (Target target = targetOptions.open(dir)) {
                    Campaign c = new Campaign(target, s, KnownDivergences.none(), new PrintStream(OutputStream.nullOutputStream()));
                    CampaignSummary sum = c.run();
                    Timing t = c.timing();
                    double driver = t.driverNanos() > 0 ? sum.operations() / (t.driverNanos() / 1e9) : Double.NaN;
                    double ratio = sum.opsPerSecond() / driver;
                    double model = 100.0 * t.modelNanos() / Math.max(1, t.modelNanos() + t.targetNanos());
                    System.out.printf(Locale.ROOT, "%-15s %-5s %12.0f %14.0f %8.4f %9.1f%% %8d %8d %8d%n", fmt.cliName(),
                            cfg.granule().label(), sum.opsPerSecond(), driver, ratio, model, t.roundTripMicros(50),
                            t.roundTripMicros(90), t.roundTripMicros(99));
                    rows.add(String.format(Locale.ROOT, "{\"format\":\"%s\",\"granule\":\"%s\",\"operations\":%d,\"differential_ops_per_second\":%.1f,"
                            + "\"driver_ops_per_second\":%.1f,\"ratio\":%.6f,\"model_share\":%.4f,\"batch_rtt_us\":{\"p50\":%d,\"p90\":%d,\"p99\":%d}}",
                            fmt.cliName(), cfg.granule().label(), sum.operations(), sum.opsPerSecond(), driver, ratio, model / 100,
                            t.roundTripMicros(50), t.roundTripMicros(90), t.roundTripMicros(99)));
                }
            } catch (IOException | TargetFailure e) {
                System.err.println("lockstep: the bench run of " + name + " stopped: " + e.getMessage());
                return 2;
            }
        }
        if (json != null) {
            try {
                Files.writeString(json, "{\"batch\":" + batch + ",\"seconds\":" + seconds + ",\"runs\":[" + String.join(",", rows) + "]}\n");
            } catch (IOException e) {
                throw new UsageError("cannot write " + json + ": " + e.getMessage());
            }
        }
        return 0;
    }
}
