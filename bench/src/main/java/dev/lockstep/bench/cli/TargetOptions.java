package dev.lockstep.bench.cli;

import dev.lockstep.bench.target.AgentBuild;
import dev.lockstep.bench.target.AgentProcess;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.DeviceImage;
import dev.lockstep.bench.target.QemuDeviceProcess;
import dev.lockstep.bench.link.LinkFaults;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.PortAgentProcess;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetSetupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every command that talks to a target shares: which target, which driver, which link. */
final class TargetOptions {
    /** A loaded 2-core machine boots Debian's arm64 kernel under TCG in about a minute; this leaves room. */
    static final java.time.Duration DEVICE_BOOT = java.time.Duration.ofMinutes(5);

    @Option(names = "--target", defaultValue = "host", paramLabel = "KIND",
            description = "Driver under test: host (the real kernel sources in a local agent, default), device "
                    + "(the agent module inside a booted kernel: Debian's arm64 kernel under QEMU, or with --port a real "
                    + "machine running lockstep.ko and its relay; docs/hardware.md), or qemu (the model builds the tables "
                    + "and QEMU's hardware walker judges them; docs/qemu-oracle.md). m1n1 is planned.")
    String target;

    @Option(names = "--judge", paramLabel = "qemu",
            description = "Judge the driver's tables with QEMU's hardware table walker (AT instructions) too, beside "
                    + "the model's walker: the architecture itself. LPAE formats; findings titled 'qemu: ...'.")
    String judge;

    @Option(names = "--kernel-src", paramLabel = "DIR",
            description = "Build the host agent from this kernel tree (e.g. your patched tree) instead of Debian's linux-source-6.1.")
    Path kernelSrc;

    @Option(names = "--port", paramLabel = "DEV",
            description = "Talk to an agent already running on this serial device (a board's /dev/ttyACM0, a pty) instead of starting one.")
    String port;

    @Option(names = "--baud", defaultValue = "115200", description = "Baud rate for --port (default ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--link", defaultValue = "pty", paramLabel = "pty|stdio",
            description = "How the bench reaches the host agent: pty (a pseudo-terminal opened as a serial port, default) or stdio.")
    String link;

    @Option(names = "--watchdog", defaultValue = "10s", converter = Durations.class, paramLabel = "TIME",
            description = "How long the target may take over one request before it counts as hung (default ${DEFAULT-VALUE}).")
    long watchdogMillis;

    @Option(names = "--sanitize", description = "Build the host agent with AddressSanitizer and UBSan.")
    boolean sanitize;

    @Option(names = "--link-faults", paramLabel = "SPEC",
            description = "Damage frames on the link on purpose, both ways, to check that a noisy line costs only time: "
                    + LinkFaults.FORM + " (rates per frame, e.g. corrupt=1e-3,drop=1e-3; kill=N SIGKILLs the host agent every N operations, "
                    + "and the bench must rebuild the case in a new one).")
    String linkFaults;

