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
import dev.lockstep.reports.AtomicFiles;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Category;
import dev.lockstep.reports.Finding;
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
        try {
            Files.createDirectories(out);
            if (Files.exists(out.resolve("summary.json"))) {
                log.println("lockstep: " + out + " already holds a campaign; choose another --out");
                return 2;
            }
            KnownDivergences known = knownFile.isPresent() ? KnownDivergences.load(knownFile.get()) : KnownDivergences.none();
            try (AgentTarget t = opener.open(out)) {
                CampaignSummary sum = run(t, out, s, known, log);
                long unknown = sum.findings().stream().filter(f -> !f.known()).count();
                return failOnFindings && unknown > 0 ? 1 : 0;
            }
        } catch (IllegalArgumentException | KnownDivergences.KnownDivergencesException | TargetSetupException e) {
            log.println("lockstep: " + e.getMessage());
            return 2;
        } catch (IOException | TargetFailure e) {
            log.println("lockstep: the RTKit campaign stopped: " + e.getMessage());
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

    /** The campaign loop on an open target; returns the summary it wrote last. */
    public static CampaignSummary run(AgentTarget t, Path out, Settings s, KnownDivergences known, PrintStream log)
            throws IOException, TargetFailure {
        RtkitOptions options = RtkitOptions.defaults();
        for (String a : s.modelOptions()) {
            options = options.with(a);
        }
        ApModel model = new ApModel(options, ClientOps.withoutShmemOps());
        FirmwareModel fw = new FirmwareModel(FirmwareDescription.typical(options.layout()));
        RtkitGenerator gen = new RtkitGenerator(fw, s.seed());
        RtkitCoverage coverage = new RtkitCoverage();
        RtkitCaseRunner runner = new RtkitCaseRunner(t, model, coverage);
        RtkitCaseRunner quiet = new RtkitCaseRunner(t, model, null);
        Map<String, Finding> findings = new LinkedHashMap<>();
        Instant start = Instant.now();
        long deadline = System.nanoTime() + s.duration().toNanos();
        long steps = 0;
        long messages = 0;
        long cases = 0;
        long shrinkAttempts = 0;
        long lastWrite = System.nanoTime();
        CampaignSummary sum = null;
        while (steps < s.maxSteps() && System.nanoTime() < deadline) {
            List<RtkitStep> c = gen.nextCase(10 + (int) (cases % 30));
            RtkitCaseRunner.Result r = runner.run(c);
            cases++;
            steps += r.steps();
            messages += r.messages();
            for (Divergence d : r.divergences()) {
                Finding f = findings.get(d.title());
                if (f != null) {
                    findings.put(d.title(), count(f));
                    continue;
                }
                RtkitShrinker sh = new RtkitShrinker(quiet::divergences, 200);
                List<RtkitStep> min = sh.shrink(c, d);
                shrinkAttempts += sh.attempts();
                List<Divergence> once = quiet.divergences(min);
                List<Divergence> twice = quiet.divergences(min);
                boolean stable = titles(once).contains(d.title()) && titles(once).equals(titles(twice));
                RtkitReproducer rep = new RtkitReproducer(d.title(), options.asMap(), s.seed(), min);
                findings.put(d.title(), store(out, minimised(d, once), steps, rep, stable, known));
                log.println("finding: " + d.title());
            }
            if (System.nanoTime() - lastWrite > 1_000_000_000L) {
                sum = summary(t, s, start, steps, messages, cases, shrinkAttempts, runner.frames + quiet.frames, coverage, findings, false);
                SummaryJson.write(out.resolve("summary.json"), sum);
                lastWrite = System.nanoTime();
            }
        }
        sum = summary(t, s, start, steps, messages, cases, shrinkAttempts, runner.frames + quiet.frames, coverage, findings, true);
        SummaryJson.write(out.resolve("summary.json"), sum);
        log.printf("rtkit: %d steps in %d cases, %.0f messages/s, bins %d/%d, %d findings%n", steps, cases,
                messages / Math.max(1e-9, sum.elapsedSeconds()), coverage.hitCount(), RtkitCoverage.total(), findings.size());
        return sum;
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

    private static CampaignSummary summary(AgentTarget t, Settings s, Instant start, long steps, long messages, long cases,
                                           long shrinks, long frames, RtkitCoverage cov, Map<String, Finding> findings, boolean complete) {
        Instant now = Instant.now();
        double secs = Math.max(1e-3, Duration.between(start, now).toNanos() / 1e9);
        Map<String, Long> health = new LinkedHashMap<>(t.health());
        health.put("cases", cases);
        health.put("messages", messages);
        health.put("messages_per_second", Math.round(messages / secs));
        health.put("rtkit_frames", frames);
        health.put("shrink_attempts", shrinks);
        return new CampaignSummary(null, "", "fuzz --format rtkit --seed " + s.seed(), t.describe(), "rtkit", "-", s.seed(), steps,
                secs, steps / secs, start, now, complete, new ArrayList<>(findings.values()), cov.asMap(), health);
    }
}
