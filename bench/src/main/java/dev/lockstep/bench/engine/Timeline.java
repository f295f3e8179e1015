package dev.lockstep.bench.engine;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The campaign's progress over time, one JSON object per line in timeline.jsonl, appended about
 * once a second: what the report's throughput, findings and coverage plots are drawn from. Lines
 * are flushed as written, so a killed run keeps its curve up to the kill. The page-table and RTKit
 * campaigns both write it (for RTKit, ops are case steps).
 */
public final class Timeline implements AutoCloseable {
    private static final long INTERVAL_NANOS = 1_000_000_000L;
    private final BufferedWriter out;
    private long last;

    public Timeline(Path file) throws IOException {
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public void maybeRecord(double seconds, long ops, long findings, long known, long binsHit, long binsTotal, long edgesHit,
                     boolean force) throws IOException {
        long now = System.nanoTime();
        if (!force && now - last < INTERVAL_NANOS) {
            return;
        }
        last = now;
        out.write(String.format(Locale.ROOT,
                "{\"t\":%.3f,\"ops\":%d,\"findings\":%d,\"known\":%d,\"bins_hit\":%d,\"bins_total\":%d,\"driver_edges_hit\":%d}%n",
                seconds, ops, findings, known, binsHit, binsTotal, edgesHit));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
