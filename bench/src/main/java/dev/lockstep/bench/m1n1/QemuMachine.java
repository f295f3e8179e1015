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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A QEMU virt machine running the Lockstep QEMU agent (src/qemu), reached through an
 * {@link M1n1Client} on its PL011 and, when the bench shares the guest's RAM
 * ({@link Options#sharedRam}), through a {@link Mailbox} in that RAM.
 *
 * <p>No QEMU outlives the bench: {@link #close()} kills it, a JVM shutdown hook kills it when the
 * JVM exits first, and when the JVM is killed outright (no hook runs) the kernel does: QEMU is
 * started under {@code setpriv --pdeathsig KILL} from a launcher thread that lives as long as the
 * JVM, so the launcher's death is QEMU's. The guest RAM file in /dev/shm is unlinked as soon as
 * both sides have it open, so it cannot be left behind either.
 */
public final class QemuMachine implements AutoCloseable {
    public static final String QEMU = "qemu-system-aarch64";
    /** The bench's ring: just above the agent's own 4 MiB at the start of RAM. */
    public static final long MAILBOX_BASE = 0x4040_0000L;
    public static final int MAILBOX_SLOTS = 1024;
    private static final Path SHM = Path.of("/dev/shm");
    private static final AtomicLong SERIAL = new AtomicLong();

    /** How the bench talks to the agent's PL011. */
    public enum Transport {
        /** {@code -chardev socket} to a Unix socket the bench listens on (the fast one). */
        SOCKET,
        /** {@code -serial stdio}: QEMU's stdin and stdout. */
        STDIO
    }

    /**
     * How to start the machine.
     *
     * @param ramBytes guest RAM from 0x40000000, a whole number of MiB (the agent reads it from the DTB)
     * @param sharedRam back guest RAM with a file in /dev/shm that the bench maps, and serve proxy
     *     calls through a {@link Mailbox} in it
     */
    public record Options(Transport transport, long ramBytes, boolean sharedRam) {
        public static final long DEFAULT_RAM = 1L << 30;

        public Options {
            if (ramBytes < (16L << 20) || (ramBytes & ((1L << 20) - 1)) != 0) {
                throw new IllegalArgumentException("guest RAM must be a whole number of MiB, at least 16: " + ramBytes);
            }
        }

        /** 1 GiB over a Unix socket, with shared RAM when this machine has /dev/shm. */
        public static Options defaults() {
            return new Options(Transport.SOCKET, DEFAULT_RAM, sharedRamAvailable());
        }

        /** The PL011 only: every byte of every table and query crosses the UART. */
        public static Options uartOnly(Transport transport) {
            return new Options(transport, DEFAULT_RAM, false);
        }

        public Options withRam(long bytes) {
            return new Options(transport, bytes, sharedRam);
        }

        public Options withSharedRam(boolean shared) {
            return new Options(transport, ramBytes, shared);
        }

        /** Enough RAM, from 0x40000000, to hold every address below {@code top}: rounded up to 1 GiB. */
        public static long ramReaching(long top) {
            long need = Math.max(DEFAULT_RAM, top - SharedGuestRam.RAM_BASE);
            return (need + DEFAULT_RAM - 1) & -DEFAULT_RAM;
        }
    }

    /** Whether guest RAM can be shared with QEMU here: a writable /dev/shm. */
    public static boolean sharedRamAvailable() {
        return Files.isDirectory(SHM) && Files.isWritable(SHM);
    }

    private final Process process;
    private final ByteLink link;
    private final M1n1Client client;
    private final Thread hook;
    private final Path workDir;
    private final Options options;
    private SharedGuestRam ram;
    private Mailbox mailbox;

    private QemuMachine(Process process, ByteLink link, M1n1Client client, Thread hook, Path workDir, Options options) {
        this.process = process;
        this.link = link;
        this.client = client;
        this.hook = hook;
        this.workDir = workDir;
        this.options = options;
    }

    /** Where qemu-system-aarch64 is on the PATH, if anywhere. */
    public static Optional<Path> findQemu() {
        return onPath(QEMU);
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Starts QEMU with {@code agentElf} on the UART alone (1 GiB of RAM, no shared memory). */
    public static QemuMachine start(Path agentElf, Transport transport, Duration timeout) throws IOException, LinkException {
        return start(agentElf, Options.uartOnly(transport), timeout);
    }

    /** Starts QEMU with {@code agentElf}, connects and waits for the agent's BOOT frame. */
    public static QemuMachine start(Path agentElf, Options o, Duration timeout) throws IOException, LinkException {
        Path qemu = findQemu().orElseThrow(() -> new LinkException(
                QEMU + " is not on the PATH: apt-get install qemu-system-arm (or run src/build/setup.sh)"));
        if (!Files.isRegularFile(agentElf)) {
            throw new LinkException("no QEMU agent at " + agentElf + ": build it with src/build/build-qemu-agent.sh");
        }
        if (o.sharedRam() && !sharedRamAvailable()) {
            throw new LinkException("shared guest RAM needs a writable " + SHM + "; run without it (the UART carries everything)");
        }
        Path work = Files.createTempDirectory("lockstep-qemu");
        if (o.sharedRam()) {
            sweepStaleRamFiles();
        }
        Path ramFile = o.sharedRam()
                ? SHM.resolve("lockstep-qemu-" + ProcessHandle.current().pid() + "-" + SERIAL.incrementAndGet())
                : null;
        String machine = "virt,gic-version=2,virtualization=on";
        List<String> cmd = new ArrayList<>();
        // The kernel kills QEMU when the thread that started it dies, which is when the JVM dies.
        onPath("setpriv").ifPresent(p -> cmd.addAll(List.of(p.toString(), "--pdeathsig", "KILL", "--")));
        cmd.add(qemu.toString());
        if (ramFile != null) {
            cmd.addAll(List.of("-object", "memory-backend-file,id=ram0,size=" + o.ramBytes() + ",mem-path=" + ramFile + ",share=on"));
            machine += ",memory-backend=ram0";
        }
        cmd.addAll(List.of("-M", machine, "-cpu", "max", "-m", (o.ramBytes() >> 20) + "M",
                "-nic", "none", "-display", "none", "-monitor", "none", "-nodefaults",
                "-kernel", agentElf.toString()));
        UnixSocketLink.Listener listener = null;
        if (o.transport() == Transport.SOCKET) {
            listener = UnixSocketLink.listen(work.resolve("uart.sock"));
            cmd.addAll(List.of("-chardev", "socket,id=uart,path=" + listener.path(), "-serial", "chardev:uart"));
        } else {
            cmd.addAll(List.of("-serial", "stdio"));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(work.resolve("qemu.stderr").toFile());
        if (o.transport() == Transport.SOCKET) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.redirectOutput(work.resolve("qemu.stdout").toFile());
        }
        Process proc = Launcher.start(pb);
        Thread hook = new Thread(() -> {
            kill(proc);
            deleteQuietly(ramFile);
        }, "kill-qemu-" + proc.pid());
        Runtime.getRuntime().addShutdownHook(hook);
        ByteLink link = null;
        try {
            if (listener != null) {
                link = listener.accept(timeout);
            } else {
                link = new StreamLink(proc.getInputStream(), proc.getOutputStream(), "stdio of qemu pid " + proc.pid());
            }
            M1n1Client client = new M1n1Client(link, timeout.toMillis());
            QemuMachine m = new QemuMachine(proc, link, client, hook, work, o);
            try {
                client.awaitBoot();
                client.nop(0);
                m.checkRam();
                if (ramFile != null) {
                    m.ram = SharedGuestRam.open(ramFile, o.ramBytes());
                    // Both sides hold it open now: the name can go, and with it any chance of a leftover.
                    deleteQuietly(ramFile);
                    m.mailbox = Mailbox.start(client, m.ram, MAILBOX_BASE, MAILBOX_SLOTS, timeout.toMillis());
                }
            } catch (IOException | LinkException | RuntimeException e) {
                String note = stderrNote(work);
                m.close();
                deleteQuietly(ramFile);
                throw new LinkException("the QEMU agent did not come up: " + e.getMessage() + note, e);
            }
            return m;
        } catch (LinkException | RuntimeException e) {
            if (listener != null) {
                listener.close();
            }
            kill(proc);
            deleteQuietly(ramFile);
            removeHook(hook);
            if (e instanceof LinkException le) {
                throw new LinkException(le.getMessage() + stderrNote(work), le);
            }
            throw new LinkException("cannot start QEMU: " + e + stderrNote(work), e);
        }
    }

    /**
     * Removes RAM files a bench left behind when it was killed while its QEMU was still starting
     * (before both sides had the file open and it could be unlinked): any whose JVM is gone.
     */
    static void sweepStaleRamFiles() {
        try (var files = Files.list(SHM)) {
            for (Path p : files.toList()) {
                String[] parts = p.getFileName().toString().split("-");
                if (parts.length == 4 && p.getFileName().toString().startsWith("lockstep-qemu-")) {
                    try {
                        long pid = Long.parseLong(parts[2]);
                        if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                            deleteQuietly(p);
                        }
                    } catch (NumberFormatException notOurs) {
                        // another program's file
                    }
                }
            }
        } catch (IOException ignored) {
            // nothing to sweep
        }
    }

    /** The agent reads its RAM size from the DTB; it must be the size QEMU was given. */
    private void checkRam() throws IOException, M1n1Exception {
        long seen = client.call(AtOracle.LS_RAM_SIZE);
        if (seen != options.ramBytes()) {
            throw new M1n1Exception("the agent reads " + seen + " bytes of RAM from the DTB, QEMU was given "
                    + options.ramBytes() + "; is the agent older than this bench? (src/build/build-qemu-agent.sh)");
        }
    }

    public M1n1Client client() {
        return client;
    }

    /** Where proxy calls go: the shared-RAM mailbox when there is one, else the UART. */
    public ProxyPort proxy() {
        return mailbox != null ? mailbox : client;
    }

    /** How tables get into guest RAM: straight into the shared file, else MEMWRITE over the UART. */
    public GuestMemory memory() {
        return ram != null ? ram : GuestMemory.overLink(client);
    }

    public Optional<SharedGuestRam> sharedRam() {
        return Optional.ofNullable(ram);
    }

    public Optional<Mailbox> mailbox() {
        return Optional.ofNullable(mailbox);
    }

    public Options options() {
        return options;
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

    /** "QEMU 7.2 virt, -cpu max, 1024 MiB (shared RAM, mailbox)": for reports. */
    public String describe() {
        return "qemu-system-aarch64 virt -cpu max, " + (options.ramBytes() >> 20) + " MiB"
                + (mailbox != null ? ", shared RAM and mailbox" : ", UART only") + ", pid " + process.pid();
    }

    /** Kills QEMU (whatever state it is in) and removes its working files. */
    @Override
    public void close() {
        if (mailbox != null) {
            mailbox.close();
        }
        try {
            link.close();
        } catch (IOException ignored) {
            // QEMU goes anyway
        }
        kill(process);
        removeHook(hook);
        if (ram != null) {
            ram.close();
        }
        try (var files = Files.list(workDir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(workDir);
        } catch (IOException ignored) {
            // temporary files only
        }
    }

    /** SIGKILL and wait (at most 5 s) for a QEMU the bench started: the one way QEMUs end here. */
    public static void kill(Process p) {
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

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing more to do
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

    /**
     * The one thread that starts every QEMU. A parent-death signal follows the thread that forked
     * the child, not the process, so that thread must live exactly as long as the JVM.
     */
    private static final class Launcher {
        private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lockstep-qemu-launcher");
            t.setDaemon(true);
            return t;
        });

        static Process start(ProcessBuilder pb) throws IOException {
            try {
                return THREAD.submit(pb::start).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException("cannot start QEMU: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting QEMU", e);
            }
        }
    }
}
