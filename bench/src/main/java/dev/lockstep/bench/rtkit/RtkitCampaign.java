package dev.lockstep.bench.rtkit;

import dev.lockstep.bench.engine.Divergence;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.engine.ReproducerFormatException;
import dev.lockstep.bench.target.AgentBuild;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.target.TargetSetupException;
import dev.lockstep.models.rtkit.ApModel;
import dev.lockstep.models.rtkit.ClientOps;
import dev.lockstep.models.rtkit.FirmwareDescription;
import dev.lockstep.models.rtkit.FirmwareModel;
import dev.lockstep.models.rtkit.RtkitOptions;
import dev.lockstep.bench.engine.Campaign;
import dev.lockstep.bench.engine.Timeline;
import dev.lockstep.reports.AllureResults;
import dev.lockstep.reports.AtomicFiles;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Category;
import dev.lockstep.reports.CampaignTimeline;
import dev.lockstep.reports.Finding;
import dev.lockstep.reports.MarkdownReport;
import dev.lockstep.reports.Statistics;
import dev.lockstep.reports.SummaryJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The RTKit differential campaign (`fuzz --format rtkit`) and replay of its reproducers: generated
 * cases run against rtkit.c in the host agent and the ApModel, each new title is shrunk, replayed
 * twice and stored under findings/ID, and summary.json is rewritten as the campaign goes.
 */
public final class RtkitCampaign {
    /** What to run: the steps (case steps, not frames) or time to spend, whichever ends first. */
    public record Settings(long seed, long maxSteps, Duration duration, List<String> modelOptions) {
    }

    private RtkitCampaign() {
    }

    /** How the campaign reaches its agent: the command line's target options (kernel tree, sanitizer, port, link faults). */
    public interface Opener {
        AgentTarget open(Path dir) throws TargetSetupException;
    }

    /** Entry point for `lockstep fuzz --format rtkit` on the stock host agent. */
    public static int run(Path out, Settings s, Optional<Path> knownFile, boolean failOnFindings, PrintStream log) {
        return run(out, s, knownFile, failOnFindings, log, RtkitCampaign::open);
    }

    /** Entry point for `lockstep fuzz --format rtkit`. Exit 0, 1 (unknown findings with failOnFindings), 2 (bad input). */
    public static int run(Path out, Settings s, Optional<Path> knownFile, boolean failOnFindings, PrintStream log, Opener opener) {
        if (Files.exists(out.resolve("summary.json"))) {
            log.println("lockstep: " + out + " already holds a campaign; choose another --out, or continue it with --resume " + out);
            return 2;
        }
        return run(out, s, knownFile, failOnFindings, log, opener, Optional.empty());
    }

    /**
     * Entry point for `lockstep fuzz --resume DIR` on an RTKit campaign: goes on from the summary
     * the killed run left ({@code earlier}; empty when it was killed before writing one). Exit codes
     * as for a fresh run; a stop leaves a summary that can be resumed again.
     */
    public static int run(Path out, Settings s, Optional<Path> knownFile, boolean failOnFindings, PrintStream log, Opener opener,
                          Optional<CampaignSummary> earlier) {
        try {
            Files.createDirectories(out);
            KnownDivergences known = knownFile.isPresent() ? KnownDivergences.load(knownFile.get()) : KnownDivergences.none();
            try (AgentTarget t = opener.open(out)) {
                CampaignSummary sum = run(t, out, s, known, log, earlier);
                long unknown = sum.findings().stream().filter(f -> !f.known()).count();
                return failOnFindings && unknown > 0 ? 1 : 0;
            }
        } catch (IllegalArgumentException | KnownDivergences.KnownDivergencesException | TargetSetupException e) {
            log.println("lockstep: " + e.getMessage());
            return 2;
        } catch (IOException | TargetFailure e) {
            log.println("lockstep: the RTKit campaign stopped: " + e.getMessage() + "; results so far are in " + out
                    + " (continue with: lockstep fuzz --resume " + out + ")");
            return 2;
        }
    }

    /** Entry point for `lockstep replay FILE` on the stock host agent. */
    public static int replay(Path reproducer, PrintStream log) {
        return replay(reproducer, log, RtkitCampaign::open);
    }

