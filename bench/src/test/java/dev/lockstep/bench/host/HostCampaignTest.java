package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.engine.Campaign;
import dev.lockstep.bench.engine.CampaignSettings;
import dev.lockstep.bench.engine.CaseRunner;
import dev.lockstep.bench.engine.Divergence;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.engine.Reproducer;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Category;
import dev.lockstep.reports.Finding;
import dev.lockstep.reports.SummaryJson;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Campaigns against the real io-pgtable driver in the host agent, over the pseudo-terminal. */
class HostCampaignTest {
    @TempDir
    Path dir;

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static PgtableConfig cfg(Granule g) {
        return new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, g, 48, 48, 0, true);
    }

    private CampaignSettings settings(Granule g, long ops, Path out) {
        return new CampaignSettings(cfg(g), ModelOptions.none(), 1, ops, 0, 32, 0.01, 150, 30_000, out, "test");
    }

    @Test
    void aCampaignOverThePtyWritesItsResults() throws Exception {
        Path out = dir.resolve("run");
        CampaignSummary s;
        try (Target t = HostAgents.open(out, HostAgentProcess.Mode.PTY)) {
            s = new Campaign(t, settings(Granule.G4K, 3000, out), KnownDivergences.none(), QUIET).run();
        }
        CampaignSummary onDisk = SummaryJson.read(out.resolve("summary.json"));
        assertEquals(s.operations(), onDisk.operations());
        assertTrue(onDisk.operations() >= 3000);
        assertTrue(onDisk.complete());
        assertEquals("host", onDisk.target().kind());
        assertTrue(onDisk.target().driverVersion().contains("6.1"), onDisk.target().driverVersion());
        assertTrue(onDisk.target().port().startsWith("/dev/pts/"), onDisk.target().port());
        assertTrue(onDisk.opsPerSecond() > 0);
        assertTrue(onDisk.coverage().get("bins_hit") > 20, "bins hit: " + onDisk.coverage().get("bins_hit"));
        assertTrue(Files.exists(out.resolve("report.md")));
        try (Stream<Path> files = Files.list(out.resolve("allure-results"))) {
            assertTrue(files.anyMatch(p -> p.toString().endsWith("environment.properties")));
        }
        for (Finding f : onDisk.findings()) {
            assertTrue(Files.exists(out.resolve(f.reproducer())), f.reproducer());
        }
    }

    @Test
    void theUpperHalfOfASplitAddressSpaceIsFuzzedAndWalkedThroughTtbr1() throws Exception {
        Path out = dir.resolve("ttbr1");
        PgtableConfig upper = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48,
                dev.lockstep.models.iopgtable.Quirk.ARM_TTBR1.bit(), true);
        CampaignSummary s;
        try (Target t = HostAgents.open(out, HostAgentProcess.Mode.PTY)) {
            s = new Campaign(t, new CampaignSettings(upper, ModelOptions.none(), 1, 3000, 0, 32, 0.01, 150, 30_000, out, "test"),
                    KnownDivergences.none(), QUIET).run();
        }
        // The driver's TTBR1 configuration (TG1, T1SZ) is accepted and its tables translate the top of the space.
        assertTrue(s.findings().stream().noneMatch(f -> f.depth() == 2), s.findings().stream().map(Finding::title).toList().toString());
        assertTrue(s.coverage().getOrDefault("bin:map/fresh/4K", 0L) > 0, s.coverage().toString());
        assertTrue(s.coverage().getOrDefault("bin:walk/block/L2", 0L) + s.coverage().getOrDefault("bin:walk/page/L3", 0L) > 0,
                s.coverage().toString());
        for (Finding f : s.findings()) {
            String repro = Files.readString(out.resolve(f.reproducer()));
            assertTrue(repro.contains("quirks=0x20"), repro);
        }
    }

    @Test
    void maliTablesAreWalkedByTheMaliWalkerAndTheirLeavesJudgedBitForBit() throws Exception {
        Path out = dir.resolve("mali");
        PgtableConfig mali = new PgtableConfig(PgtableFormat.ARM_MALI_LPAE, Granule.G4K, 48, 40, 0, true);
        CampaignSummary s;
        try (Target t = HostAgents.open(out, HostAgentProcess.Mode.PTY)) {
            s = new Campaign(t, new CampaignSettings(mali, ModelOptions.none(), 1, 4000, 0, 32, 0.01, 150, 30_000, out, "test"),
                    KnownDivergences.none(), QUIET).run();
        }
        // Translations through the driver's tables agreed with the contract at depth 3 (a page and a block) ...
        assertTrue(s.coverage().getOrDefault("bin:walk/page/L3", 0L) > 0, s.coverage().toString());
        assertTrue(s.coverage().getOrDefault("bin:walk/block/L2", 0L) > 0, s.coverage().toString());
        // ... and depth 4 compared the written leaves with the predicted ones, field by field: Linux 6.1
        // writes Mali leaves with AF clear, which the model predicts set (known-divergences.ini).
        assertTrue(s.findings().stream().anyMatch(f -> f.depth() == 4 && f.title().contains("AF: predicted true, driver wrote false")),
                s.findings().stream().map(Finding::title).toList().toString());
    }

    @ParameterizedTest
    @EnumSource(value = TamperingTarget.Mutant.class, names = {"MAP_STATUS", "IOVA_TO_PHYS", "ACCESS_FLAG", "GLOBAL_LEAVES", "SPURIOUS_WARN",
        "CRASH_ON_UNMAP", "STRAY_DESCRIPTOR", "DANGLING_TABLE"})
    void aWrongDriverIsCaughtAtItsDepth(TamperingTarget.Mutant mutant) throws Exception {
        caughtAtItsDepth(mutant, 1);
    }

    /** The same with four cases side by side on their own handles, sharing one mirror of the agent's memory. */
    @ParameterizedTest
    @EnumSource(value = TamperingTarget.Mutant.class, names = {"MAP_STATUS", "IOVA_TO_PHYS", "ACCESS_FLAG", "GLOBAL_LEAVES", "SPURIOUS_WARN",
        "CRASH_ON_UNMAP", "STRAY_DESCRIPTOR", "DANGLING_TABLE"})
    void aWrongDriverIsCaughtAtItsDepthWithCasesSideBySide(TamperingTarget.Mutant mutant) throws Exception {
        caughtAtItsDepth(mutant, 4);
    }

    private void caughtAtItsDepth(TamperingTarget.Mutant mutant, int parallel) throws Exception {
        int depth = switch (mutant) {
            case MAP_STATUS -> 1;
            case IOVA_TO_PHYS -> 2;
            case ACCESS_FLAG, STRAY_DESCRIPTOR, DANGLING_TABLE -> 3;
            case GLOBAL_LEAVES -> 4;
            default -> 5;
        };
        Path out = dir.resolve(mutant.name() + "-" + parallel);
        CampaignSummary s;
        try (Target t = new TamperingTarget(HostAgents.open(out, HostAgentProcess.Mode.PTY), mutant)) {
            s = new Campaign(t, settings(Granule.G4K, 1500, out), KnownDivergences.none(), QUIET).parallel(parallel).run();
        }
        if (parallel > 1) {
            assertTrue(s.health().get("cases_side_by_side") == parallel, s.health().toString());
        }
        // A leaf whose first wrong field is another one (SH of Device memory) names that field instead.
        Optional<Finding> caught = s.findings().stream()
                .filter(f -> f.depth() == depth && !f.title().startsWith("bench error"))
                .filter(f -> mutant != TamperingTarget.Mutant.GLOBAL_LEAVES || f.title().contains("nG:")).findFirst();
        assertTrue(caught.isPresent(), mutant + " not caught at depth " + depth + "; findings: "
                + s.findings().stream().map(Finding::title).toList());
        if (mutant == TamperingTarget.Mutant.CRASH_ON_UNMAP) {
            assertEquals(Category.CRASH, caught.get().category());
            assertTrue(caught.get().title().startsWith("crash in unmap"), caught.get().title());
        }
        if (mutant == TamperingTarget.Mutant.GLOBAL_LEAVES) {
            assertTrue(caught.get().title().contains("nG: predicted true, driver wrote false"), caught.get().title());
        }
        if (mutant == TamperingTarget.Mutant.ACCESS_FLAG) {
            assertTrue(caught.get().title().contains("ACCESS_FLAG"), caught.get().title());
        }
        if (mutant == TamperingTarget.Mutant.DANGLING_TABLE) {
            assertTrue(s.findings().stream().anyMatch(f -> f.depth() == 3 && f.title().contains("EXTERNAL_ABORT_ON_WALK")),
                    "a walk into the freed table: " + s.findings().stream().map(Finding::title).toList());
        }
    }

    /**
     * With batches in flight the contract is predicted ahead of the answers, and a case's later
     * batches may be sent before it ends: still, a seed gives one campaign.
     */
    @Test
    void aSeedGivesOneCampaignWithBatchesInFlight() throws Exception {
        PgtableConfig dart = new PgtableConfig(PgtableFormat.APPLE_DART, Granule.G4K, 32, 36, 0, true);
        CampaignSummary[] runs = new CampaignSummary[2];
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("again" + i);
            try (Target t = HostAgents.open(out, HostAgentProcess.Mode.PTY)) {
                runs[i] = new Campaign(t, new CampaignSettings(dart, ModelOptions.none(), 7, 2500, 0, 32, 0.01, 150, 30_000, out, "test"),
                        KnownDivergences.none(), QUIET).inFlight(3).run();
            }
        }
        assertEquals(runs[0].operations(), runs[1].operations());
        assertEquals(runs[0].findings().stream().map(Finding::title).sorted().toList(),
                runs[1].findings().stream().map(Finding::title).sorted().toList());
        assertEquals(runs[0].coverage(), runs[1].coverage());
        assertEquals(runs[0].health().get("cases"), runs[1].health().get("cases"));
        assertTrue(runs[0].health().get("round_trips") > 0 && runs[0].health().get("walks") > 0, runs[0].health().toString());
    }

    /** With cases side by side too: the order of steps is the seed's, so the campaign is. */
    @Test
    void aSeedGivesOneCampaignWithCasesSideBySide() throws Exception {
        CampaignSummary[] runs = new CampaignSummary[2];
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("side" + i);
            try (Target t = HostAgents.open(out, HostAgentProcess.Mode.PTY)) {
                runs[i] = new Campaign(t, settings(Granule.G4K, 2500, out), KnownDivergences.none(), QUIET).parallel(4).run();
            }
        }
        assertEquals(runs[0].operations(), runs[1].operations());
        assertEquals(runs[0].findings().stream().map(Finding::title).sorted().toList(),
                runs[1].findings().stream().map(Finding::title).sorted().toList());
        assertEquals(runs[0].coverage(), runs[1].coverage());
        assertEquals(runs[0].health().get("cases"), runs[1].health().get("cases"));
        assertEquals(4L, runs[0].health().get("cases_side_by_side"));
        // Findings are real driver findings, never a disagreement about the agent's memory.
        assertTrue(runs[0].findings().stream().noneMatch(f -> f.title().startsWith("bench error")), runs[0].findings().toString());
    }

    @Test
    void aFindingsReproducerReplaysAgainstTheWrongDriverAndNotTheRightOne() throws Exception {
        Path out = dir.resolve("replay");
        CampaignSummary s;
        try (Target t = new TamperingTarget(HostAgents.open(out, HostAgentProcess.Mode.PTY), TamperingTarget.Mutant.IOVA_TO_PHYS)) {
            s = new Campaign(t, settings(Granule.G16K, 1500, out), KnownDivergences.none(), QUIET).run();
        }
        Finding f = s.findings().stream().filter(x -> x.depth() == 2).findFirst().orElseThrow();
        Reproducer r = Reproducer.read(out.resolve(f.reproducer()));
        assertTrue(r.ops().size() < 40, "not minimised: " + r.ops().size() + " operations");
        try (Target wrong = new TamperingTarget(HostAgents.open(dir.resolve("w"), HostAgentProcess.Mode.STDIO),
                TamperingTarget.Mutant.IOVA_TO_PHYS)) {
            Optional<Divergence> d = new CaseRunner(wrong, r.config(), r.options(), r.batch()).find(r.ops(), f.title());
            assertEquals(f.title(), d.map(Divergence::title).orElse("nothing"));
        }
        try (Target right = HostAgents.open(dir.resolve("r"), HostAgentProcess.Mode.STDIO)) {
            assertTrue(new CaseRunner(right, r.config(), r.options(), r.batch()).find(r.ops(), f.title()).isEmpty());
        }
    }
}
