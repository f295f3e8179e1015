package dev.lockstep.bench.cli;

import dev.lockstep.bench.target.AgentBuild;
import dev.lockstep.bench.target.TargetSetupException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The kernel's own baseline: builds lockstep-selftest (the driver files with their in-file
 * selftests on, build-agent.sh --selftest), runs it, prints its summary lines and exits with its
 * status: 0 all PASS, 1 any FAIL, WARN or leak.
 */
@Command(name = "kernel-selftest", mixinStandardHelpOptions = true,
        description = "Build and run the kernel's in-file io-pgtable selftest (CONFIG_IOMMU_IO_PGTABLE_LPAE_SELFTEST) over the shim.")
public final class KernelSelftestCommand implements Callable<Integer> {
    private static final long TIMEOUT_S = 300;

    @Option(names = "--kernel-src", paramLabel = "DIR",
            description = "Top of a kernel tree to take the driver files from (default: Debian's linux-source-6.1).")
    Path kernelSrc;

    @Option(names = {"-v", "--verbose"}, description = "Print every line of the selftest's output, not only the summary.")
    boolean verbose;

    /** What one run of the selftest binary said: its exit status and its stdout, line by line. */
    public record Result(int exitCode, List<String> lines) {
        /** The summary lines: the kernel's "completed with N PASS M FAIL" and the binary's own last line. */
        public List<String> summary() {
            List<String> out = new ArrayList<>();
            for (String l : lines) {
                if (l.contains("completed with") || l.startsWith("lockstep-selftest: ")) {
                    out.add(l);
                }
            }
            return out;
        }
    }

    /** Builds (or finds in the cache) the selftest binary. */
    public static Path build(Optional<Path> kernelSrc) throws TargetSetupException {
        return AgentBuild.build(kernelSrc, false, List.of("--selftest"));
    }

    /** Runs the selftest binary to its end; its stderr goes to ours. */
    public static Result run(Path binary) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().close();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        }
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(binary + " did not finish within " + TIMEOUT_S + " s");
        }
        return new Result(p.exitValue(), lines);
    }

    @Override
    public Integer call() throws UsageError {
        Path bin;
        try {
            bin = build(Optional.ofNullable(kernelSrc));
        } catch (TargetSetupException e) {
            throw new UsageError(e.getMessage());
        }
        Result res;
        try {
            res = run(bin);
        } catch (IOException e) {
            throw new UsageError("cannot run " + bin + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageError("interrupted while running " + bin);
        }
        for (String l : verbose ? res.lines() : res.summary()) {
            System.out.println(l);
        }
        if (res.exitCode() == 0) {
            return 0;
        }
        if (res.exitCode() != 1) {
            System.err.println("lockstep: " + bin + " ended with status " + res.exitCode() + " (a BUG or a signal; see above)");
        }
        return 1;
    }
}
