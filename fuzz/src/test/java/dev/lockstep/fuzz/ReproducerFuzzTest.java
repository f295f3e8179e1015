package dev.lockstep.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lockstep.bench.engine.Reproducer;
import dev.lockstep.bench.engine.ReproducerFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A reproducer file of any content is read or refused with ReproducerFormatException, nothing else. */
class ReproducerFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void readNeverThrowsAnythingElse(byte[] data) throws IOException {
        Path f = Files.createTempFile("lockstep-fuzz", ".lst");
        try {
            Files.write(f, data);
            Reproducer.read(f);
        } catch (ReproducerFormatException expected) {
            // The one-line refusal is what a user must see.
        } catch (UncheckedIOException e) {
            throw e;
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
