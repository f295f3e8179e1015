package dev.lockstep.bench.cli;

import dev.lockstep.bench.engine.Campaign;
import dev.lockstep.bench.engine.CampaignSettings;
import dev.lockstep.bench.engine.CaseRunner;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.engine.Reproducer;
import dev.lockstep.bench.engine.ReproducerFormatException;
import dev.lockstep.bench.link.LinkFaults;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Finding;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `lockstep soak`: the test of trust for long runs. Campaigns run for hours over a damaged line
 * with an agent that is SIGKILLed now and then; at the end every finding's reproducer must replay on
 * a clean target, and a clean control campaign of the same seed and operation count must find
 * exactly the same titles. Either failing means the bench, not the driver, made something up or
 * lost something: exit 1.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run campaigns for hours under link faults and agent kills, then check that every finding replays",
            "and that a clean control run of the same seed and length finds the same set. Exit 0 when both hold, 1 when not.",
            "",
            "Example:  lockstep soak --hours 8 --format arm64-lpae-s1,dart --link-faults corrupt=1e-3,drop=1e-3,kill=10000"})
public final class SoakCommand implements Callable<Integer> {
    /** What a soak injects unless told otherwise: issue 9's "done when" rates. */
    static final String DEFAULT_FAULTS = "corrupt=1e-3,drop=1e-3,kill=10000";

    @Mixin
    TargetOptions targetOptions;

    @Option(names = "--hours", required = true, paramLabel = "H",
            description = "How long the faulty campaigns run, in all (fractions allowed: 0.25 is 15 minutes); the clean control runs come on top.")
    double hours;

