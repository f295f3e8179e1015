package dev.lockstep.bench.m1n1;

import dev.lockstep.bench.link.LinkException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bare-metal QEMU agent (src/qemu), built or taken from the cache by
 * src/build/build-qemu-agent.sh, whose last line of output is the ELF's path.
 */
public final class QemuAgentBuild {
    private QemuAgentBuild() {
    }

    /** The agent's ELF; builds it when the cache has none for these sources. */
    public static Path build() throws LinkException {
        Path script = dev.lockstep.bench.target.AgentBuild.root().resolve("src/build/build-qemu-agent.sh");
        if (!Files.isRegularFile(script)) {
            throw new LinkException("no " + script + ": run lockstep from a Lockstep checkout");
        }
        try {
            Process p = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0 || out.isEmpty()) {
                throw new LinkException("the QEMU agent does not build (" + script + " exited " + p.exitValue()
                        + "); it needs gcc-aarch64-linux-gnu: apt-get install gcc-aarch64-linux-gnu, or src/build/setup.sh");
            }
            return Path.of(out.substring(out.lastIndexOf('\n') + 1));
        } catch (IOException e) {
            throw new LinkException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LinkException("interrupted while building the QEMU agent", e);
        }
    }
}
