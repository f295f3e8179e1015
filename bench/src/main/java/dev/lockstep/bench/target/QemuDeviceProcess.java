package dev.lockstep.bench.target;

import dev.lockstep.bench.link.ByteLink;
import dev.lockstep.bench.link.LinkException;
import dev.lockstep.bench.link.SerialLink;
import dev.lockstep.bench.m1n1.QemuMachine;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The device target under QEMU: Debian's arm64 kernel boots on a virt machine, its initramfs loads
 * lockstep.ko and starts the relay on the PL011, and the bench reaches it through QEMU's pty
 * chardev, opened with the same {@link SerialLink} as a board's /dev/ttyACM0. Every byte crosses
 * the kernel's real serial driver (amba-pl011) and tty layer.
 *
 * <p>No QEMU outlives the bench: it is started under {@code setpriv --pdeathsig KILL} (the kernel
 * kills it when the bench dies, even by SIGKILL), and killed by {@link #stop()} and by a shutdown
 * hook. A restart is a reboot.
 */
public final class QemuDeviceProcess implements AgentProcess {
    /** The relay's first line on the UART (src/kmod/relay/lockstep-relay.c). */
    public static final String READY = "LOCKSTEP-RELAY ready";
    /** What the initramfs's /init prints when the module would not load. */
    static final String INIT_ERROR = "LOCKSTEP-DEVICE error";
    /**
     * Kernel messages below KERN_ERR stay off the shared UART (WARN splats included: the agent
     * reads them from the log buffer); a panic stops the machine instead of rebooting it.
     */
    public static final String CMDLINE = "console=ttyAMA0 loglevel=3 panic=-1 oops=panic";
    private static final String PTY_LINE = "char device redirected to ";

    private final DeviceImage image;
    private final Path log;
    private final Duration bootTimeout;
    private Process process;
    private Thread hook;
    private SerialLink link;
    private long bootMillis;

    /**
     * @param image       what to boot
     * @param log         QEMU's output and the boot console are appended here
     * @param bootTimeout how long the boot may take until the relay says it is ready
     */
    public QemuDeviceProcess(DeviceImage image, Path log, Duration bootTimeout) {
        this.image = image;
        this.log = log;
        this.bootTimeout = bootTimeout;
    }

    /** The QEMU command line, without the pdeathsig wrapper. */
    public List<String> qemuCommand(Path qemu) {
        // pauth-impdef: TCG computes pointer authentication much faster with the implementation's
        // own algorithm than with QARMA, and the kernel cannot tell the difference.
        return List.of(qemu.toString(), "-M", "virt", "-cpu", "max,pauth-impdef=on", "-m", "512M", "-smp", "1",
                "-nodefaults", "-display", "none", "-monitor", "none", "-no-reboot",
                "-kernel", image.kernel().toString(), "-initrd", image.initramfs().toString(), "-append", CMDLINE,
                "-chardev", "pty,id=uart", "-serial", "chardev:uart");
    }

    @Override
    public ByteLink start() throws TargetSetupException {
        Path qemu = QemuMachine.findQemu().orElseThrow(() -> new TargetSetupException(
                QemuMachine.QEMU + " is not on the PATH: apt-get install qemu-system-arm (or run src/build/setup.sh)"));
        List<String> cmd = new ArrayList<>();
        onPath("setpriv").ifPresent(s -> cmd.addAll(List.of(s.toString(), "--pdeathsig", "KILL", "--")));
        cmd.addAll(qemuCommand(qemu));
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            note("--- " + String.join(" ", cmd));
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new TargetSetupException("cannot start " + qemu + ": " + e.getMessage());
        }
        Process p = process;
        hook = new Thread(() -> destroy(p), "kill-device-qemu-" + p.pid());
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            link = SerialLink.open(awaitPty(), 115200);
            awaitReady();
        } catch (TargetSetupException | LinkException e) {
            stop();
            throw new TargetSetupException(e.getMessage());
        }
        bootMillis = (System.nanoTime() - t0) / 1_000_000;
        return link;
    }

    /** How long the last boot took, up to the relay's ready line. */
    public long bootMillis() {
        return bootMillis;
    }

    /** QEMU names its pty on stdout; everything it says after that goes to the log. */
    private String awaitPty() throws TargetSetupException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> pty = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    note(line);
                    int at = line.indexOf(PTY_LINE);
                    if (at >= 0 && !pty.isDone()) {
                        String rest = line.substring(at + PTY_LINE.length());
                        pty.complete(rest.contains(" ") ? rest.substring(0, rest.indexOf(' ')) : rest);
                    }
                }
            } catch (IOException ignored) {
                // QEMU is gone; the caller learns it from the future or from alive().
            }
            pty.complete(null);
        }, "device-qemu-stdout");
        reader.setDaemon(true);
        reader.start();
        String path;
        try {
            path = pty.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new TargetSetupException("QEMU did not name its serial pty within 30 s; see " + log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetSetupException("interrupted while starting QEMU");
        } catch (ExecutionException e) {
            throw new TargetSetupException("QEMU: " + e.getCause());
        }
        if (path == null) {
            throw new TargetSetupException("QEMU exited before it opened the serial port (" + exitDescription() + "); see " + log);
        }
        return path;
    }

    /**
     * Reads the boot console into the log until the relay's ready line. Byte by byte, so that
     * nothing after that line is taken from the protocol.
     */
    private void awaitReady() throws TargetSetupException {
        long deadline = System.nanoTime() + bootTimeout.toNanos();
        StringBuilder line = new StringBuilder();
        String last = "";
        byte[] one = new byte[1];
        try {
            while (System.nanoTime() < deadline) {
                int n = link.read(one, 0, 1, 200);
                if (n < 0) {
                    throw new TargetSetupException("the device's serial line closed during boot; see " + log);
                }
                if (n == 0) {
                    if (!process.isAlive()) {
                        throw new TargetSetupException("QEMU exited during boot (" + exitDescription() + ")"
                                + (last.isEmpty() ? "" : ", last console line: " + last) + "; see " + log);
                    }
                    continue;
                }
                char c = (char) (one[0] & 0xff);
                if (c == '\n') {
                    String l = line.toString().strip();
                    line.setLength(0);
                    if (l.isEmpty()) {
                        continue;
                    }
                    note("console: " + l);
                    last = l;
                    if (l.contains(READY)) {
                        return;
                    }
                    if (l.contains(INIT_ERROR)) {
                        throw new TargetSetupException("the device could not start its agent: " + l + "; see " + log);
                    }
                } else if (c != '\r' && line.length() < 4096) {
                    line.append(c);
                }
            }
        } catch (IOException e) {
            throw new TargetSetupException("reading the device's console: " + e.getMessage());
        }
        throw new TargetSetupException("the device did not start its agent within " + bootTimeout.toSeconds() + " s"
                + (last.isEmpty() ? "" : " (last console line: " + last + ")") + "; see " + log);
    }

    private synchronized void note(String text) {
        try {
            Files.writeString(log, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // The log is a courtesy; the campaign does not depend on it.
        }
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public String exitDescription() {
        if (process == null) {
            return "never started";
        }
        if (process.isAlive()) {
            return "still running";
        }
        int rc = process.exitValue();
        return (rc > 128 ? "QEMU killed by signal " + (rc - 128) : "QEMU exit code " + rc)
                + (rc == 0 ? ": the guest stopped (a kernel panic, or the relay exited)" : "");
    }

    /** Kills QEMU at once: the guest kernel and the driver's state go with it. */
    @Override
    public boolean kill() {
        if (process == null) {
            return false;
        }
        destroy(process);
        return true;
    }

    @Override
    public void stop() {
        if (link != null) {
            link.close();
            link = null;
        }
        if (process != null) {
            destroy(process);
        }
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // The JVM is already shutting down; the hook runs.
            }
            hook = null;
        }
    }

    private static void destroy(Process p) {
        dev.lockstep.bench.m1n1.QemuMachine.kill(p);
    }
}
