package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.engine.Campaign;
import dev.lockstep.bench.engine.CampaignSettings;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.link.LinkFaults;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.target.TargetSetupException;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Granule;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent that will not stay up stops the campaign with one clear line, never a finding and never a hang. */
class DyingAgentTest {
    @TempDir
    Path dir;

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void anAgentThatExitsAtOnceIsRefusedWithOneLine() throws Exception {
        Path bin = script("dead-agent", "echo 'cannot map the arena' >&2; exit 7");
        for (HostAgentProcess.Mode mode : HostAgentProcess.Mode.values()) {
            long t0 = System.nanoTime();
            TargetSetupException e = assertThrows(TargetSetupException.class,
                    () -> new AgentTarget("host", new HostAgentProcess(bin, mode, dir.resolve("agent.log")), 10_000));
            assertTrue(e.getMessage().contains("exit") && e.getMessage().contains("7"), mode + ": " + e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 8_000_000_000L, mode + ": waited for the watchdog instead of seeing the exit");
        }
    }

    @Test
    void anAgentThatDiesOnEveryRestartStopsTheCampaignWithOneLine() throws Exception {
        // The first start is the real agent; every later one exits at once, as after a broken rebuild.
        Path mark = dir.resolve("started");
        Path bin = script("once-agent", "if [ -e '" + mark + "' ]; then exit 3; fi\ntouch '" + mark + "'\nexec '"
                + HostAgents.binary() + "' \"$@\"");
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        CampaignSettings settings = new CampaignSettings(
                new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 0, true),
                ModelOptions.none(), 5, 2000, 0, 32, 0.01, 150, 30_000, out, "test");
        try (Target t = new AgentTarget("host", new HostAgentProcess(bin, HostAgentProcess.Mode.PTY, out.resolve("agent.log")),
                10_000, LinkFaults.parse("kill=300"))) {
            TargetFailure f = assertThrows(TargetFailure.class,
                    () -> new Campaign(t, settings, KnownDivergences.none(), new PrintStream(OutputStream.nullOutputStream())).run());
            assertEquals(TargetFailure.Kind.LINK, f.kind(), f.getMessage());
            assertTrue(f.getMessage().startsWith("cannot restart the agent after an injected kill: "), f.getMessage());
            assertTrue(f.getMessage().contains("exit code 3") && !f.getMessage().contains("\n"), f.getMessage());
            assertEquals(1L, t.health().get("injected_kill"));
            assertEquals(0L, t.health().get("kill_recoveries"));
        }
    }
}
