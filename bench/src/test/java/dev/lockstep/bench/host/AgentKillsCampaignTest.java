package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.engine.Campaign;
import dev.lockstep.bench.engine.CampaignSettings;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.link.LinkFaults;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.Target;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Finding;
import dev.lockstep.reports.SummaryJson;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's "done when": a campaign whose agent is SIGKILLed every thousand operations, over a line
 * that also corrupts and drops frames, finds exactly the titles the same seed finds on a clean,
 * immortal target, and its health counts the kills and the rebuilt cases.
 */
class AgentKillsCampaignTest {
    private static final long SEED = 5;
    private static final long OPS = 4000;
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    private CampaignSummary run(String name, LinkFaults faults) throws Exception {
        Path out = dir.resolve(name);
        Files.createDirectories(out);
        CampaignSettings settings = new CampaignSettings(
                new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 0, true),
                ModelOptions.none(), SEED, OPS, 0, 8, 0.01, 150, 30_000, out, "test");
        try (Target t = new AgentTarget("host", new HostAgentProcess(HostAgents.binary(), HostAgentProcess.Mode.PTY,
                out.resolve("agent.log")), 10_000, faults)) {
            // One case at a time on both: a target that kills its agent runs cases no other way.
            new Campaign(t, settings, KnownDivergences.none(), QUIET).parallel(1).run();
        }
        return SummaryJson.read(out.resolve("summary.json"));
    }

    private static List<String> titles(CampaignSummary s) {
        return s.findings().stream().map(Finding::title).sorted().toList();
    }

    @Test
    void killedAgentsAndANoisyLineFindWhatACleanRunFinds() throws Exception {
        CampaignSummary clean = run("clean", LinkFaults.none());
        CampaignSummary faulty = run("faulty", LinkFaults.parse("corrupt=0.01,drop=0.005,kill=1000,seed=" + SEED));
        Map<String, Long> h = faulty.health();
        System.out.println("clean " + clean.operations() + " ops in " + clean.elapsedSeconds() + " s, findings " + titles(clean));
        System.out.println("faulty " + faulty.operations() + " ops in " + faulty.elapsedSeconds() + " s, health " + h);

        assertTrue(!titles(clean).isEmpty(), "the clean run found nothing, so the comparison proves little");
        assertEquals(titles(clean), titles(faulty), "an injected kill or a link fault became a finding, or hid one");
        assertEquals(clean.operations(), faulty.operations());
        assertTrue(faulty.findings().stream().noneMatch(f -> f.title().startsWith("crash") || f.title().startsWith("hang"))
                || titles(clean).stream().anyMatch(t -> t.startsWith("crash") || t.startsWith("hang")), "a kill was taken for a crash");

        // Kills fall due every 1000 operations of the campaign and of its shrinker runs.
        assertTrue(h.get("injected_kill") >= OPS / 1000 - 1, h.toString());
        assertEquals(h.get("injected_kill"), h.get("kill_recoveries"), "a kill was not followed by a rebuilt case: " + h);
        assertTrue(h.get("replayed_operations") > 0, h.toString());
        assertEquals(0L, h.get("agent_restarts"), "an injected kill was counted as a crash restart");
        assertTrue(h.get("injected_corrupt") > 0 && h.get("injected_drop") > 0, h.toString());
        assertTrue(!clean.health().containsKey("injected_kill"), "a run without kills reports none");
    }
}
