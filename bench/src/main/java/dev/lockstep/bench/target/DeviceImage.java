package dev.lockstep.bench.target;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the QEMU device target boots: Debian's arm64 kernel and an initramfs that loads lockstep.ko
 * (src/kmod) and starts its relay on the console UART, as src/build/build-device.sh builds and
 * caches them.
 *
 * @param kernel         the kernel image (vmlinuz)
 * @param initramfs      the initramfs (gzip'd cpio)
 * @param release        the kernel release, e.g. 6.1.0-56-arm64
 * @param packageVersion the Debian package version, e.g. 6.1.192-2
 */
public record DeviceImage(Path kernel, Path initramfs, String release, String packageVersion) {

    /** Builds the image, or finds it in the cache. */
    public static DeviceImage build() throws TargetSetupException {
        return in(AgentBuild.runScript("build-device.sh", List.of()));
    }

    /** The image in a directory build-device.sh made. */
    public static DeviceImage in(Path dir) throws TargetSetupException {
        Path kernel = dir.resolve("vmlinuz");
        Path initramfs = dir.resolve("initramfs.cpio.gz");
        for (Path p : List.of(kernel, initramfs)) {
            if (!Files.isRegularFile(p)) {
                throw new TargetSetupException("the device build in " + dir + " has no " + p.getFileName()
                        + "; remove that directory and run again");
            }
        }
        return new DeviceImage(kernel, initramfs, line(dir.resolve("kernel-release")), line(dir.resolve("package-version")));
    }

    private static String line(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
