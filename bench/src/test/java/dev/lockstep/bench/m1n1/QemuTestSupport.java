package dev.lockstep.bench.m1n1;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * For tests anywhere in the bench that need QEMU: skip when it or the cross compiler is missing
 * (fail under CI=true, where setup.sh installs both), and the agent's ELF.
 */
public final class QemuTestSupport {
    private QemuTestSupport() {
    }

    public static void requireQemu() {
        String missing = null;
        if (QemuMachine.findQemu().isEmpty()) {
            missing = QemuMachine.QEMU + " is not installed (apt-get install qemu-system-arm, or src/build/setup.sh)";
        } else if (!onPath("aarch64-linux-gnu-gcc")) {
            missing = "aarch64-linux-gnu-gcc is not installed (apt-get install gcc-aarch64-linux-gnu, or src/build/setup.sh)";
        }
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("the QEMU tests cannot run under CI: " + missing);
            }
            System.err.println("QEMU tests skipped: " + missing);
            Assumptions.assumeTrue(false, "QEMU tests skipped: " + missing);
        }
    }

    public static Path agent() throws Exception {
        return QemuAgentBuild.build();
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