    /** Entry point for `lockstep replay FILE` when RtkitReproducer.looksLike(FILE): exit 1 still reproduces, 0 gone, 2 bad input. */
    public static int replay(Path reproducer, PrintStream log, Opener opener) {
        try {
            RtkitReproducer r = RtkitReproducer.read(reproducer);
            Path dir = Files.createTempDirectory("lockstep-rtkit-replay");
            try (AgentTarget t = opener.open(dir)) {
                List<Divergence> d = replay(t, r);
                if (d.isEmpty()) {
                    log.println("gone: the case runs without divergence");
                    return 0;
                }
                Optional<Divergence> same = d.stream().filter(x -> x.title().equals(r.title())).findFirst();
                if (same.isPresent()) {
                    log.println("reproduces: " + r.title());
                    log.println(same.get().detail());
                    return 1;
                }
                log.println("gone: '" + r.title() + "' no longer fires, but another divergence does: " + d.get(0).title());
                log.println(d.get(0).detail());
                return 0;
            }
        } catch (IOException | ReproducerFormatException | IllegalArgumentException | TargetSetupException e) {
            log.println("lockstep: " + e.getMessage());
            return 2;
        } catch (TargetFailure e) {
            log.println("lockstep: the agent failed: " + e.getMessage());
            return 2;
        }
    }

    /** Runs a reproducer's steps on {@code t}; the divergences of its case. */
    public static List<Divergence> replay(AgentTarget t, RtkitReproducer r) throws TargetFailure {
        RtkitOptions o = RtkitOptions.defaults();
        for (Map.Entry<String, String> e : r.options().entrySet()) {
            o = o.with(e.getKey() + "=" + e.getValue());
        }
        return new RtkitCaseRunner(t, new ApModel(o, ClientOps.withoutShmemOps()), null).divergences(r.steps());
    }

