package dev.lockstep.bench.m1n1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No QEMU outlives the bench, even a bench killed outright (SIGKILL: no shutdown hook runs): a
 * child JVM starts a machine with shared RAM, reports QEMU's pid, and is killed; QEMU must be gone
 * within seconds, and so must the guest RAM file in /dev/shm.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QemuLifetimeTest {

    /** The bench to be killed: starts QEMU, says its pid, and waits to die. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            QemuMachine m = QemuMachine.start(Path.of(args[0]), QemuMachine.Options.defaults(), Duration.ofSeconds(20));
            m.client().nop(0);
            System.out.println("QEMU " + m.pid() + " " + m.options().sharedRam());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void aKilledBenchTakesItsQemuAndItsRamFileWithIt() throws Exception {
        QemuOracleTest.requireQemu();
        Path elf = QemuOracleTest.buildAgent();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process bench = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                Holder.class.getName(), elf.toString())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long qemuPid;
        boolean shared;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(bench.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertNotNull(line, "the child bench said nothing before exiting");
            String[] parts = line.split(" ");
            assertEquals("QEMU", parts[0], line);
            qemuPid = Long.parseLong(parts[1]);
            shared = Boolean.parseBoolean(parts[2]);
            assertTrue(ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive).orElse(false), "QEMU is not running: " + line);
        } finally {
            bench.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
        }
        assertTrue(bench.waitFor(10, TimeUnit.SECONDS), "the child bench did not die");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive).orElse(false),
                "QEMU (pid " + qemuPid + ") outlived the bench that started it");
        if (shared) {
            try (var files = Files.list(Path.of("/dev/shm"))) {
                List<Path> left = files.filter(p -> p.getFileName().toString().startsWith("lockstep-qemu-" + bench.pid() + "-")).toList();
                assertEquals(List.of(), left, "guest RAM files left in /dev/shm");
            }
        }
    }
}
