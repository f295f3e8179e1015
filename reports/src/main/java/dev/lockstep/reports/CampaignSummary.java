// The outcome of one campaign: what ran against what, for how long, and what it found.
package dev.lockstep.reports;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary of a campaign, as written to {@code summary.json} by {@link SummaryJson}.
 *
 * <p>Immutable. {@code null} lists and maps become empty ones; {@code null} {@code schema}
 * becomes {@link #SCHEMA}; {@code null} {@code lockstepVersion} or {@code command} becomes
 * {@code ""}. The {@code coverage} and {@code health} maps iterate in key order, so that the
 * file they are written to does not change from run to run for the same content.
 *
 * @param schema          the schema of the document, {@link #SCHEMA}
 * @param lockstepVersion the version of Lockstep that ran the campaign
 * @param command         the command line that started it
 * @param target          what it ran against
 * @param format          the page-table format (or protocol) under test
 * @param granule         the granule (page size) under test
 * @param seed            the seed that makes the campaign reproducible
 * @param operations      how many operations were run
 * @param elapsedSeconds  how long the campaign ran, in seconds
 * @param opsPerSecond    operations per second over the campaign
 * @param startedAt       when the campaign started
 * @param finishedAt      when it stopped
 * @param complete        whether it ran to its planned end (false: interrupted, or the target died)
 * @param findings        its distinct findings, new and known, in the order they were first seen
 * @param coverage        free-form coverage counters, e.g. {@code bins_hit}, {@code bins_total}
 * @param health          free-form health counters, e.g. {@code agent_restarts}, {@code crc_errors}
 */
public record CampaignSummary(String schema, String lockstepVersion, String command, TargetInfo target,
                              String format, String granule, long seed, long operations, double elapsedSeconds,
                              double opsPerSecond, Instant startedAt, Instant finishedAt, boolean complete,
                              List<Finding> findings, Map<String, Long> coverage, Map<String, Long> health) {

    /** The schema this version writes. Readers accept any {@code lockstep.summary/1.x}. */
    public static final String SCHEMA = "lockstep.summary/1";

    /** The major schema version this version reads and writes. */
    static final int SCHEMA_MAJOR = 1;

    private static final Pattern SCHEMA_PATTERN = Pattern.compile("lockstep\\.summary/(\\d{1,9})(?:\\.\\d{1,9})?");

    public CampaignSummary {
        schema = Objects.requireNonNullElse(schema, SCHEMA);
        if (schemaMajor(schema) != SCHEMA_MAJOR) {
            throw new IllegalArgumentException("schema must be " + SCHEMA + ", was " + schema);
        }
        lockstepVersion = Objects.requireNonNullElse(lockstepVersion, "");
        command = Objects.requireNonNullElse(command, "");
        Objects.requireNonNull(target, "target");
        requireNonBlank(format, "format");
        requireNonBlank(granule, "granule");
        if (operations < 0) {
            throw new IllegalArgumentException("operations must not be negative, was " + operations);
        }
        // JSON has no NaN or infinity: reject them here rather than write a file no one can read.
        requireFiniteNonNegative(elapsedSeconds, "elapsedSeconds");
        requireFiniteNonNegative(opsPerSecond, "opsPerSecond");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        findings = findings == null ? List.of() : List.copyOf(findings);
        coverage = sortedCopy(coverage, "coverage");
        health = sortedCopy(health, "health");
    }

    /** The findings that are {@linkplain Finding#isNew() new}, in order; empty if there are none. */
    public List<Finding> newFindings() {
        return findings.stream().filter(Finding::isNew).toList();
    }

    /**
     * The major version of a summary schema string such as {@code lockstep.summary/1} or
     * {@code lockstep.summary/1.2}, or -1 if it is not a summary schema at all.
     */
    static int schemaMajor(String schema) {
        Matcher m = SCHEMA_PATTERN.matcher(schema);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static void requireNonBlank(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void requireFiniteNonNegative(double value, String name) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(name + " must be a finite number, at least 0, was " + value);
        }
    }

    private static Map<String, Long> sortedCopy(Map<String, Long> counters, String name) {
        if (counters == null) {
            return Collections.emptySortedMap();
        }
        TreeMap<String, Long> copy = new TreeMap<>();
        counters.forEach((k, v) -> {
            Objects.requireNonNull(k, () -> name + " key");
            Objects.requireNonNull(v, () -> name + " value of " + k);
            copy.put(k, v);
        });
        return Collections.unmodifiableSortedMap(copy);
    }
}