    static AgentTarget open(Path dir) throws TargetSetupException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TargetSetupException("cannot create " + dir + ": " + e.getMessage());
        }
        Path bin = AgentBuild.build(Optional.empty(), false);
        return new AgentTarget("host", new HostAgentProcess(bin, HostAgentProcess.Mode.PTY, dir.resolve("agent.log")), 10_000);
    }

    /** The campaign loop on an open target, from the start; returns the summary it wrote last. */
    public static CampaignSummary run(AgentTarget t, Path out, Settings s, KnownDivergences known, PrintStream log)
            throws IOException, TargetFailure {
        return run(t, out, s, known, log, Optional.empty());
    }

    /**
     * The campaign loop on an open target; with {@code earlier}, it goes on from the summary a killed
     * run of the same directory left: its findings (none is found twice), counters, coverage bins and
     * clock. The budget (steps, time) is the whole campaign's, not this run's. Cases go on from a
     * generator seeded by the seed and the cases already run, so a resumed campaign is reproducible
     * too (a campaign from the start uses the seed itself).
     */
    public static CampaignSummary run(AgentTarget t, Path out, Settings s, KnownDivergences known, PrintStream log,
                                      Optional<CampaignSummary> earlier) throws IOException, TargetFailure {
        RtkitOptions options = RtkitOptions.defaults();
        for (String a : s.modelOptions()) {
            options = options.with(a);
        }
        ApModel model = new ApModel(options, ClientOps.withoutShmemOps());
        FirmwareModel fw = new FirmwareModel(FirmwareDescription.typical(options.layout()));
        RtkitCoverage coverage = new RtkitCoverage();
        RtkitCaseRunner runner = new RtkitCaseRunner(t, model, coverage);
        RtkitCaseRunner quiet = new RtkitCaseRunner(t, model, null);
        Map<String, Finding> findings = new LinkedHashMap<>();
        Progress p = new Progress();
        Instant start = Instant.now();
        if (earlier.isPresent()) {
            CampaignSummary e = earlier.get();
            e.findings().forEach(f -> findings.put(f.title(), f));
            p.steps = e.operations();
            p.cases = e.health().getOrDefault("cases", 0L);
            p.messages = e.health().getOrDefault("messages", 0L);
            p.shrinkAttempts = e.health().getOrDefault("shrink_attempts", 0L);
            p.framesBefore = e.health().getOrDefault("rtkit_frames", 0L);
            p.elapsedBefore = e.elapsedSeconds();
            start = e.startedAt();
            e.coverage().forEach(coverage::restore);
        }
        RtkitGenerator gen = new RtkitGenerator(fw, s.seed(), p.cases);
        AllureResults allure = new AllureResults(out.resolve("allure-results"));
        long runStart = System.nanoTime();
        long lastWrite = runStart;
        CampaignSummary sum;
        try (Timeline timeline = new Timeline(out.resolve(CampaignTimeline.FILE_NAME))) {
            while (p.steps < s.maxSteps() && p.elapsed(runStart) < s.duration().toNanos() / 1e9) {
                List<RtkitStep> c = gen.nextCase(10 + (int) (p.cases % 30));
                RtkitCaseRunner.Result r = runner.run(c);
                p.cases++;
                p.steps += r.steps();
                p.messages += r.messages();
                for (Divergence d : r.divergences()) {
                    Finding f = findings.get(d.title());
                    if (f != null) {
                        findings.put(d.title(), count(f));
                        continue;
                    }
                    RtkitShrinker sh = new RtkitShrinker(quiet::divergences, 200);
                    List<RtkitStep> min = sh.shrink(c, d);
                    p.shrinkAttempts += sh.attempts();
                    // Saved with the word of two replays of the minimised case: the same divergences,
                    // details and transcripts included, both times.
                    List<Divergence> once = quiet.divergences(min);
                    List<Divergence> twice = quiet.divergences(min);
                    boolean stable = titles(once).contains(d.title()) && once.equals(twice);
                    RtkitReproducer rep = new RtkitReproducer(d.title(), options.asMap(), s.seed(), min);
                    Finding stored = store(out, minimised(d, once), p.steps, rep, stable, known);
                    findings.put(d.title(), stored);
                    p.frames = runner.frames + quiet.frames;
                    // The summary follows at once, so a kill now loses no finding for --resume.
                    CampaignSummary now = summary(t, s, start, p, runStart, coverage, findings, false);
                    SummaryJson.write(out.resolve("summary.json"), now);
                    allure.writeFinding(now, stored, Map.of("reproducer.lst", rep.text(), "detail.txt", stored.detail()));
                    log.println("finding: " + d.title() + (stored.known() ? "  (known)" : ""));
                }
                p.frames = runner.frames + quiet.frames;
                timeline.maybeRecord(p.elapsed(runStart), p.steps, findings.size(), knownCount(findings), coverage.hitCount(),
                        RtkitCoverage.total(), 0, false);
                if (System.nanoTime() - lastWrite > 1_000_000_000L) {
                    SummaryJson.write(out.resolve("summary.json"), summary(t, s, start, p, runStart, coverage, findings, false));
                    lastWrite = System.nanoTime();
                }
            }
            p.frames = runner.frames + quiet.frames;
            timeline.maybeRecord(p.elapsed(runStart), p.steps, findings.size(), knownCount(findings), coverage.hitCount(),
                    RtkitCoverage.total(), 0, true);
        }
        sum = summary(t, s, start, p, runStart, coverage, findings, true);
        SummaryJson.write(out.resolve("summary.json"), sum, Statistics.of(sum, CampaignTimeline.read(out.resolve(CampaignTimeline.FILE_NAME))));
        allure.writeCampaign(sum);
        MarkdownReport.write(out.resolve("report.md"), sum);
        log.printf("rtkit: %d steps in %d cases, %.0f messages/s, bins %d/%d, %d findings (%d known)%n", p.steps, p.cases,
                p.messages / Math.max(1e-9, sum.elapsedSeconds()), coverage.hitCount(), RtkitCoverage.total(), findings.size(),
                knownCount(findings));
        return sum;
    }

    /** The campaign's counters, over this run and the runs it resumed. */
    private static final class Progress {
        long steps;
        long messages;
        long cases;
        long shrinkAttempts;
        long frames;
        long framesBefore;
        double elapsedBefore;

        double elapsed(long runStart) {
            return elapsedBefore + (System.nanoTime() - runStart) / 1e9;
        }
    }

    private static long knownCount(Map<String, Finding> findings) {
        return findings.values().stream().filter(Finding::known).count();
    }

    /**
     * The divergence as the minimised case shows it: detail.txt describes the reproducer next to it
     * (what its replay prints), not the longer case the finding was first seen in, whose counts and
     * transcripts may differ. Falls back to the original when the minimised case lost the title.
     */
    static Divergence minimised(Divergence original, List<Divergence> ofMinimisedCase) {
        return ofMinimisedCase.stream().filter(x -> x.title().equals(original.title())).findFirst()
                .map(x -> new Divergence(x.title(), x.depth(), x.category(), original.opIndex(), x.detail(), original.fatal()))
                .orElse(original);
    }

    private static List<String> titles(List<Divergence> d) {
        return d.stream().map(Divergence::title).toList();
    }

    private static Finding count(Finding f) {
        return new Finding(f.id(), f.title(), f.depth(), f.depthName(), f.category(), f.known(), f.knownReason(), f.knownSource(),
                f.firstSeenOperation(), f.firstSeen(), f.count() + 1, f.reproducer(), f.replayCommand(), f.detail());
    }

    private static Finding store(Path out, Divergence d, long step, RtkitReproducer rep, boolean stable, KnownDivergences known)
            throws IOException {
        String id = Finding.idOf(d.title());
        Path dir = out.resolve("findings").resolve(id);
        Path file = dir.resolve("reproducer.lst");
        rep.write(file);
        String detail = d.detail() + "\n" + (stable ? "replays identically twice" : "does NOT replay identically");
        AtomicFiles.write(dir.resolve("detail.txt"), (d.title() + "\n\n" + detail).getBytes(StandardCharsets.UTF_8));
        Optional<KnownDivergences.Entry> k = known.match(d.title());
        String rel = out.relativize(file).toString();
        return new Finding(id, d.title(), d.depth(), Divergence.depthName(d.depth()),
                k.isPresent() ? Category.KNOWN_DIVERGENCE : d.category(), k.isPresent(), k.map(KnownDivergences.Entry::reason).orElse(""),
                k.map(KnownDivergences.Entry::source).orElse(""), step, Instant.now(), 1, rel, "./lockstep replay " + out.resolve(rel),
                detail);
    }

    private static CampaignSummary summary(AgentTarget t, Settings s, Instant start, Progress p, long runStart, RtkitCoverage cov,
                                           Map<String, Finding> findings, boolean complete) {
        double secs = Math.max(1e-3, p.elapsed(runStart));
        Map<String, Long> health = new LinkedHashMap<>(t.health());
        health.put("cases", p.cases);
        health.put("messages", p.messages);
        health.put("messages_per_second", Math.round(p.messages / secs));
        health.put("rtkit_frames", p.framesBefore + p.frames);
        health.put("shrink_attempts", p.shrinkAttempts);
        return new CampaignSummary(CampaignSummary.SCHEMA, Campaign.VERSION, command(s), t.describe(), "rtkit", "-", s.seed(),
                p.steps, secs, p.steps / secs, start, Instant.now(), complete, new ArrayList<>(findings.values()), cov.asMap(), health);
    }

    /** The command that runs this campaign from the start, for summary.json and the report. */
    public static String command(Settings s) {
        StringBuilder b = new StringBuilder("lockstep fuzz --format rtkit --seed ").append(s.seed());
        if (s.maxSteps() != Long.MAX_VALUE) {
            b.append(" --ops ").append(s.maxSteps());
        }
        if (s.duration().compareTo(Duration.ofDays(365)) < 0) {
            b.append(" --duration ").append(s.duration().toSeconds()).append('s');
        }
        // Only the options that differ from the defaults: a resumed campaign's settings name them all.
        Map<String, String> defaults = RtkitOptions.defaults().asMap();
        RtkitOptions o = RtkitOptions.defaults();
        for (String a : s.modelOptions()) {
            o = o.with(a);
        }
        o.asMap().forEach((k, v) -> {
            if (!v.equals(defaults.get(k))) {
                b.append(" --model-option ").append(k).append('=').append(v);
            }
        });
        return b.toString();
    }
}
