package dev.lockstep.bench.coverage;

import dev.lockstep.models.iopgtable.PgtableConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * OUT/coverage-growth.jsonl: one line each time the campaign's driver edge count grows, with the
 * operations and seconds so far, the new count, and the configuration and origin of the case that
 * grew it. The exact growth curve (timeline.jsonl keeps its once-a-second cadence for the report's
 * rates), and a record of which configuration opened which code. Flushed as written.
 */
public final class GrowthLog implements AutoCloseable {
    public static final String FILE = "coverage-growth.jsonl";
    private final BufferedWriter out;

    public GrowthLog(Path dir) throws IOException {
        out = Files.newBufferedWriter(dir.resolve(FILE), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** origin: where the case came from (a {@link Scheduler.Origin}), or "shrinking" for sites a finding's shrinking reached. */
    public void grew(double seconds, long ops, long edgesHit, int fresh, PgtableConfig c, String origin) throws IOException {
        out.write(String.format(Locale.ROOT,
                "{\"t\":%.3f,\"ops\":%d,\"driver_edges_hit\":%d,\"new\":%d,\"format\":\"%s\",\"granule\":\"%s\",\"ias\":%d,\"oas\":%d,"
                        + "\"coherent_walk\":%b,\"origin\":\"%s\"}%n",
                seconds, ops, edgesHit, fresh, c.format().cliName(), c.granule().label(), c.ias(), c.oas(), c.coherentWalk(),
                origin));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
