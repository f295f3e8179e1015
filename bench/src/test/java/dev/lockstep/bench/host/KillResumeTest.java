package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.cli.Main;
import dev.lockstep.bench.target.AgentBuild;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Finding;
import dev.lockstep.reports.SummaryJson;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** kill -9 the bench in the middle of a campaign, resume it, and lose nothing and duplicate nothing. */
class KillResumeTest {
    @TempDir
    Path dir;

    @Test
    void aKilledCampaignResumesWithEveryFindingAndNoDuplicates() throws Exception {
        HostAgents.binary();
        Path out = dir.resolve("run");
        Process bench = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dlockstep.root=" + AgentBuild.root(),
                Main.class.getName(), "fuzz", "--ops", "60000", "--seed", "5", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
        CampaignSummary before = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
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
        assertTrue(killed.operations() < 60000);

        assertEquals(0, Main.execute("fuzz", "--resume", out.toString()));

        CampaignSummary after = SummaryJson.read(out.resolve("summary.json"));
        assertTrue(after.complete());
        assertTrue(after.operations() >= 60000, "operations: " + after.operations());
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
        List<String> timeline = Files.readAllLines(out.resolve("timeline.jsonl"));
        assertTrue(timeline.size() >= 2);
    }

    @Test
    void resumingACompleteCampaignDoesNothing() throws Exception {
        Path out = dir.resolve("done");
        assertEquals(0, Main.execute("fuzz", "--ops", "300", "--seed", "2", "--out", out.toString()));
        long ops = SummaryJson.read(out.resolve("summary.json")).operations();
        assertEquals(0, Main.execute("fuzz", "--resume", out.toString()));
        assertEquals(ops, SummaryJson.read(out.resolve("summary.json")).operations());
    }
}
