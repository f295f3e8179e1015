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
 * Issue 9: a campaign over a link that corrupts and drops frames both ways finds exactly what the
 * same campaign finds over a clean link, and its health shows the faults and the recoveries.
 */
class LinkFaultsCampaignTest {
    private static final long SEED = 5;
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    private CampaignSummary run(String name, LinkFaults faults) throws Exception {
        Path out = dir.resolve(name);
        Files.createDirectories(out);
        CampaignSettings settings = new CampaignSettings(
                new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 0, true),
                ModelOptions.none(), SEED, 3000, 0, 32, 0.01, 150, 30_000, out, "test");
        try (Target t = new AgentTarget("host", new HostAgentProcess(HostAgents.binary(), HostAgentProcess.Mode.PTY,
                out.resolve("agent.log")), 10_000, faults)) {
            new Campaign(t, settings, KnownDivergences.none(), QUIET).run();
        }
        return SummaryJson.read(out.resolve("summary.json"));
    }

    private static List<String> titles(CampaignSummary s) {
        return s.findings().stream().map(Finding::title).sorted().toList();
    }

    @Test
    void aNoisyLinkFindsWhatACleanOneFindsAndShowsItsRecoveries() throws Exception {
        CampaignSummary clean = run("clean", LinkFaults.none());
        CampaignSummary noisy = run("noisy", LinkFaults.parse("corrupt=0.02,drop=0.005,dup=0.01,seed=" + SEED));
        assertEquals(titles(clean), titles(noisy), "a link fault became a finding, or hid one");
        assertEquals(clean.operations(), noisy.operations());

        Map<String, Long> h = noisy.health();
        System.out.println("clean findings " + titles(clean));
        System.out.println("noisy health " + h + " elapsed clean " + clean.elapsedSeconds() + " s, noisy " + noisy.elapsedSeconds() + " s");
        assertTrue(h.get("injected_corrupt") > 0 && h.get("injected_drop") > 0 && h.get("injected_dup") > 0, h.toString());
        assertTrue(h.get("retransmits") >= h.get("injected_drop") / 2, "drops not recovered by retransmission: " + h);
        assertTrue(h.get("resyncs") > 0 && h.get("timeouts") > 0 && h.get("duplicates") > 0, h.toString());
        assertEquals(0L, h.get("unanswered"));
        assertEquals(0L, h.get("agent_restarts"), "a link fault restarted the agent");
        assertEquals(0L, clean.health().getOrDefault("retransmits", 0L));
        assertTrue(!clean.health().containsKey("injected_corrupt"), "a clean link reports no injected faults");
    }
}
