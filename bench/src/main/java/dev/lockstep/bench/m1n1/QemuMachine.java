package dev.lockstep.bench.m1n1;

import dev.lockstep.bench.link.ByteLink;
import dev.lockstep.bench.link.LinkException;
import dev.lockstep.bench.link.StreamLink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A QEMU virt machine running the Lockstep QEMU agent (src/qemu), reached through an
 * {@link M1n1Client}. QEMU is always killed on {@link #close()}, and by a shutdown hook if the JVM
 * exits first, so no QEMU outlives the bench.
 */
public final class QemuMachine implements AutoCloseable {
    public static final String QEMU = "qemu-system-aarch64";

    /** How the bench talks to the agent's PL011. */
    public enum Transport {
        /** {@code -chardev socket} to a Unix socket the bench listens on (the fast one). */
        SOCKET,
        /** {@code -serial stdio}: QEMU's stdin and stdout. */
        STDIO
    }

    private final Process process;
    private final ByteLink link;
    private final M1n1Client client;
    private final Thread hook;
    private final Path workDir;

    private QemuMachine(Process process, ByteLink link, M1n1Client client, Thread hook, Path workDir) {
        this.process = process;
        this.link = link;
        this.client = client;
        this.hook = hook;
        this.workDir = workDir;
    }

    /** Where qemu-system-aarch64 is on the PATH, if anywhere. */
    public static Optional<Path> findQemu() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, QEMU);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Starts QEMU with {@code agentElf}, connects and waits for the agent's BOOT frame. */
    public static QemuMachine start(Path agentElf, Transport transport, Duration timeout)
            throws IOException, LinkException {
        Path qemu = findQemu().orElseThrow(() -> new LinkException(
                QEMU + " is not on the PATH: apt-get install qemu-system-arm (or run src/build/setup.sh)"));
        if (!Files.isRegularFile(agentElf)) {
            throw new LinkException("no QEMU agent at " + agentElf + ": build it with src/build/build-qemu-agent.sh");
        }
        Path work = Files.createTempDirectory("lockstep-qemu");
        List<String> cmd = new ArrayList<>(List.of(qemu.toString(),
                "-M", "virt,gic-version=2,virtualization=on", "-cpu", "max", "-m", "1024M",
                "-nic", "none", "-display", "none", "-monitor", "none", "-nodefaults",
                "-kernel", agentElf.toString()));
        UnixSocketLink.Listener listener = null;
        if (transport == Transport.SOCKET) {
            listener = UnixSocketLink.listen(work.resolve("uart.sock"));
            cmd.addAll(List.of("-chardev", "socket,id=uart,path=" + listener.path(), "-serial", "chardev:uart"));
        } else {
            cmd.addAll(List.of("-serial", "stdio"));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(work.resolve("qemu.stderr").toFile());
        if (transport == Transport.SOCKET) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.redirectOutput(work.resolve("qemu.stdout").toFile());
        }
        Process proc = pb.start();
        Thread hook = new Thread(() -> kill(proc), "kill-qemu-" + proc.pid());
        Runtime.getRuntime().addShutdownHook(hook);
        ByteLink link = null;
        try {
            if (listener != null) {
                link = listener.accept(timeout);
            } else {
                link = new StreamLink(proc.getInputStream(), proc.getOutputStream(), "stdio of qemu pid " + proc.pid());
            }
            M1n1Client client = new M1n1Client(link, timeout.toMillis());
            QemuMachine m = new QemuMachine(proc, link, client, hook, work);
            try {
                client.awaitBoot();
                client.nop(0);
            } catch (IOException | LinkException | RuntimeException e) {
                String note = stderrNote(work);
                m.close();
                throw new LinkException("the QEMU agent did not come up: " + e.getMessage() + note, e);
            }
            return m;
        } catch (LinkException | RuntimeException e) {
            if (listener != null) {
                listener.close();
            }
            kill(proc);
            removeHook(hook);
            if (e instanceof LinkException le) {
                throw new LinkException(le.getMessage() + stderrNote(work), le);
            }
            throw new LinkException("cannot start QEMU: " + e + stderrNote(work), e);
        }
    }

    public M1n1Client client() {
        return client;
    }

    /** The raw byte link under the client (for tests that must send malformed frames). */
    public ByteLink link() {
        return link;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills QEMU (whatever state it is in) and removes its working files. */
    @Override
    public void close() {
        try {
            link.close();
        } catch (IOException ignored) {
            // QEMU goes anyway
        }
        kill(process);
        removeHook(hook);
        try (var files = Files.list(workDir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(workDir);
        } catch (IOException ignored) {
            // temporary files only
        }
    }

    private static void kill(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down; the hook runs
        }
    }

    private static String stderrNote(Path work) {
        try {
            String s = Files.readString(work.resolve("qemu.stderr")).strip();
            return s.isEmpty() ? "" : "; QEMU said: " + s;
        } catch (IOException e) {
            return "";
        }
    }
}
