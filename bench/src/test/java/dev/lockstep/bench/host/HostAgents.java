package dev.lockstep.bench.host;

import dev.lockstep.bench.target.AgentBuild;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.Target;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Test support: the real host agent, built once per test JVM from Debian's linux-source-6.1 (which
 * ./lockstep test installs). These tests fail, not skip, when the agent cannot be built: the
 * feature they check would be missing.
 */
final class HostAgents {
    private static Path binary;

    private HostAgents() {
    }

    static synchronized Path binary() throws Exception {
        if (binary == null) {
            binary = AgentBuild.build(Optional.empty(), false);
        }
        return binary;
    }

    static Target open(Path runDir, HostAgentProcess.Mode mode) throws Exception {
        java.nio.file.Files.createDirectories(runDir);
        return new AgentTarget("host", new HostAgentProcess(binary(), mode, runDir.resolve("agent.log")), 10_000);
    }
}
