package dev.lockstep.bench.rtkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.cli.Main;
import dev.lockstep.bench.engine.ReproducerFormatException;
import dev.lockstep.bench.target.AgentBuild;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.CampaignTimeline;
import dev.lockstep.reports.Finding;
import dev.lockstep.reports.SummaryJson;
import dev.lockstep.reports.TimelinePoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An RTKit campaign killed with -9 resumes from its directory: nothing lost, nothing found twice, one timeline. */
class RtkitResumeTest {
    @TempDir
    Path dir;

    @Test
    void aKilledRtkitCampaignResumesWithEveryFindingAndOneTimeline() throws Exception {
        AgentBuild.build(java.util.Optional.empty(), false);
        Path out = dir.resolve("run");
        long budget = 20_000;
        Process bench = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dlockstep.root=" + AgentBuild.root(),
                Main.class.getName(), "fuzz", "--format", "rtkit", "--ops", Long.toString(budget), "--seed", "5", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
        CampaignSummary before = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && bench.isAlive()) {
            Thread.sleep(100);
            Path f = out.resolve("summary.json");
            if (Files.exists(f)) {
                CampaignSummary s = SummaryJson.read(f);
                if (s.findings().size() >= 3) {
                    before = s;
                    break;
                }
            }
        }
        assertTrue(before != null, "the campaign found nothing to keep before the deadline; log: " + Files.readString(dir.resolve("first.log")));
        bench.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertFalse(bench.isAlive());
        CampaignSummary killed = SummaryJson.read(out.resolve("summary.json"));
        assertFalse(killed.complete(), "killed before the end, the summary must say it is not complete");
        assertTrue(killed.operations() < budget, "the run ended before the kill: " + killed.operations());
        assertTrue(RtkitManifest.describes(out));

        assertEquals(0, Main.execute("fuzz", "--resume", out.toString()));

        CampaignSummary after = SummaryJson.read(out.resolve("summary.json"));
        assertTrue(after.complete());
        assertEquals("rtkit", after.format());
        assertTrue(after.operations() >= budget, "steps: " + after.operations());
        assertTrue(after.elapsedSeconds() >= killed.elapsedSeconds());
        assertTrue(after.health().get("cases") > killed.health().get("cases"));
        Map<String, Finding> byTitle = after.findings().stream().collect(Collectors.toMap(Finding::title, Function.identity()));
        assertEquals(after.findings().size(), byTitle.size(), "a finding is listed twice");
        for (Finding f : killed.findings()) {
            Finding now = byTitle.get(f.title());
            assertTrue(now != null, "lost: " + f.title());
            assertTrue(now.count() >= f.count(), "count went down for " + f.title());
            assertEquals(f.id(), now.id());
            assertTrue(Files.exists(out.resolve(now.reproducer())), now.reproducer());
        }
        Set<String> dirs;
        try (Stream<Path> s = Files.list(out.resolve("findings"))) {
            dirs = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(HashSet::new));
        }
        assertEquals(after.findings().stream().map(Finding::id).collect(Collectors.toSet()), dirs);
        // Coverage bins carry over: the resumed run's set includes every bin the killed one had hit.
        killed.coverage().keySet().stream().filter(k -> k.startsWith("bin:"))
                .forEach(k -> assertTrue(after.coverage().getOrDefault(k, 0L) >= killed.coverage().get(k), k));
        // One curve across the kill: time and steps never go back, and it ends where the summary does.
        CampaignTimeline t = CampaignTimeline.read(out.resolve("timeline.jsonl"));
        List<TimelinePoint> points = t.points();
        assertTrue(points.size() >= 2, t.notes().toString());
        for (int i = 1; i < points.size(); i++) {
            assertTrue(points.get(i).t() >= points.get(i - 1).t() && points.get(i).ops() >= points.get(i - 1).ops(),
                    "timeline goes back at line " + (i + 1));
        }
        assertEquals(after.operations(), t.last().ops());
        assertEquals(after.findings().size(), t.last().findings());
        assertTrue(Files.exists(out.resolve("report.md")));
        assertTrue(Files.exists(out.resolve("allure-results")));

        // Complete now: a second resume does nothing.
        assertEquals(0, Main.execute("fuzz", "--resume", out.toString()));
        assertEquals(after.operations(), SummaryJson.read(out.resolve("summary.json")).operations());
    }

    @Test
    void theManifestKeepsSeedBudgetEveryModelOptionAndTheTarget() throws Exception {
        RtkitCampaign.Settings s = new RtkitCampaign.Settings(42, 5000, Duration.ofSeconds(90), List.of("oslog=BUFFER_REQUEST"));
        new RtkitManifest(s, Map.of("kind", "host", "sanitize", "true")).store(dir);
        assertTrue(RtkitManifest.describes(dir));
        RtkitManifest m = RtkitManifest.load(dir);
        assertEquals(42, m.settings().seed());
        assertEquals(5000, m.settings().maxSteps());
        assertEquals(Duration.ofSeconds(90), m.settings().duration());
        assertTrue(m.settings().modelOptions().contains("oslog=BUFFER_REQUEST"), m.settings().modelOptions().toString());
        assertTrue(m.settings().modelOptions().contains("zeroSizeBuffer=REPLY_EMPTY"), "every option is stored, defaults too");
        assertEquals("true", m.target().get("sanitize"));
        assertEquals("lockstep fuzz --format rtkit --seed 42 --ops 5000 --duration 90s --model-option oslog=BUFFER_REQUEST",
                RtkitCampaign.command(m.settings()));
    }

    @Test
    void aDamagedManifestIsOneLineNamingTheFile() throws Exception {
        Files.writeString(dir.resolve("campaign.properties"), "format=rtkit\nseed=x\n");
        assertTrue(RtkitManifest.describes(dir));
        ReproducerFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ReproducerFormatException.class,
                () -> RtkitManifest.load(dir));
        assertTrue(e.getMessage().contains("campaign.properties") && !e.getMessage().contains("\n"), e.getMessage());
        assertEquals(2, Main.execute("fuzz", "--resume", dir.toString()));
    }
}
