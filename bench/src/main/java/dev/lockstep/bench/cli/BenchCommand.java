package dev.lockstep.bench.cli;

import dev.lockstep.bench.engine.Campaign;
import dev.lockstep.bench.engine.CampaignSettings;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.engine.Timing;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
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

    @Mixin
    FormatsMixin shape;

    @Option(names = "--seconds", defaultValue = "10", paramLabel = "N", description = "Seconds per format (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @Override
    public Integer call() throws UsageError {
        if (seconds < 1) {
            throw new UsageError("--seconds " + seconds + ": give at least 1");
        }
        List<PgtableConfig> configs = shape.configs();
        targetOptions.validate();
        List<String> rows = new ArrayList<>();
        System.out.printf("%-15s %-5s %12s %14s %8s %10s %8s %8s %8s%n", "FORMAT", "GRAN", "DIFF OPS/S", "DRIVER OPS/S",
                "RATIO", "MODEL %", "P50 us", "P90 us", "P99 us");
        for (PgtableConfig cfg : configs) {
            PgtableFormat fmt = cfg.format();
            String name = fmt.cliName();
            try {
                Path dir = Files.createTempDirectory("lockstep-bench");
                CampaignSettings s = new CampaignSettings(cfg, ModelOptions.none(), 1, 0, seconds, shape.batch, 0.01, 0, 1, dir, "bench");
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
                Files.writeString(json, "{\"batch\":" + shape.batch + ",\"seconds\":" + seconds + ",\"runs\":[" + String.join(",", rows) + "]}\n");
            } catch (IOException e) {
                throw new UsageError("cannot write " + json + ": " + e.getMessage());
            }
        }
        return 0;
    }
}
