package dev.lockstep.bench.cli;

import dev.lockstep.bench.coverage.ConfigSpace;
import dev.lockstep.bench.engine.Campaign;
import dev.lockstep.bench.engine.CampaignSettings;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.engine.Reproducer;
import dev.lockstep.bench.engine.ReproducerFormatException;
import dev.lockstep.bench.engine.RunManifest;
import dev.lockstep.bench.rtkit.RtkitCampaign;
import dev.lockstep.bench.rtkit.RtkitManifest;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.target.AgentBuild;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Quirk;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Finding;
import dev.lockstep.reports.ResultFormatException;
import dev.lockstep.reports.SummaryJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `lockstep fuzz`: a differential campaign of the model against a target. */
@Command(name = "fuzz", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run a differential campaign: generated map/unmap/iova_to_phys sequences go to the real driver",
            "and to the model; the scoreboard compares return values (depth 1), the driver's answers (2),",
            "and the meaning of the tables the driver built, walked by the architecture's walker (3), and",
            "watches health (5: WARN, leaks, crashes, hangs). Findings are minimised and saved as they happen.",
            "",
            "Example:  lockstep fuzz --format arm64-lpae-s1 --granule 16k --ops 20000 --seed 1 --out /tmp/x"},
        footer = {"", "Results: OUT/summary.json (docs/summary-schema.md), OUT/findings/ID/{reproducer.lst,detail.txt},",
            "OUT/allure-results (allure generate OUT/allure-results), OUT/agent.log."})
final class FuzzCommand implements Callable<Integer> {
    @Mixin
    TargetOptions targetOptions;

    @Option(names = "--format", defaultValue = "arm64-lpae-s1", paramLabel = "FMT[,FMT...]",
            description = "Page-table format (default ${DEFAULT-VALUE}); see `lockstep formats`. Several, comma-separated: "
                    + "each case is allocated in one of them (a format without --granule's granule uses its first).")
    String format;

    @Option(names = "--vary", paramLabel = "PARAM[,PARAM...]",
            description = "ALLOC parameters each case draws anew: granule, ias, oas, walk (coherent or not), quirks, all, or none. "
                    + "Each case is judged by the model for its own configuration. Default: none, or with --coverage-guided "
                    + "every one not given on the command line (--granule, --ias, --oas, --quirks); the driver's new edges then steer "
                    + "the choice (docs/fuzzing.md).")
    String vary;

    @Option(names = "--granule", paramLabel = "4k|16k|64k", description = "Translation granule (default 4k).")
    String granule;

    @Option(names = "--ias", paramLabel = "BITS", description = "Input address size in bits (default: the format's largest).")
    Integer ias;

    @Option(names = "--oas", paramLabel = "BITS", description = "Output address size in bits (default: the format's largest).")
    Integer oas;

    @Option(names = "--quirks", split = ",", paramLabel = "Q[,Q...]",
            description = "io_pgtable_cfg quirks: arm-ns, no-perms, arm-ttbr1, arm-outer-wbwa (include/linux/io-pgtable.h; docs/model.md).")
    List<String> quirks = new ArrayList<>();

    @Option(names = "--walk", defaultValue = "coherent", paramLabel = "coherent|non-coherent",
            description = "Whether the table walker is cache coherent (cfg.coherent_walk; default ${DEFAULT-VALUE}).")
    String walkMode;

    @Option(names = "--duration", converter = Durations.class, paramLabel = "TIME",
            description = "Stop after this long, e.g. 60s, 10m, 2h (default 60s when --ops is not given).")
    Long durationMillis;

