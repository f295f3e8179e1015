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
 * once a second: what the report's throughput, findings and coverage plots are drawn from, and the
 * resident memory of the bench and of the agent (rss_kb, agent_rss_kb; -1 when not known) and the
 * bench's Java heap as the last collections left it (heap_live_kb), so a long run shows whether
 * memory stays flat and, when the bench's resident memory moves, whether what it keeps moved.
 * Lines are flushed as written, so a killed run keeps its curve up to the kill. The page-table and
 * RTKit campaigns both write it (for RTKit, ops are case steps).
 */
public final class Timeline implements AutoCloseable {
    private static final long INTERVAL_NANOS = 1_000_000_000L;
    private final BufferedWriter out;
    private final java.util.function.LongSupplier agentPid;
    private long last;
    private long agentPeakKb = -1;

    /** A timeline that knows no agent process (agent_rss_kb -1). */
    public Timeline(Path file) throws IOException {
        this(file, () -> -1);
    }

    public Timeline(Path file, java.util.function.LongSupplier agentPid) throws IOException {
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.agentPid = agentPid;
    }

    /** The highest agent VmHWM seen at a recorded point, over every agent the run started (-1: none seen). */
    long agentPeakKb() {
        return agentPeakKb;
    }

    public void maybeRecord(double seconds, long ops, long findings, long known, long binsHit, long binsTotal, long edgesHit,
                     boolean force) throws IOException {
        long now = System.nanoTime();
        if (!force && now - last < INTERVAL_NANOS) {
            return;
        }
        last = now;
        ProcessMemory self = ProcessMemory.self();
        ProcessMemory agent = ProcessMemory.of(agentPid.getAsLong());
        agentPeakKb = Math.max(agentPeakKb, agent.peakKb());
        out.write(String.format(Locale.ROOT,
                "{\"t\":%.3f,\"ops\":%d,\"findings\":%d,\"known\":%d,\"bins_hit\":%d,\"bins_total\":%d,\"driver_edges_hit\":%d,"
                        + "\"rss_kb\":%d,\"agent_rss_kb\":%d,\"heap_live_kb\":%d}%n",
                seconds, ops, findings, known, binsHit, binsTotal, edgesHit, self.rssKb(), agent.rssKb(),
                ProcessMemory.heapAfterCollectionKb()));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
