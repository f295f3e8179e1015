// Writes a file all-or-nothing, so that a reader never sees half of it, even after a crash.
package dev.lockstep.reports;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

public final class AtomicFiles {

    private AtomicFiles() {
    }

    /**
     * Writes {@code data} to a temporary file beside {@code file}, forces it to disk, and renames it
     * over {@code file}. Creates the parent directories. On failure the temporary file is removed
     * and {@code file} is as it was.
     */
    public static void write(Path file, byte[] data) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        // Same directory, so the rename cannot cross file systems; hidden and random, so that
        // two writers never share one and a listing of the run directory stays clean.
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            // Not Files.createTempFile: that makes the file 0600, and the result would keep
            // those permissions after the rename.
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    // The rename is durable only once the directory entry is on disk.
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open or sync a directory; the rename is still atomic there.
        }
    }
}
