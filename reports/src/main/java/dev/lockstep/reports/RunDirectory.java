// A campaign's run directory as the report reads it: summary, timeline, findings on disk.
package dev.lockstep.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A run directory: {@code summary.json} (required), {@code timeline.jsonl},
 * {@code findings/ID/{reproducer.lst,detail.txt}} and {@code allure-results/} (all optional).
 *
 * @param path     the directory, as the user named it
 * @param summary  its summary
 * @param timeline its timeline, empty (with a note) if it has none
 */
public record RunDirectory(Path path, CampaignSummary summary, CampaignTimeline timeline) {

    /** Larger reproducer or detail files are shown cut, with a note. */
    static final int MAX_TEXT_BYTES = 256 * 1024;

    public RunDirectory {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(timeline, "timeline");
    }

    /**
     * Reads the run directory {@code dir}.
     *
     * @throws ResultFormatException if it is not a directory, or its summary.json is missing or
     *                               damaged (one-line message naming the file)
     */
    public static RunDirectory open(Path dir) throws ResultFormatException {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new ResultFormatException(dir, Files.exists(dir)
                    ? "not a directory; pass a campaign's run directory (the --out of lockstep fuzz)"
                    : "no such directory; pass a campaign's run directory (the --out of lockstep fuzz)");
        }
        CampaignSummary s = SummaryJson.read(dir.resolve("summary.json"));
        return new RunDirectory(dir, s, CampaignTimeline.read(dir.resolve(CampaignTimeline.FILE_NAME)));
    }

    /**
     * What makes runs "the same campaign" for trends: format, granule and target kind, e.g.
     * {@code arm64-lpae-s1/4k on host}. The seed, the time and the driver version may differ.
     */
    public String campaignKey() {
        return summary.format() + "/" + summary.granule() + " on " + summary.target().kind();
    }

    /** The Allure results the campaign wrote, {@code allure-results/}. */
    public Path allureResults() {
        return path.resolve("allure-results");
    }

    /**
     * The text of {@code f}'s minimised reproducer: its {@code reproducer} path in the run directory,
     * else {@code findings/ID/reproducer.lst}; empty if there is none or it cannot be read. A path
     * leading out of the run directory is not followed.
     */
    public Optional<String> reproducerText(Finding f) {
        Optional<String> named = f.reproducer().isBlank() ? Optional.empty() : readInside(f.reproducer());
        return named.isPresent() ? named : readInside("findings/" + f.id() + "/reproducer.lst");
    }

    /** The finding's detail: from summary.json, else {@code findings/ID/detail.txt}, else "". */
    public String detailText(Finding f) {
        if (!f.detail().isBlank()) {
            return f.detail();
        }
        return readInside("findings/" + f.id() + "/detail.txt").orElse("");
    }

    private Optional<String> readInside(String relative) {
        try {
            Path base = path.toAbsolutePath().normalize();
            Path file = base.resolve(relative).normalize();
            if (!file.startsWith(base) || !Files.isRegularFile(file)) {
                return Optional.empty();
            }
            byte[] bytes;
            try (var in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_TEXT_BYTES + 1);
            }
            String text = new String(bytes, 0, Math.min(bytes.length, MAX_TEXT_BYTES), StandardCharsets.UTF_8);
            if (bytes.length > MAX_TEXT_BYTES) {
                text += "\n… (cut at " + MAX_TEXT_BYTES / 1024 + " KiB; the whole file is " + relative + ")\n";
            }
            return Optional.of(text);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
