// Writes a campaign's findings as Allure results, so `allure generate` shows them with history.
package dev.lockstep.reports;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qameta.allure.AllureResultsWriteException;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Stage;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.TestResult;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * An Allure results directory for campaign results: one test result per finding, plus the
 * campaign's environment and categories.
 *
 * <p>Statuses: a {@linkplain Finding#isNew() new} finding is {@code failed}; a known one is
 * {@code skipped} (with {@code statusDetails.known} set), because it needs no one's attention,
 * while {@code broken} would say the test itself is faulty. The trace of every finding starts with
 * the line {@code lockstep category: <label>}, followed by the finding's detail; the categories
 * written by {@link #writeCampaign} match on that line, since the message is the title.
 *
 * <p>A finding's {@code historyId} depends only on its suite ({@code lockstep/<format>/<granule>})
 * and its title, and its {@code testCaseId} only on its title; the {@code uuid} is random. Allure
 * also keys history by the parameters that are not excluded, so the seed and the port are
 * written as excluded parameters: the same finding in another run of the same campaign continues
 * one history whatever the seed, while a run against another target kind or driver version has
 * its own.
 *
 * <p>I/O failures are thrown as {@link UncheckedIOException}. Instances hold no mutable state.
 */
public final class AllureResults {

    /** First line of every finding's trace, followed by the category label. */
    static final String CATEGORY_MARKER = "lockstep category: ";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final Path directory;
    private final FileSystemResultsWriter writer;

    /** Uses {@code resultsDir} for results, creating it and its parents if need be. */
    public AllureResults(Path resultsDir) {
        this.directory = Objects.requireNonNull(resultsDir, "resultsDir");
        try {
            Files.createDirectories(resultsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Allure results directory " + resultsDir, e);
        }
        this.writer = new FileSystemResultsWriter(resultsDir);
    }

    /** The results directory. */
    public Path directory() {
        return directory;
    }

    /**
     * Writes one Allure test result for {@code f}, found by the campaign {@code context}, and each
     * entry of {@code textAttachments} (name to text, e.g. {@code "reproducer"}, {@code "diff"}) as a
     * {@code text/plain} attachment file in the results directory, in the map's order.
     */
    public void writeFinding(CampaignSummary context, Finding f, Map<String, String> textAttachments) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(f, "finding");
        Objects.requireNonNull(textAttachments, "textAttachments");
        String suite = suiteOf(context);

        List<Label> labels = new ArrayList<>(List.of(
                label("suite", suite),
                label("feature", f.depthName().isBlank() ? "depth " + f.depth() : f.depthName()),
                label("story", f.category().label()),
                label("severity", severityOf(f.category())),
                label("tag", "lockstep")));
        if (!f.isNew()) {
            labels.add(label("tag", "known"));
        }

        StatusDetails details = new StatusDetails()
                .setMessage(f.title())
                .setTrace(CATEGORY_MARKER + f.category().label() + "\n" + f.detail())
                .setKnown(!f.isNew());

        long at = f.firstSeen().toEpochMilli();
        TestResult result = new TestResult()
                .setUuid(UUID.randomUUID().toString())
                .setHistoryId(hash(suite + "\n" + f.title()))
                .setTestCaseId(hash(f.title()))
                .setName(f.title())
                .setFullName(suite + "/" + f.id())
                .setStatus(f.isNew() ? Status.FAILED : Status.SKIPPED)
                .setStatusDetails(details)
                .setStage(Stage.FINISHED)
                .setDescription(describe(f))
                .setLabels(labels)
                .setParameters(parameters(context))
                .setStart(at)
                .setStop(at);

        // Attachments first: a result file then never names an attachment that is not there yet.
        List<Attachment> attachments = new ArrayList<>();
        textAttachments.forEach((name, text) -> {
            Objects.requireNonNull(name, "attachment name");
            Objects.requireNonNull(text, () -> "text of attachment " + name);
            String source = UUID.randomUUID() + "-attachment.txt";
            write(() -> writer.write(source, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
            attachments.add(new Attachment().setName(name).setSource(source).setType("text/plain"));
        });
        result.setAttachments(attachments);
        write(() -> writer.write(result));
    }

    /**
     * Writes the campaign-wide files: {@code environment.properties} (Lockstep version, target kind
     * and port, driver version, agent build, format, granule, seed, command) and
     * {@code categories.json} (driver bug, crash, hang, link fault and model error for failed
     * results, by their trace's first line; known divergence for skipped ones). Both are replaced,
     * so with several campaigns in one results directory the last one's environment is shown.
     *
     * <p>When the campaign found nothing new, also writes one result
     * {@code "campaign <format>/<granule> seed N"}, so an empty run still shows in Allure:
     * {@code passed} if the campaign is {@linkplain CampaignSummary#complete() complete},
     * {@code broken} if it stopped before its end, since a short run proves less.
     */
    public void writeCampaign(CampaignSummary s) {
        Objects.requireNonNull(s, "summary");
        write(() -> AtomicFiles.write(directory.resolve("environment.properties"),
                environment(s).getBytes(StandardCharsets.ISO_8859_1)));
        write(() -> AtomicFiles.write(directory.resolve("categories.json"),
                MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(categories())));
        if (s.newFindings().isEmpty()) {
            write(() -> writer.write(campaignResult(s)));
        }
    }

    // ---- the pieces -----------------------------------------------------------------------

    static String suiteOf(CampaignSummary s) {
        return "lockstep/" + s.format() + "/" + s.granule();
    }

    private static TestResult campaignResult(CampaignSummary s) {
        String suite = suiteOf(s);
        String campaign = "campaign " + s.format() + "/" + s.granule();
        long known = s.findings().size();
        StringBuilder d = new StringBuilder()
                .append("- ").append(s.operations()).append(" operations in ")
                .append(String.format(Locale.ROOT, "%.1f s (%.1f ops/s)", s.elapsedSeconds(), s.opsPerSecond()))
                .append("\n- ").append(known).append(known == 1 ? " known finding" : " known findings")
                .append(", no new one\n");
        s.coverage().forEach((k, v) -> d.append("- coverage ").append(k).append(": ").append(v).append('\n'));
        s.health().forEach((k, v) -> d.append("- health ").append(k).append(": ").append(v).append('\n'));
        if (!s.command().isBlank()) {
            d.append("\n`").append(s.command()).append("`\n");
        }
        TestResult r = new TestResult()
                .setUuid(UUID.randomUUID().toString())
                // The seed changes from run to run; the campaign's history must not.
                .setHistoryId(hash(suite + "\n" + campaign))
                .setTestCaseId(hash(campaign))
                .setName(campaign + " seed " + s.seed())
                .setFullName(suite + "/campaign")
                .setStatus(s.complete() ? Status.PASSED : Status.BROKEN)
                .setStage(Stage.FINISHED)
                .setDescription(d.toString())
                .setLabels(new ArrayList<>(List.of(
                        label("suite", suite),
                        label("feature", "campaign"),
                        label("severity", "normal"),
                        label("tag", "lockstep"))))
                .setParameters(parameters(s))
                .setStart(s.startedAt().toEpochMilli())
                .setStop(s.finishedAt().toEpochMilli());
        if (!s.complete()) {
            r.setStatusDetails(new StatusDetails().setMessage(
                    "campaign stopped after " + s.operations() + " operations, before its planned end"));
        }
        return r;
    }

    // Allure keys a result's history by its historyId and the values of its parameters that are
    // not excluded. The seed changes every run and a pty's number every boot, so both are shown
    // but excluded; the target kind and the driver version stay in the key, so runs against
    // different drivers show side by side instead of as retries of one another.
    private static List<Parameter> parameters(CampaignSummary s) {
        TargetInfo t = s.target();
        List<Parameter> p = new ArrayList<>();
        p.add(new Parameter().setName("seed").setValue(Long.toString(s.seed())).setExcluded(true));
        p.add(new Parameter().setName("target").setValue(t.kind()));
        if (!t.port().isBlank()) {
            p.add(new Parameter().setName("port").setValue(t.port()).setExcluded(true));
        }
        p.add(new Parameter().setName("driver version").setValue(t.driverVersion()));
        return p;
    }

    // Markdown, which Allure renders; one fact a line.
    private static String describe(Finding f) {
        StringBuilder d = new StringBuilder()
                .append("- id `").append(f.id()).append("`, ").append(f.category().label())
                .append(", depth ").append(f.depth());
        if (!f.depthName().isBlank()) {
            d.append(" (").append(f.depthName()).append(')');
        }
        d.append("\n- first seen at operation ").append(f.firstSeenOperation()).append(", ").append(f.firstSeen())
                .append("; seen ").append(f.count()).append(f.count() == 1 ? " time" : " times").append('\n');
        if (!f.isNew()) {
            d.append("- known");
            if (!f.knownReason().isBlank()) {
                d.append(": ").append(f.knownReason());
            }
            if (!f.knownSource().isBlank()) {
                d.append(" (").append(f.knownSource()).append(')');
            }
            d.append('\n');
        }
        if (!f.reproducer().isBlank()) {
            d.append("- reproducer `").append(f.reproducer()).append("` in the run directory\n");
        }
        if (!f.replayCommand().isBlank()) {
            d.append("- replay with `").append(f.replayCommand()).append("`\n");
        }
        return d.toString();
    }

    // Allure's severities; a crash stops the campaign, a hang or a wrong mapping can corrupt memory.
    private static String severityOf(Category c) {
        return switch (c) {
            case CRASH -> "blocker";
            case DRIVER_BUG, HANG -> "critical";
            case MODEL_ERROR, LINK_FAULT -> "normal";
            case HEALTH -> "minor";
            case KNOWN_DIVERGENCE -> "trivial";
        };
    }

    /**
     * The categories.json content: one entry per category but health. Allure puts a result in
     * every category it matches (regex on the whole trace, DOTALL); a failed result matching none,
     * such as a health finding, lands in Allure's own "Product defects".
     */
    static ArrayNode categories() {
        ArrayNode list = MAPPER.createArrayNode();
        for (Category c : Category.values()) {
            if (c == Category.HEALTH) {
                continue;
            }
            ObjectNode o = list.addObject();
            o.put("name", c.label());
            if (c == Category.KNOWN_DIVERGENCE) {
                o.putArray("matchedStatuses").add("skipped");
                // Any Lockstep finding: skipped tests from other tools in the same directory stay out.
                o.put("traceRegex", "^" + CATEGORY_MARKER + "[^\\n]*(?:\\n[\\s\\S]*)?$");
            } else {
                o.putArray("matchedStatuses").add("failed");
                o.put("traceRegex", "^" + CATEGORY_MARKER + c.label() + "(?:\\n[\\s\\S]*)?$");
            }
        }
        return list;
    }

    private static String environment(CampaignSummary s) {
        return properties(environmentMap(s));
    }

    /** The campaign's environment, key to value, in the order environment.properties lists it. */
    static Map<String, String> environmentMap(CampaignSummary s) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("lockstep.version", s.lockstepVersion());
        env.put("target.kind", s.target().kind());
        env.put("target.port", s.target().port());
        env.put("driver.version", s.target().driverVersion());
        env.put("agent.build", s.target().agentBuild());
        env.put("format", s.format());
        env.put("granule", s.granule());
        env.put("seed", Long.toString(s.seed()));
        env.put("command", s.command());
        return env;
    }

    /** {@code env} as the text of a properties file Allure reads (ISO-8859-1, escaped). */
    static String properties(Map<String, String> env) {
        StringBuilder sb = new StringBuilder();
        env.forEach((k, v) -> sb.append(k).append('=').append(escapeProperty(v)).append('\n'));
        return sb.toString();
    }

    // java.util.Properties syntax in ISO-8859-1, the way Allure loads the file: other characters as
    // \\uXXXX, line breaks escaped, a leading blank kept.
    private static String escapeProperty(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\f' -> sb.append("\\f");
                case ' ' -> sb.append(i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static Label label(String name, String value) {
        return new Label().setName(name).setValue(value);
    }

    private static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface Io {
        void run() throws IOException;
    }

    private void write(Io action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Allure results in " + directory, e);
        } catch (AllureResultsWriteException e) {
            IOException cause = e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
            throw new UncheckedIOException("cannot write Allure results in " + directory, cause);
        }
    }
}
