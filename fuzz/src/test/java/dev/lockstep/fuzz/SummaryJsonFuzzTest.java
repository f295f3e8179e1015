package dev.lockstep.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lockstep.reports.ResultFormatException;
import dev.lockstep.reports.SummaryJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * `lockstep report` reads summary.json files from wherever a user points it, so a file of any
 * content is read or refused with ResultFormatException (one line naming the file), never with
 * anything else. (The reproducer reader has the same duty; ReproducerFuzzTest checks it.)
 */
class SummaryJsonFuzzTest {

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"\"schema\"", "\"lockstep.summary/1\"", "\"lockstep.summary/2\"", "\"target\"", "\"kind\"",
            "\"findings\"", "\"coverage\"", "\"health\"", "\"started_at\"", "\"finished_at\"", "\"seed\"",
            "\"operations\"", "\"elapsed_seconds\"", "\"ops_per_second\"", "\"complete\"", "\"category\"",
            "\"depth\"", "\"first_seen\"", "\"count\"", "\"driver bug\"", "\"2025-03-01T10:00:00Z\"", "true", "null"})
    void readOnlyThrowsResultFormatException(byte[] data) throws IOException {
        Path f = Files.createTempFile("lockstep-fuzz", ".json");
        try {
            Files.write(f, data);
            SummaryJson.read(f);
        } catch (ResultFormatException expected) {
            // The one-line refusal is what a user must see; anything else escapes and is a finding.
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
