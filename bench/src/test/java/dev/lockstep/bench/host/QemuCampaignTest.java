package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.engine.Campaign;
import dev.lockstep.bench.engine.CampaignSettings;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.m1n1.HardwareWalker;
import dev.lockstep.bench.m1n1.QemuTestSupport;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.JudgedTarget;
import dev.lockstep.bench.target.QemuTarget;
import dev.lockstep.bench.target.Target;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Finding;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaigns the architecture judges: the model's own tables on {@code --target qemu}, and the real
 * driver's tables with {@code --judge qemu}. Short runs: the long ones are opt-in (docs/qemu-oracle.md).
 */
class QemuCampaignTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    @BeforeAll
    static void qemu() {
        QemuTestSupport.requireQemu();
    }

    private static CampaignSettings settings(PgtableFormat f, Granule g, long ops, Path out) {
        return new CampaignSettings(new PgtableConfig(f, g, 48, 48, 0, true), ModelOptions.none(), 1, ops, 0, 32, 0.01,
                150, 30_000, out, "test");
    }

    @Test
    void theModelsOwnTablesAgreeWithTheArchitecture() throws Exception {
        for (var fg : new Object[][] {{PgtableFormat.ARM_64_LPAE_S1, Granule.G4K}, {PgtableFormat.ARM_64_LPAE_S2, Granule.G16K}}) {
            Path out = dir.resolve(fg[0] + "-" + fg[1]);
            CampaignSummary s;
            try (Target t = new QemuTarget(HardwareWalker.start(QemuTarget.ramTop(), Duration.ofSeconds(20)), ContractOptions.defaults())) {
                s = new Campaign(t, settings((PgtableFormat) fg[0], (Granule) fg[1], 800, out), KnownDivergences.none(), QUIET).run();
            }
            assertEquals("qemu", s.target().kind());
            assertTrue(s.health().get("qemu_translations") > 800, s.health().toString());
            assertEquals(0, s.findings().size(), fg[0] + " " + fg[1] + ": the model's tables and the architecture disagree: "
                    + s.findings().stream().map(Finding::title).toList());
        }
    }

    @Test
    void theDriversTablesAreJudgedByTheArchitectureToo() throws Exception {
        Path out = dir.resolve("judged");
        CampaignSummary s;
        try (Target host = new TamperingTarget(HostAgents.open(out, HostAgentProcess.Mode.PTY), TamperingTarget.Mutant.ACCESS_FLAG);
             Target t = new JudgedTarget(host, HardwareWalker.start(host.info().arenaBase() + host.info().arenaSize(), Duration.ofSeconds(20)))) {
            s = new Campaign(t, settings(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 600, out), KnownDivergences.none(), QUIET).run();
        }
        assertTrue(s.health().get("qemu_translations") > 0, s.health().toString());
        Optional<Finding> af = s.findings().stream().filter(f -> f.depth() == 3 && f.title().contains("ACCESS_FLAG")).findFirst();
        assertTrue(af.isPresent(), "cleared access flags not caught: " + s.findings().stream().map(Finding::title).toList());
        assertTrue(af.get().detail().contains("QEMU's walker agrees that the tables are wrong"), af.get().detail());
        assertTrue(af.get().replayCommand().contains("--judge qemu"), af.get().replayCommand());
    }

    @Test
    void theRealDriversTablesMeanToQemuWhatTheyMeanToTheModel() throws Exception {
        Path out = dir.resolve("clean");
        CampaignSummary s;
        try (Target host = HostAgents.open(out, HostAgentProcess.Mode.PTY);
             Target t = new JudgedTarget(host, HardwareWalker.start(host.info().arenaBase() + host.info().arenaSize(), Duration.ofSeconds(20)))) {
            s = new Campaign(t, settings(PgtableFormat.ARM_64_LPAE_S1, Granule.G16K, 1500, out), KnownDivergences.none(), QUIET).run();
        }
        assertTrue(s.health().get("qemu_translations") > 1500, s.health().toString());
        assertEquals(java.util.List.of(), s.findings().stream().map(Finding::title).filter(x -> x.startsWith("qemu:")).toList());
    }
}