    /** How the target was reached, for the run's manifest (resume). */
    java.util.Map<String, String> asMap() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("kind", target);
        if (judge != null) m.put("judge", judge);
        if (kernelSrc != null) m.put("kernel_src", kernelSrc.toAbsolutePath().toString());
        if (port != null) m.put("port", port);
        m.put("baud", Integer.toString(baud));
        m.put("link", link);
        m.put("watchdog_ms", Long.toString(watchdogMillis));
        m.put("sanitize", Boolean.toString(sanitize));
        if (linkFaults != null) m.put("link_faults", linkFaults);
        return m;
    }

    /** Takes the target back from a manifest written by {@link #asMap()}. */
    void restore(java.util.Map<String, String> m) {
        target = m.getOrDefault("kind", "host");
        judge = m.get("judge");
        kernelSrc = m.containsKey("kernel_src") ? Path.of(m.get("kernel_src")) : null;
        port = m.get("port");
        baud = Integer.parseInt(m.getOrDefault("baud", "115200"));
        link = m.getOrDefault("link", "pty");
        watchdogMillis = Long.parseLong(m.getOrDefault("watchdog_ms", "10000"));
        sanitize = Boolean.parseBoolean(m.getOrDefault("sanitize", "false"));
        linkFaults = m.get("link_faults");
    }

    /** Checks what can be checked before anything is started, so bad input costs nothing. */
    void validate() throws UsageError {
        if (!target.equals("host") && !target.equals("device") && !target.equals("qemu")) {
            throw new UsageError("target '" + target + "' is not available yet; use --target host, device or qemu "
                    + "(or --port DEV for an agent on a serial line)");
        }
        if (target.equals("device") && kernelSrc != null) {
            throw new UsageError("--kernel-src builds the host agent; the device target runs the kernel it boots "
                    + "(Debian's arm64 kernel, or your machine's with --port): drop one of them");
        }
        if (target.equals("device") && sanitize) {
            throw new UsageError("--sanitize builds the host agent with ASan; the device target runs a real kernel: drop one of them");
        }
        if (judge != null && !judge.equals("qemu")) {
            throw new UsageError("--judge " + judge + ": the only other judge is qemu (QEMU's hardware table walker)");
        }
        if (judge != null && target.equals("qemu")) {
            throw new UsageError("--judge qemu is what --target qemu does already; drop one of them");
        }
        if (judge != null && (target.equals("device") || port != null)) {
            throw new UsageError("--judge qemu loads the host agent's arena into QEMU; a device's tables live in its own memory: use --target host");
        }
        if ((judge != null || target.equals("qemu")) && dev.lockstep.bench.m1n1.QemuMachine.findQemu().isEmpty()) {
            throw new UsageError(dev.lockstep.bench.m1n1.QemuMachine.QEMU
                    + " is not installed: apt-get install qemu-system-arm gcc-aarch64-linux-gnu (or run src/build/setup.sh)");
        }
        if (kernelSrc != null && !Files.isDirectory(kernelSrc)) {
            throw new UsageError("--kernel-src " + kernelSrc + ": no such directory; pass the top of a Linux source tree");
        }
        if (kernelSrc != null) {
            for (String f : new String[] {"drivers/iommu/io-pgtable-arm.c", "include/linux/io-pgtable.h"}) {
                if (!Files.isRegularFile(kernelSrc.resolve(f))) {
                    throw new UsageError("--kernel-src " + kernelSrc + ": not a Linux source tree (no " + f + "); pass the top of a kernel tree");
                }
            }
        }
        if (port != null && !Files.exists(Path.of(port))) {
            throw new UsageError("serial port " + port + " does not exist; check the cable and the device name (ls /dev/tty*)");
        }
        if (!link.equals("pty") && !link.equals("stdio")) {
            throw new UsageError("--link " + link + ": use pty or stdio");
        }
        if (target.equals("device") && faults().killEvery() > 0) {
            // The rebuild after a kill replays the case and wants every answer as before, table
            // addresses in the cfg included: only the host agent's arena allocates the same way twice.
            throw new UsageError("--link-faults kill=N rebuilds a case on a fresh agent that must put its tables at the same "
                    + "addresses; a real kernel does not: drop kill= for --target device (corrupt, drop, dup, stall and disconnect work)");
        }
        faults();
    }

    private LinkFaults faults() throws UsageError {
        if (linkFaults == null) {
            return LinkFaults.none();
        }
        try {
            return LinkFaults.parse(linkFaults);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--link-faults " + linkFaults + ": " + e.getMessage());
        }
    }

    /** The same target as an RTKit campaign needs it: the agent itself, which speaks RTKit frames too. */
    dev.lockstep.bench.rtkit.RtkitCampaign.Opener rtkitOpener() {
        return dir -> {
            if (judge != null || target.equals("qemu")) {
                throw new dev.lockstep.bench.target.TargetSetupException(
                        "RTKit has no tables for QEMU's walker: run it on --target host, without --judge");
            }
            try {
                Target t = open(dir);
                if (t instanceof dev.lockstep.bench.target.AgentTarget a && (a.info().capabilities() & 2) != 0) {
                    return a;
                }
                if (t instanceof dev.lockstep.bench.target.AgentTarget a) {
                    String driver = a.info().driverVersion();
                    t.close();
                    throw new dev.lockstep.bench.target.TargetSetupException("the agent of " + driver
                            + " has no RTKit (capability bit 1): its kernel lacks CONFIG_APPLE_RTKIT, as Debian's arm64 6.1 does; use --target host");
                }
                t.close();
                throw new dev.lockstep.bench.target.TargetSetupException("this target does not speak RTKit frames");
            } catch (UsageError e) {
                throw new dev.lockstep.bench.target.TargetSetupException(e.getMessage());
            }
        };
    }

    /**
     * QEMU walks VMSA tables only: a DART or Mali format (Mali's level-3 pages use the block type,
     * which a VMSA walk reads as invalid) with --target qemu or --judge qemu is refused before anything starts.
     */
    void checkFormat(dev.lockstep.models.iopgtable.PgtableFormat format) throws UsageError {
        boolean notVmsa = format == dev.lockstep.models.iopgtable.PgtableFormat.APPLE_DART
                || format == dev.lockstep.models.iopgtable.PgtableFormat.APPLE_DART2
                || format == dev.lockstep.models.iopgtable.PgtableFormat.ARM_MALI_LPAE;
        if (notVmsa && (judge != null || target.equals("qemu"))) {
            throw new UsageError("QEMU's walker walks ARMv8 (LPAE) tables; " + format.cliName()
                    + " is not one: use an arm64-lpae or arm32-lpae format with " + (judge != null ? "--judge qemu" : "--target qemu"));
        }
    }

    /** RTKit campaigns have no page tables for QEMU to walk. */
    void checkRtkit() throws UsageError {
        if (judge != null || target.equals("qemu")) {
            throw new UsageError("RTKit has no tables for QEMU's walker: run it on --target host, without --judge");
        }
    }

    Target open(Path runDir) throws UsageError {
        return open(runDir, dev.lockstep.bench.engine.ModelOptions.none());
    }

    /** The target, with the model options a model-built target (--target qemu) encodes its tables under. */
    Target open(Path runDir, dev.lockstep.bench.engine.ModelOptions options) throws UsageError {
        validate();
        java.time.Duration qemuTimeout = java.time.Duration.ofMillis(Math.max(watchdogMillis, 10_000));
        if (target.equals("qemu")) {
            try {
                return new dev.lockstep.bench.target.QemuTarget(dev.lockstep.bench.m1n1.HardwareWalker.start(
                        dev.lockstep.bench.target.QemuTarget.ramTop(), qemuTimeout), options.vmsa());
            } catch (IOException | dev.lockstep.bench.link.LinkException e) {
                throw new UsageError("cannot start the qemu target: " + e.getMessage());
            }
        }
        Target host = openAgent(runDir);
        if (judge == null) {
            return host;
        }
        try {
            return new dev.lockstep.bench.target.JudgedTarget(host, dev.lockstep.bench.m1n1.HardwareWalker.start(
                    host.info().arenaBase() + host.info().arenaSize(), qemuTimeout));
        } catch (IOException | dev.lockstep.bench.link.LinkException e) {
            host.close();
            throw new UsageError("cannot start QEMU for --judge qemu: " + e.getMessage());
        }
    }

    private Target openAgent(Path runDir) throws UsageError {
        try {
            AgentProcess process;
            if (port != null) {
                process = new PortAgentProcess(port, baud);
            } else if (target.equals("device")) {
                DeviceImage image = DeviceImage.build();
                Files.createDirectories(runDir);
                process = new QemuDeviceProcess(image, runDir.resolve("device-console.log"), DEVICE_BOOT);
            } else {
                HostAgentProcess.Mode mode = link.equals("pty") ? HostAgentProcess.Mode.PTY : HostAgentProcess.Mode.STDIO;
                Path binary = AgentBuild.build(Optional.ofNullable(kernelSrc), sanitize);
                Files.createDirectories(runDir);
                process = new HostAgentProcess(binary, mode, runDir.resolve("agent.log"));
            }
            String kind = target.equals("device") ? "device" : port != null ? "serial" : "host";
            return new AgentTarget(kind, process, watchdogMillis, faults());
        } catch (TargetSetupException e) {
            throw new UsageError(e.getMessage());
        } catch (IOException e) {
            throw new UsageError("cannot create " + runDir + ": " + e.getMessage());
        }
    }
}