    @Mixin
    FormatsMixin shape;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of the stimulus and of the faults (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Results: DIR/FORMAT/{soak,control} (default out/soak-TIME).")
    Path out;

    public SoakCommand() {
    }

    @Override
    public Integer call() throws UsageError {
        if (!(hours > 0)) {
            throw new UsageError("--hours " + hours + ": give a positive number of hours, e.g. 8 or 0.25");
        }
        List<PgtableConfig> configs = shape.configs();
        String spec = targetOptions.linkFaults != null ? targetOptions.linkFaults : DEFAULT_FAULTS;
        LinkFaults faults;
        try {
            faults = LinkFaults.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--link-faults " + spec + ": " + e.getMessage());
        }
        if (!faults.any()) {
            throw new UsageError("--link-faults " + spec + " injects nothing; a soak needs faults (default " + DEFAULT_FAULTS + ")");
        }
        TargetOptions faulty = copy(targetOptions, spec);
        TargetOptions clean = copy(targetOptions, null);
        faulty.validate();
        Path dir = out != null ? out : Path.of("out", "soak-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageError("--out " + dir + " is a file; choose a directory");
        }
        long secondsEach = Math.max(1, Math.round(hours * 3600 / configs.size()));
        boolean ok = true;
        for (PgtableConfig cfg : configs) {
            PgtableFormat fmt = cfg.format();
            Path fdir = dir.resolve(fmt.cliName() + "-" + cfg.granule().label());
            if (Files.exists(fdir.resolve("soak/summary.json"))) {
                throw new UsageError("--out " + dir + " already holds a soak of " + fmt.cliName() + "; choose a new directory");
            }
            try {
                ok &= soak(cfg, fdir, secondsEach, spec, faulty, clean);
            } catch (TargetFailure e) {
                System.err.println("lockstep: the soak of " + fmt.cliName() + " stopped: " + e.getMessage() + "; results so far are in " + fdir);
                return 2;
            } catch (IOException e) {
                System.err.println("lockstep: cannot write results to " + fdir + ": " + e.getMessage());
                return 2;
            }
        }
        System.out.println(ok ? "soak passed: every finding replays and the clean control found the same set"
                : "soak FAILED: see the lines above");
        return ok ? 0 : 1;
    }

    /** One format: the faulty campaign for the time, the clean control for the same operations, the replays. */
    private boolean soak(PgtableConfig cfg, Path dir, long seconds, String spec, TargetOptions faulty, TargetOptions clean)
            throws UsageError, TargetFailure, IOException {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        String what = cfg.format().cliName() + "/" + cfg.granule().label() + " seed " + seed;
        System.err.println("lockstep: soak " + what + " for " + seconds + " s under " + spec + "  -> " + dir);
        CampaignSettings soakSettings = new CampaignSettings(cfg, ModelOptions.none(), seed, 0, seconds, shape.batch, 0.01, 400, 60_000,
                dir.resolve("soak"), "lockstep soak --format " + cfg.format().cliName() + " --seed " + seed + " --link-faults " + spec);
        CampaignSummary soak;
        try (Target t = faulty.open(soakSettings.out())) {
            soak = new Campaign(t, soakSettings, KnownDivergences.none(), System.err).run();
        }
        // Same seed, same operation count: the stimulus is the same, so the findings must be too.
        CampaignSettings controlSettings = new CampaignSettings(cfg, ModelOptions.none(), seed, soak.operations(), 0, shape.batch, 0.01, 400,
                60_000, dir.resolve("control"), "lockstep soak control --format " + cfg.format().cliName() + " --seed " + seed);
        CampaignSummary control;
        int replayed = 0;
        StringBuilder notReplayed = new StringBuilder();
        try (Target t = clean.open(controlSettings.out())) {
            control = new Campaign(t, controlSettings, KnownDivergences.none(), quiet).run();
            for (Finding f : soak.findings()) {
                if (replays(t, soakSettings.out().resolve(f.reproducer()), f.title())) {
                    replayed++;
                } else {
                    notReplayed.append("\n  does not replay: ").append(f.title()).append("  (").append(soakSettings.out().resolve(f.reproducer())).append(')');
                }
            }
        }
        Map<String, Long> h = soak.health();
        TreeSet<String> soakTitles = titles(soak);
        TreeSet<String> controlTitles = titles(control);
        boolean same = soakTitles.equals(controlTitles);
        System.out.printf(Locale.ROOT, "soak %s under %s: %d operations in %.1f s, %.0f ops/s (%.0f%% of the clean control's %.0f)%n",
                what, spec, soak.operations(), soak.elapsedSeconds(), soak.opsPerSecond(),
                100 * soak.opsPerSecond() / Math.max(1e-9, control.opsPerSecond()), control.opsPerSecond());
        System.out.printf(Locale.ROOT, "  injected: corrupt %d, drop %d, dup %d, stall %d, disconnect %d, kill %d%n",
                get(h, "injected_corrupt"), get(h, "injected_drop"), get(h, "injected_dup"), get(h, "injected_stall"),
                get(h, "injected_disconnect"), get(h, "injected_kill"));
        System.out.printf(Locale.ROOT, "  recovered: %d retransmits (%d resyncs, %d timeouts), %d cases rebuilt after kills (%d operations replayed); "
                        + "%d requests unanswered, %d agent restarts after real crashes or hangs%n",
                get(h, "retransmits"), get(h, "resyncs"), get(h, "timeouts"), get(h, "kill_recoveries"), get(h, "replayed_operations"),
                get(h, "unanswered"), get(h, "agent_restarts"));
        System.out.printf(Locale.ROOT, "  findings: %d; clean control: %d; same set: %s; reproducers replayed: %d/%d%s%n",
                soakTitles.size(), controlTitles.size(), same ? "yes" : "NO", replayed, soak.findings().size(), notReplayed);
        if (!same) {
            TreeSet<String> onlySoak = new TreeSet<>(soakTitles);
            onlySoak.removeAll(controlTitles);
            TreeSet<String> onlyControl = new TreeSet<>(controlTitles);
            onlyControl.removeAll(soakTitles);
            onlySoak.forEach(t -> System.out.println("  only under faults: " + t));
            onlyControl.forEach(t -> System.out.println("  only in the control: " + t));
        }
        return same && replayed == soak.findings().size();
    }

    /** Whether a saved reproducer fires its title again, as `lockstep replay` would judge it. */
    private static boolean replays(Target target, Path file, String title) throws TargetFailure {
        Reproducer r;
        try {
            r = Reproducer.read(file);
        } catch (ReproducerFormatException e) {
            return false;
        }
        return r.title().equals(title) && new CaseRunner(target, r.config(), r.options(), r.batch()).find(r.ops(), r.title()).isPresent();
    }

    private static TreeSet<String> titles(CampaignSummary s) {
        TreeSet<String> t = new TreeSet<>();
        s.findings().forEach(f -> t.add(f.title()));
        return t;
    }

    private static long get(Map<String, Long> h, String key) {
        return h.getOrDefault(key, 0L);
    }

    /** The same target, with these link faults (null: a clean line). */
    private static TargetOptions copy(TargetOptions from, String faults) {
        TargetOptions t = new TargetOptions();
        t.restore(from.asMap());
        t.linkFaults = faults;
        return t;
    }
}
