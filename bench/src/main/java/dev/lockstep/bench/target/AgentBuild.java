package dev.lockstep.bench.target;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds (or finds in the cache) the host agent over the real driver sources, by running
 * src/build/build-agent.sh. The script owns the C side; this class only calls it and reports.
 */
public final class AgentBuild {
    private AgentBuild() {
    }

    /**
     * Where the Lockstep checkout is: -Dlockstep.root or $LOCKSTEP_ROOT when they name one, else
     * the nearest directory at or above the working directory that holds src/build/build-agent.sh.
     */
    public static Path root() {
        for (String p : new String[] {System.getProperty("lockstep.root"), System.getenv("LOCKSTEP_ROOT")}) {
            if (p != null && !p.isBlank() && isCheckout(Path.of(p))) {
                return Path.of(p).toAbsolutePath().normalize();
            }
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (isCheckout(d)) {
                return d;
            }
        }
        return Path.of("").toAbsolutePath();
    }

    private static boolean isCheckout(Path dir) {
        return Files.isRegularFile(dir.resolve("src/build/build-agent.sh"));
    }

    /**
     * Returns the agent binary, building it if needed.
     *
     * @throws TargetSetupException with the build script's one-line error
     */
    public static Path build(Optional<Path> kernelSrc, boolean sanitize) throws TargetSetupException {
        return build(kernelSrc, sanitize, List.of());
    }

    /**
     * Like {@link #build(Optional, boolean)}, with further arguments for build-agent.sh, e.g.
     * {@code --selftest} for the kernel-selftest binary (its own cache key). Returns the path the
     * script printed last.
     *
     * @throws TargetSetupException with the build script's one-line error
     */
    public static Path build(Optional<Path> kernelSrc, boolean sanitize, List<String> extraArgs) throws TargetSetupException {
        List<String> args = new ArrayList<>();
        kernelSrc.ifPresent(k -> {
            args.add("--kernel-src");
            args.add(k.toString());
        });
        if (sanitize) {
            args.add("--sanitize");
        }
        args.addAll(extraArgs);
        Path bin = runScript("build-agent.sh", args);
        if (!Files.isExecutable(bin)) {
            throw new TargetSetupException("the build printed " + bin + ", which is not an executable");
        }
        return bin;
    }

    /**
     * Runs one of the build scripts in src/build and returns the path it printed last on stdout.
     *
     * @throws TargetSetupException with the script's one-line error
     */
    public static Path runScript(String name, List<String> args) throws TargetSetupException {
        Path script = root().resolve("src/build").resolve(name);
        if (!Files.isRegularFile(script)) {
            throw new TargetSetupException("cannot find " + script + "; run lockstep from its checkout or set LOCKSTEP_ROOT");
        }
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            StringBuilder err = new StringBuilder();
            Thread drain = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (err) {
                            err.append(line).append('\n');
                        }
                    }
                } catch (IOException ignored) {
                    // The script's stderr closed early: its exit code tells the rest.
                }
            });
            drain.start();
            String last = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isBlank()) {
                        last = line.trim();
                    }
                }
            }
            int rc = p.waitFor();
            drain.join();
            if (rc != 0 || last == null) {
                String text;
                synchronized (err) {
                    text = err.toString().strip();
                }
                String lastLine = text.isEmpty() ? "the build failed (exit " + rc + ")" : text.substring(text.lastIndexOf('\n') + 1);
                throw new TargetSetupException(lastLine.startsWith("lockstep: ") ? lastLine.substring(10) : lastLine);
            }
            return Path.of(last);
        } catch (IOException e) {
            throw new TargetSetupException("cannot run " + script + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetSetupException("interrupted while building");
        }
    }
}