    @Option(names = "--ops", paramLabel = "N", description = "Stop after N operations.")
    Long maxOps;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed; the same seed gives the same stimulus (default: time-based, printed).")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Results directory (default out/FORMAT-GRANULE-TIME). Must be new or empty.")
    Path out;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "Operations per frame on the link (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--misuse-rate", defaultValue = "0.01", paramLabel = "P",
            description = "Share of calls that break the caller's side of the contract (misaligned, out of range; default ${DEFAULT-VALUE}).")
    double misuseRate;

    @Option(names = "--model-option", paramLabel = "NAME=VALUE",
            description = "Set a model policy option (docs/model.md), e.g. noAccessMap=REJECT. Repeatable.")
    List<String> modelOptions = new ArrayList<>();

    @Option(names = "--known", paramLabel = "FILE", description = "Known-divergences file (default known-divergences.ini in the checkout).")
    Path knownFile;

    @Option(names = "--shrink-attempts", defaultValue = "400", paramLabel = "N", description = "Re-runs allowed to minimise one finding (default ${DEFAULT-VALUE}).")
    int shrinkAttempts;

    @Option(names = "--shrink-time", defaultValue = "60s", converter = Durations.class, paramLabel = "TIME",
            description = "Time allowed to minimise one finding (default ${DEFAULT-VALUE}).")
    long shrinkMillis;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the campaign a killed or stopped run left in DIR: same settings (from DIR/campaign.properties), "
                    + "findings kept, none found twice. Other campaign options are ignored.")
    Path resume;

    @Option(names = "--coverage-guided",
            description = "Let the driver's edge coverage steer the campaign: mutants of corpus cases (OUT/corpus: cases that reached "
                    + "new driver edges), neighbouring configurations under --vary, short cases that go on while they find new edges. "
                    + "Needs an agent that reports coverage. --resume keeps the mode and the corpus.")
    boolean coverageGuided;

    @Option(names = "--in-flight", defaultValue = "2", paramLabel = "N",
            description = "Batches sent ahead of their judgement within the link (1..8, default ${DEFAULT-VALUE}). The stimulus of a seed "
                    + "depends on it (batches sent ahead of a case that ends are generated and dropped): compare targets at the same depth.")
    int inFlight;

    @Option(names = "--parallel", defaultValue = "8", paramLabel = "K",
            description = "Cases run side by side on their own handles of the agent (1..8, default ${DEFAULT-VALUE}): each step the bench "
                    + "sends carries one case's batch, so while one case waits for its answer the others keep the agent busy. "
                    + "A seed's stimulus depends on it. Guided campaigns and --link-faults kill=N run one case at a time.")
    int parallel;

    @Option(names = "--fail-on-findings", description = "Exit 1 when the campaign found anything not in the known-divergences file.")
    boolean failOnFindings;

    private long quirkBits() throws UsageError {
        long bits = 0;
        for (String q : quirks) {
            bits |= Quirk.byName(q).orElseThrow(() -> new UsageError("--quirks " + q + ": not a quirk; use "
                    + String.join(", ", java.util.Arrays.stream(Quirk.values()).map(Quirk::cliName).toList()))).bit();
        }
        if (Quirk.ARM_TTBR1.in(bits) && (targetOptions.judge != null || "qemu".equals(targetOptions.target))) {
            throw new UsageError("--quirks arm-ttbr1: QEMU is programmed through TTBR0 only; judge the upper half with the model (drop --judge/--target qemu)");
        }
        return bits;
    }

    private boolean coherent() throws UsageError {
        return switch (walkMode.toLowerCase(java.util.Locale.ROOT)) {
            case "coherent" -> true;
            case "non-coherent" -> false;
            default -> throw new UsageError("--walk " + walkMode + ": use coherent or non-coherent");
        };
    }

    @Override
    public Integer call() throws UsageError {
        if (resume != null) {
            return resume();
        }
        if (format.equalsIgnoreCase("rtkit")) {
            return rtkit();
        }
        String[] names = format.split(",");
        Granule g;
        try {
            g = Reproducer.granule(granule != null ? granule : "4k");
        } catch (IllegalArgumentException e) {
            throw new UsageError("--granule " + granule + ": use 4k, 16k or 64k");
        }
        List<PgtableConfig> bases = new ArrayList<>();
        ModelOptions options = ModelOptions.none();
        try {
            for (String o : modelOptions) {
                options = options.with(o);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        for (String name : names) {
            PgtableFormat f = PgtableFormat.byName(name.strip()).orElseThrow(() -> new UsageError("unknown format '" + name.strip() + "'; known: "
                    + java.util.Arrays.stream(PgtableFormat.values()).map(PgtableFormat::cliName).collect(Collectors.joining(", "))));
            if (bases.stream().anyMatch(b -> b.format() == f)) {
                throw new UsageError("--format " + format + ": " + f.cliName() + " is named twice");
            }
            // With several formats, one without the granule asked for uses its own first one.
            Granule fg = names.length > 1 && !f.granules().contains(g) ? f.granules().get(0) : g;
            try {
                bases.add(new PgtableConfig(f, fg, ias != null ? ias : f.maxIas(), oas != null ? oas : f.maxOas(), quirkBits(), coherent()));
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage() + (names.length > 1 ? " (with --format " + format + ")" : "") + " (see lockstep formats)");
            }
            try {
                // With several formats, each format's model takes the options it knows.
                (names.length > 1 ? options.forFormat(f) : options).effective(f);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
        }
        ModelOptions given = options;
        for (String name : given.assignments().keySet()) {
            if (bases.stream().noneMatch(b -> given.forFormat(b.format()).assignments().containsKey(name))) {
                throw new UsageError("unknown model option '" + name + "' for " + format + "; see docs/model.md and docs/model-dart-uat.md");
            }
        }
        ConfigSpace space;
        try {
            space = new ConfigSpace(bases, vary != null ? ConfigSpace.parseVary(vary) : coverageGuided ? unpinned() : Set.of(), options);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        if (space.vary().contains(ConfigSpace.Dimension.QUIRKS) && qemu()) {
            throw new UsageError("--vary " + vary + ": QEMU is programmed through TTBR0 only, so quirks cannot vary under --judge/--target qemu; "
                    + "leave quirks out of --vary or give them with --quirks");
        }
        PgtableConfig cfg = space.primary();
        PgtableFormat fmt = cfg.format();
        if (batch < 1 || batch > 4096) {
            throw new UsageError("--batch " + batch + ": use 1 to 4096");
        }
        if (inFlight < 1 || inFlight > 8) {
            throw new UsageError("--in-flight " + inFlight + ": use 1 to 8");
        }
        if (parallel < 1 || parallel > 8) {
            throw new UsageError("--parallel " + parallel + ": use 1 to 8");
        }
        if (maxOps != null && maxOps <= 0) {
            throw new UsageError("--ops " + maxOps + ": give a positive number of operations");
        }
        long seconds = budgetSeconds();
        long theSeed = seedOrNow();
        Path dir = outOrDefault((bases.size() > 1 ? "mixed" : fmt.cliName()) + "-" + cfg.granule().label());
        checkFresh(dir);
        KnownDivergences known = loadKnown();
        targetOptions.validate();
        for (PgtableConfig b : bases) {
            targetOptions.checkFormat(b.format());
        }
        String command = "lockstep fuzz --target " + targetOptions.target + (targetOptions.judge != null ? " --judge " + targetOptions.judge : "")
                + " --format " + format.replace(" ", "") + " --granule " + cfg.granule().label()
                + (ias != null || bases.size() == 1 ? " --ias " + cfg.ias() : "") + (oas != null || bases.size() == 1 ? " --oas " + cfg.oas() : "")
                + (space.vary().isEmpty() ? "" : " --vary " + space.varyArgument()) + (coverageGuided ? " --coverage-guided" : "") + " --seed " + theSeed
                + (maxOps != null ? " --ops " + maxOps : "") + (seconds > 0 ? " --duration " + seconds + "s" : "")
                + (cfg.quirks() != 0 ? " --quirks " + Quirk.describe(cfg.quirks()) : "")
                + (cfg.coherentWalk() ? "" : " --walk non-coherent")
                + " --batch " + batch + (targetOptions.kernelSrc != null ? " --kernel-src " + targetOptions.kernelSrc : "");
        System.err.println("lockstep: " + command + "  -> " + dir);
        CampaignSettings settings = new CampaignSettings(cfg, options, theSeed, maxOps == null ? 0 : maxOps, seconds, batch,
                misuseRate, shrinkAttempts, shrinkMillis, dir, command);
        try {
            Files.createDirectories(dir);
            new RunManifest(settings, targetOptions.asMap()).store(dir);
        } catch (IOException e) {
            throw new UsageError("cannot write to " + dir + ": " + e.getMessage());
        }
        return run(settings, known, null, space);
    }

    /** Whether QEMU judges or runs the tables (it walks through TTBR0 only, so ARM_TTBR1 is refused there). */
    private boolean qemu() {
        return targetOptions.judge != null || "qemu".equals(targetOptions.target);
    }

    /** What a coverage-guided campaign varies unless --vary says: every ALLOC parameter the command line leaves open. */
    private Set<ConfigSpace.Dimension> unpinned() {
        Set<ConfigSpace.Dimension> d = java.util.EnumSet.allOf(ConfigSpace.Dimension.class);
        if (granule != null) {
            d.remove(ConfigSpace.Dimension.GRANULE);
        }
        if (ias != null) {
            d.remove(ConfigSpace.Dimension.IAS);
        }
        if (oas != null) {
            d.remove(ConfigSpace.Dimension.OAS);
        }
        if (!quirks.isEmpty() || qemu()) {
            // QEMU is programmed through TTBR0 only, so the quirks stay what the command line says there.
            d.remove(ConfigSpace.Dimension.QUIRKS);
        }
        return d;
    }

    /** --duration in whole seconds; 60 s when neither --duration nor --ops bounds the run; 0 for no time limit. */
    private long budgetSeconds() {
        return durationMillis != null ? Math.max(1, durationMillis / 1000) : (maxOps == null ? 60 : 0);
    }

    private long seedOrNow() {
        return seed != null ? seed : System.currentTimeMillis();
    }

    /** --out, or out/NAME-TIME. */
    private Path outOrDefault(String name) {
        return out != null ? out : Path.of("out", name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** The RTKit campaign: the bench plays the coprocessor against the real rtkit.c (docs/rtkit-campaign.md). */
    private Integer rtkit() throws UsageError {
        long secs = budgetSeconds();
        long theSeed = seedOrNow();
        Path dir = outOrDefault("rtkit");
        checkFresh(dir);
        Path known = knownFile != null ? knownFile : AgentBuild.root().resolve("known-divergences.ini");
        targetOptions.validate();
        targetOptions.checkRtkit();
        System.err.println("lockstep: RTKit campaign, seed " + theSeed + "  -> " + dir);
        RtkitCampaign.Settings settings = new RtkitCampaign.Settings(theSeed, maxOps == null ? Long.MAX_VALUE : maxOps,
                secs > 0 ? java.time.Duration.ofSeconds(secs) : java.time.Duration.ofDays(365), modelOptions);
        try {
            Files.createDirectories(dir);
            new RtkitManifest(settings, targetOptions.asMap()).store(dir);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        } catch (IOException e) {
            throw new UsageError("cannot write to " + dir + ": " + e.getMessage());
        }
        return RtkitCampaign.run(dir, settings, Files.isRegularFile(known) ? java.util.Optional.of(known) : java.util.Optional.empty(),
                failOnFindings, System.err, targetOptions.rtkitOpener());
    }

    /** --resume on a directory an RTKit campaign wrote: its own manifest, the same loop. */
    private Integer resumeRtkit(CampaignSummary earlier) throws UsageError {
        RtkitManifest manifest;
        try {
            manifest = RtkitManifest.load(resume);
        } catch (ReproducerFormatException e) {
            throw new UsageError("--resume " + e.getMessage());
        }
        targetOptions.restore(manifest.target());
        targetOptions.validate();
        Path known = knownFile != null ? knownFile : AgentBuild.root().resolve("known-divergences.ini");
        if (knownFile != null && !Files.isRegularFile(knownFile)) {
            throw new UsageError("--known " + knownFile + ": no such file");
        }
        System.err.println("lockstep: resuming " + RtkitCampaign.command(manifest.settings()) + "  -> " + resume
                + (earlier == null ? "" : " (" + earlier.operations() + " steps, " + earlier.findings().size() + " findings so far)"));
        return RtkitCampaign.run(resume, manifest.settings(), Files.isRegularFile(known) ? java.util.Optional.of(known)
                : java.util.Optional.empty(), failOnFindings, System.err, targetOptions.rtkitOpener(), java.util.Optional.ofNullable(earlier));
    }

    private Integer resume() throws UsageError {
        boolean rtkit = RtkitManifest.describes(resume);
        RunManifest manifest = null;
        if (!rtkit) {
            try {
                manifest = RunManifest.load(resume);
            } catch (ReproducerFormatException e) {
                throw new UsageError("--resume " + e.getMessage());
            }
        }
        CampaignSummary earlier = null;
        Path summaryFile = resume.resolve("summary.json");
        if (Files.exists(summaryFile)) {
            try {
                earlier = SummaryJson.read(summaryFile);
            } catch (ResultFormatException e) {
                throw new UsageError(e.getMessage());
            }
            if (earlier.complete()) {
                System.out.println("the campaign in " + resume + " is complete; nothing to resume (summary: " + summaryFile + ")");
                return 0;
            }
        }
        if (rtkit) {
            return resumeRtkit(earlier);
        }
        targetOptions.restore(manifest.target());
        targetOptions.validate();
        System.err.println("lockstep: resuming " + manifest.settings().command() + "  -> " + resume
                + (earlier == null ? "" : " (" + earlier.operations() + " operations, " + earlier.findings().size() + " findings so far)"));
        return run(manifest.settings(), loadKnown(), earlier, null);
    }

    /** space: the ALLOC parameters cases draw from; null on --resume, where the run directory keeps them. */
    private Integer run(CampaignSettings settings, KnownDivergences known, CampaignSummary earlier, ConfigSpace space) throws UsageError {
        Path dir = settings.out();
        try (Target target = targetOptions.open(dir, settings.options())) {
            System.err.println("lockstep: target " + target.describe().kind() + " on " + target.describe().port()
                    + ": " + target.info().driverVersion());
            Campaign campaign = new Campaign(target, settings, known, System.err).coverageGuided(coverageGuided).varying(space).inFlight(inFlight).parallel(parallel);
            if (earlier != null) {
                campaign.resumeFrom(earlier);
            }
            CampaignSummary summary = campaign.run();
            print(summary, dir);
            long unknown = summary.findings().stream().filter(f -> !f.known()).count();
            return failOnFindings && unknown > 0 ? 1 : 0;
        } catch (TargetFailure e) {
            System.err.println("lockstep: the campaign stopped: " + e.getMessage() + "; results so far are in " + dir
                    + " (continue with: lockstep fuzz --resume " + dir + ")");
            return 2;
        } catch (IOException e) {
            System.err.println("lockstep: cannot write results to " + dir + ": " + e.getMessage());
            return 2;
        }
    }

    private static void checkFresh(Path dir) throws UsageError {
        if (Files.exists(dir.resolve("summary.json"))) {
            throw new UsageError("--out " + dir + " already holds a campaign (summary.json); choose a new directory so nothing is overwritten");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageError("--out " + dir + " is a file; choose a directory");
        }
    }

    private KnownDivergences loadKnown() throws UsageError {
        Path file = knownFile != null ? knownFile : AgentBuild.root().resolve("known-divergences.ini");
        if (!Files.isRegularFile(file)) {
            if (knownFile != null) {
                throw new UsageError("--known " + knownFile + ": no such file");
            }
            return KnownDivergences.none();
        }
        try {
            return KnownDivergences.load(file);
        } catch (KnownDivergences.KnownDivergencesException e) {
            throw new UsageError(e.getMessage());
        } catch (IOException e) {
            throw new UsageError("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void print(CampaignSummary s, Path dir) {
        System.out.printf("%d operations in %.1f s: %.0f ops/s; coverage %d/%d bins; %d findings (%d known)%n",
                s.operations(), s.elapsedSeconds(), s.opsPerSecond(), s.coverage().getOrDefault("bins_hit", 0L),
                s.coverage().getOrDefault("bins_total", 0L), s.findings().size(), s.findings().stream().filter(Finding::known).count());
        for (Finding f : s.findings()) {
            System.out.printf("  [depth %d%s] %s  (x%d)%n      %s%n", f.depth(), f.known() ? ", known" : "", f.title(), f.count(), f.replayCommand());
        }
        System.out.println("summary: " + dir.resolve("summary.json"));
    }
}
