// One distinct finding of a campaign: what diverged, where it was first seen, and how to replay it.
package dev.lockstep.reports;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A distinct finding: all occurrences with the same title are one finding, counted.
 *
 * <p>Text that is absent is {@code ""}, never {@code null}: a {@code null} passed for
 * {@code depthName}, {@code knownReason}, {@code knownSource}, {@code reproducer},
 * {@code replayCommand} or {@code detail} becomes {@code ""}, and a {@code null} or blank
 * {@code id} becomes {@link #idOf(String) idOf(title)}.
 *
 * @param id                 stable short id, by default {@link #idOf(String) idOf(title)}
 * @param title              one line saying what diverged; identifies the finding
 * @param depth              how deep in the layer stack the divergence was seen (0 = outermost)
 * @param depthName          the name of that layer, or {@code ""}
 * @param category           what kind of finding this is
 * @param known              whether it matched the list of known divergences
 * @param knownReason        why it is known (the list's words), or {@code ""}
 * @param knownSource        where it is listed as known (file and line, or a link), or {@code ""}
 * @param firstSeenOperation the campaign operation number at which it was first seen
 * @param firstSeen          when it was first seen
 * @param count              how many times it was seen in the campaign, at least 1
 * @param reproducer         the reproducer's path relative to the run directory, or {@code ""}
 * @param replayCommand      a command line that replays the reproducer, or {@code ""}
 * @param detail             multi-line human text: the diff, the operation, the states
 */
public record Finding(String id, String title, int depth, String depthName, Category category, boolean known,
                      String knownReason, String knownSource, long firstSeenOperation, Instant firstSeen, long count,
                      String reproducer, String replayCommand, String detail) {

    private static final int ID_HEX_CHARS = 12;

    public Finding {
        Objects.requireNonNull(title, "title");
        if (title.isBlank()) {
            throw new IllegalArgumentException("finding title must not be blank");
        }
        if (id == null || id.isBlank()) {
            id = idOf(title);
        }
        if (depth < 0) {
            throw new IllegalArgumentException("depth must not be negative, was " + depth);
        }
        Objects.requireNonNull(category, "category");
        if (firstSeenOperation < 0) {
            throw new IllegalArgumentException("firstSeenOperation must not be negative, was " + firstSeenOperation);
        }
        Objects.requireNonNull(firstSeen, "firstSeen");
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        depthName = Objects.requireNonNullElse(depthName, "");
        knownReason = Objects.requireNonNullElse(knownReason, "");
        knownSource = Objects.requireNonNullElse(knownSource, "");
        reproducer = Objects.requireNonNullElse(reproducer, "");
        replayCommand = Objects.requireNonNullElse(replayCommand, "");
        detail = Objects.requireNonNullElse(detail, "");
        // A run directory is copied and archived whole; an absolute path would point back
        // into the machine that ran the campaign.
        if (!reproducer.isEmpty() && Path.of(reproducer).isAbsolute()) {
            throw new IllegalArgumentException("reproducer must be relative to the run directory, was " + reproducer);
        }
    }

    /**
     * The stable short id of a finding with this title: the first 12 hex digits (lower case) of the
     * SHA-256 of the title's UTF-8 bytes. The same title gives the same id in every run, so ids
     * can be compared across campaigns.
     */
    public static String idOf(String title) {
        Objects.requireNonNull(title, "title");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(title.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, ID_HEX_CHARS);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to have SHA-256.
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether this finding is new, i.e. calls for someone to look at it: not {@link #known()}, and
     * not of category {@link Category#KNOWN_DIVERGENCE} (which is known by definition, whatever
     * the flag says).
     */
    public boolean isNew() {
        return !known && category != Category.KNOWN_DIVERGENCE;
    }
}
