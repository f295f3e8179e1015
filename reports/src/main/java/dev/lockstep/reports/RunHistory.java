// The runs earlier reports into the same directory have seen: the summary page's trends across runs.
package dev.lockstep.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code lockstep-history.json} in a report directory: one entry per campaign run any report into
 * that directory has covered, so that reporting each night's run into the same {@code --out} shows
 * a trend on the summary page (as the Allure report's {@code history/} does in Allure).
 *
 * <p>A run is identified by its campaign key, start time and seed; reporting the same run again
 * replaces its entry. A damaged file is started afresh, with a note.
 *
 * @param runs  the runs, oldest first
 * @param notes what went wrong reading the file, if anything
 */
public record RunHistory(List<Run> runs, List<String> notes) {

    /** The file name in the report directory. */
    public static final String FILE_NAME = "lockstep-history.json";

    private static final String SCHEMA = "lockstep.report-history/1";
    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public RunHistory {
        runs = List.copyOf(runs);
        notes = List.copyOf(notes);
    }

    /**
     * One campaign run, as the trend shows it.
     *
     * @param campaign     {@link RunDirectory#campaignKey()}
     * @param startedAt    when it started
     * @param seed         its seed
     * @param driver       the driver version
     * @param operations   operations run
     * @param opsPerSecond throughput
     * @param findings     distinct findings
     * @param newFindings  of those, the new ones
     * @param binsHit      coverage bins hit
     * @param binsTotal    coverage bins defined
     * @param complete     whether it ran to its end
     * @param runDir       the run directory, as given to the report
     */
    public record Run(String campaign, Instant startedAt, long seed, String driver, long operations,
                      double opsPerSecond, int findings, int newFindings, long binsHit, long binsTotal,
                      boolean complete, String runDir) {

        static Run of(RunDirectory d) {
            CampaignSummary s = d.summary();
            return new Run(d.campaignKey(), s.startedAt(), s.seed(), s.target().driverVersion(), s.operations(),
                    s.opsPerSecond(), s.findings().size(), s.newFindings().size(),
                    s.coverage().getOrDefault("bins_hit", 0L), s.coverage().getOrDefault("bins_total", 0L),
                    s.complete(), d.path().toString());
        }

        String identity() {
            return campaign + "\n" + startedAt + "\n" + seed;
        }
    }

    /** Reads the history in {@code reportDir}; empty if there is none. */
    public static RunHistory read(Path reportDir) {
        Path file = reportDir.resolve(FILE_NAME);
        List<Run> runs = new ArrayList<>();
        try {
            JsonNode root = MAPPER.readTree(Files.readAllBytes(file));
            for (JsonNode n : root.path("runs")) {
                runs.add(new Run(n.path("campaign").asText(), Instant.parse(n.path("started_at").asText()),
                        n.path("seed").asLong(), n.path("driver_version").asText(), n.path("operations").asLong(),
                        n.path("ops_per_second").asDouble(), n.path("findings").asInt(), n.path("new_findings").asInt(),
                        n.path("bins_hit").asLong(), n.path("bins_total").asLong(), n.path("complete").asBoolean(),
                        n.path("run_dir").asText()));
            }
            return new RunHistory(runs, List.of());
        } catch (NoSuchFileException e) {
            return new RunHistory(List.of(), List.of());
        } catch (IOException | RuntimeException e) {
            return new RunHistory(List.of(), List.of(file + " could not be read (" + e.getClass().getSimpleName()
                    + "); the trend starts afresh with these runs"));
        }
    }

    /** This history with {@code dirs} added (replacing entries of the same runs), oldest first. */
    public RunHistory with(List<RunDirectory> dirs) {
        Map<String, Run> byId = new LinkedHashMap<>();
        runs.forEach(r -> byId.put(r.identity(), r));
        dirs.forEach(d -> {
            Run r = Run.of(d);
            byId.put(r.identity(), r);
        });
        List<Run> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing(Run::startedAt));
        return new RunHistory(all, notes);
    }

    /** The runs of each campaign, oldest first, campaigns in order of first appearance. */
    public Map<String, List<Run>> byCampaign() {
        Map<String, List<Run>> m = new LinkedHashMap<>();
        runs.forEach(r -> m.computeIfAbsent(r.campaign(), k -> new ArrayList<>()).add(r));
        return m;
    }

    /** Writes the history to {@code reportDir}, all-or-nothing. */
    public void write(Path reportDir) throws IOException {
        Objects.requireNonNull(reportDir, "reportDir");
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        ArrayNode list = root.putArray("runs");
        for (Run r : runs) {
            ObjectNode n = list.addObject();
            n.put("campaign", r.campaign());
            n.put("started_at", r.startedAt().toString());
            n.put("seed", r.seed());
            n.put("driver_version", r.driver());
            n.put("operations", r.operations());
            n.put("ops_per_second", r.opsPerSecond());
            n.put("findings", r.findings());
            n.put("new_findings", r.newFindings());
            n.put("bins_hit", r.binsHit());
            n.put("bins_total", r.binsTotal());
            n.put("complete", r.complete());
            n.put("run_dir", r.runDir());
        }
        AtomicFiles.write(reportDir.resolve(FILE_NAME), (MAPPER.writeValueAsString(root) + "\n").getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
    }
}
