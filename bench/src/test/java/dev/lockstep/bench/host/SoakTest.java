package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.cli.SoakCommand;
import dev.lockstep.bench.target.AgentBuild;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.SummaryJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The soak as a test, opt-in because it runs for as long as it is told: LOCKSTEP_SOAK=1 (and
 * LOCKSTEP_SOAK_HOURS, default 0.01, i.e. 36 s; LOCKSTEP_SOAK_FAULTS for other faults), e.g.
 * {@code LOCKSTEP_SOAK=1 LOCKSTEP_SOAK_HOURS=8 mvn -o test -pl bench -Dtest=SoakTest}.
 */
@EnabledIfEnvironmentVariable(named = "LOCKSTEP_SOAK", matches = "1")
class SoakTest {
    @TempDir
    Path dir;

    @Test
    void findingsUnderFaultsAndKillsReplayAndMatchACleanControl() throws Exception {
        HostAgents.binary();
        String hours = System.getenv().getOrDefault("LOCKSTEP_SOAK_HOURS", "0.01");
        String faults = System.getenv().getOrDefault("LOCKSTEP_SOAK_FAULTS", "corrupt=2e-3,drop=2e-3,dup=1e-3,kill=2000");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int rc;
        System.setProperty("lockstep.root", AgentBuild.root().toString());
        try {
            System.setOut(new PrintStream(text, true, StandardCharsets.UTF_8));
            rc = new CommandLine(new SoakCommand()).execute("--hours", hours, "--seed", "5", "--link-faults", faults,
                    "--out", dir.toString());
        } finally {
            System.setOut(stdout);
        }
        String report = text.toString(StandardCharsets.UTF_8);
        System.out.print(report);
        assertEquals(0, rc, report);
        assertTrue(report.contains("same set: yes") && report.contains("soak passed"), report);
        CampaignSummary soak = SummaryJson.read(dir.resolve("arm64-lpae-s1-4k/soak/summary.json"));
        assertTrue(soak.health().get("injected_kill") > 0, "no kill fell due in the soak: " + soak.health());
        assertEquals(soak.health().get("injected_kill"), soak.health().get("kill_recoveries"), soak.health().toString());
    }
}
