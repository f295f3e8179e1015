package dev.lockstep.bench.cli;

import dev.lockstep.bench.engine.Reproducer;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Granule;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of the commands that run a campaign per format (bench, soak): which formats, which
 * granule, how many operations per frame; and the configurations they mean.
 */
final class FormatsMixin {
    @Option(names = "--format", split = ",", defaultValue = "arm64-lpae-s1", paramLabel = "FMT[,FMT...]",
            description = "Formats to run, one campaign each (default ${DEFAULT-VALUE}).")
    List<String> formats;

    @Option(names = "--granule", defaultValue = "4k", paramLabel = "4k|16k|64k",
            description = "Granule; a format without it uses its first (default ${DEFAULT-VALUE}).")
    String granule;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "Operations per frame (default ${DEFAULT-VALUE}).")
    int batch;

    /** One configuration per named format, at its largest ias and oas; a one-line UsageError on bad input. */
    List<PgtableConfig> configs() throws UsageError {
        if (batch < 1 || batch > 4096) {
            throw new UsageError("--batch " + batch + ": use 1 to 4096");
        }
        Granule g;
        try {
            g = Reproducer.granule(granule);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--granule " + granule + ": use 4k, 16k or 64k");
        }
        List<PgtableConfig> out = new ArrayList<>();
        for (String name : formats) {
            PgtableFormat fmt = PgtableFormat.byName(name)
                    .orElseThrow(() -> new UsageError("--format " + name + ": not a page-table format (see lockstep formats)"));
            try {
                out.add(new PgtableConfig(fmt, fmt.granules().contains(g) ? g : fmt.granules().get(0), fmt.maxIas(), fmt.maxOas(), 0, true));
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
        }
        return out;
    }
}
