// Reads timeline.jsonl, the campaign's progress curve, tolerating a file that is still being written.
package dev.lockstep.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A campaign's {@code timeline.jsonl}: one {@link TimelinePoint} per line, in the order written.
 *
 * <p>Reading never fails. The file may be read while the campaign still appends to it, or after
 * the campaign was killed, so its last line may be cut short: a last line that does not parse is
 * dropped without a note when the file does not end with a line break (it is simply still being
 * written), and with a note when it does. Any other line that is not a timeline point is skipped
 * with a note naming its line number. A missing file gives an empty timeline with a note (campaigns
 * of Lockstep 0.1 wrote none).
 *
 * @param points the readable points, in file order
 * @param notes  what was skipped and why, one line each, fit to show under a plot
 */
public record CampaignTimeline(List<TimelinePoint> points, List<String> notes) {

    /** The file name in a run directory. */
    public static final String FILE_NAME = "timeline.jsonl";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    public CampaignTimeline {
        points = List.copyOf(points);
        notes = List.copyOf(notes);
    }

    /** An empty timeline with one note. */
    public static CampaignTimeline empty(String note) {
        return new CampaignTimeline(List.of(), List.of(note));
    }

    /** Reads {@code file}; see the class comment for what is tolerated. */
    public static CampaignTimeline read(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return empty(file.getFileName() + " not found: the campaign recorded no timeline, so there is nothing to plot over time");
        } catch (IOException e) {
            return empty(file.getFileName() + " cannot be read (" + e.getMessage() + ")");
        }
        return parse(new String(bytes, StandardCharsets.UTF_8));
    }

    /** Parses the text of a timeline file; see the class comment for what is tolerated. */
    public static CampaignTimeline parse(String text) {
        List<TimelinePoint> points = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean endsWithNewline = text.endsWith("\n");
        String[] lines = text.split("\n", -1);
        // split leaves "" after a final line break: not a line
        int count = endsWithNewline ? lines.length - 1 : lines.length;
        int skipped = 0;
        for (int i = 0; i < count; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            TimelinePoint p = parseLine(line);
            if (p != null) {
                points.add(p);
            } else if (i == count - 1 && !endsWithNewline) {
                // Cut short by a running or killed campaign: expected, not worth a note.
                continue;
            } else {
                skipped++;
                if (skipped <= 3) {
                    notes.add("timeline line " + (i + 1) + " is not a timeline point and was skipped: "
                            + Svg.abbreviate(line, 60));
                }
            }
        }
        if (skipped > 3) {
            notes.add((skipped - 3) + " more unreadable timeline lines were skipped");
        }
        return new CampaignTimeline(points, notes);
    }

    /** Whether there is nothing to plot. */
    public boolean isEmpty() {
        return points.isEmpty();
    }

    /** The last point, or {@code null} if there is none. */
    public TimelinePoint last() {
        return points.isEmpty() ? null : points.get(points.size() - 1);
    }

    /** Whether any point reports driver code coverage. */
    public boolean hasDriverCoverage() {
        return points.stream().anyMatch(p -> p.driverEdgesHit() > 0);
    }

    // null when the line is not a point: not JSON, not an object, or t/ops missing or not numbers.
    private static TimelinePoint parseLine(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (IOException e) {
            return null;
        }
        if (n == null || !n.isObject() || !n.path("t").isNumber() || !n.path("ops").isNumber()) {
            return null;
        }
        double t = n.get("t").doubleValue();
        if (!Double.isFinite(t)) {
            return null;
        }
        return new TimelinePoint(t, n.get("ops").longValue(), longOf(n, "findings"), longOf(n, "known"),
                longOf(n, "bins_hit"), longOf(n, "bins_total"), longOf(n, "driver_edges_hit"));
    }

    private static long longOf(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? v.longValue() : 0L;
    }
}
