// Reads and writes summary.json, the machine-readable result of a campaign (docs/summary-schema.md).
package dev.lockstep.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * {@code summary.json}: a {@link CampaignSummary} as pretty-printed JSON, keys in a fixed order.
 * The format is described in {@code docs/summary-schema.md}.
 */
public final class SummaryJson {

    private static final String DAMAGED = "the file is damaged or was not written by Lockstep";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    // Two-space indent, "key": value, every array element on its own line: a file that diffs
    // well and reads well in a terminal. Line ends are \n on every platform.
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter(
                    Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                            .withObjectEmptySeparator("")
                            .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private SummaryJson() {
    }

    /**
     * Writes {@code s} to {@code file} all-or-nothing: to a temporary file in the same directory,
     * forced to disk, then renamed over {@code file}. A reader sees the old file or the new one,
     * never a part; no temporary file is left behind, also on failure. Creates the parent
     * directories.
     */
    public static void write(Path file, CampaignSummary s) throws IOException {
        write(file, s, null);
    }

    /**
     * As {@link #write(Path, CampaignSummary)}, with the campaign's statistics (rate with its
     * confidence interval, Good-Turing, Chao1, coverage saturation) under "statistics". Values that
     * cannot be computed (NaN) are left out. Readers of this schema ignore the object.
     */
    public static void write(Path file, CampaignSummary s, CampaignStatistics statistics) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(s, "summary");
        ObjectNode o = toJson(s);
        if (statistics != null) {
            o.set("statistics", statisticsJson(statistics));
        }
        String json = WRITER.writeValueAsString(o) + "\n";
        AtomicFiles.write(file, json.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode statisticsJson(CampaignStatistics st) {
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode t = o.putObject("throughput");
        put(t, "ops_per_second", st.throughput().overall());
        put(t, "mean_interval_rate", st.throughput().mean());
        put(t, "ci_lower", st.throughput().lower());
        put(t, "ci_upper", st.throughput().upper());
        put(t, "confidence", st.throughput().confidence());
        t.put("intervals", st.throughput().intervals());
        ObjectNode d = o.putObject("discovery");
        d.put("classes", st.discovery().classes());
        d.put("singletons", st.discovery().singletons());
        d.put("doubletons", st.discovery().doubletons());
        put(d, "good_turing_next_is_new", st.discovery().goodTuring());
        put(d, "chao1", st.discovery().chao1());
        put(d, "unseen_estimate", st.discovery().unseen());
        d.put("chao1_bias_corrected", st.discovery().chao1BiasCorrected());
        ObjectNode c = o.putObject("saturation");
        c.put("bins_hit", st.saturation().binsHit());
        c.put("bins_total", st.saturation().binsTotal());
        put(c, "fraction_hit", st.saturation().fractionHit());
        put(c, "slope_bins_per_second", st.saturation().slopePerSecond());
        put(c, "window_seconds", st.saturation().windowSeconds());
        return o;
    }

    private static void put(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        }
    }

    /**
     * Reads a summary written by any Lockstep version with the same major schema version.
     * Unknown fields (from a later minor version) are ignored; the summary returned has
     * {@link CampaignSummary#SCHEMA this version's schema}.
     *
     * @throws ResultFormatException if the file is missing, unreadable, not JSON, damaged, not a
     *                               summary, or from another major schema version; its message is
     *                               one line naming the file
     */
    public static CampaignSummary read(Path file) throws ResultFormatException {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ResultFormatException(file, "no such file; check the run directory, or run the campaign first", e);
        } catch (AccessDeniedException e) {
            throw new ResultFormatException(file, "permission denied; check the file's permissions", e);
        } catch (IOException e) {
            throw new ResultFormatException(file, "cannot be read (" + e + ")", e);
        }
        JsonNode root = parse(file, bytes);
        if (!root.isObject()) {
            throw new ResultFormatException(file, "the top level is " + describe(root)
                    + ", not an object; this is not a Lockstep summary");
        }
        checkSchema(file, root);
        return fromJson(new Node(file, "", root));
    }

    // ---- writing ---------------------------------------------------------------------------

    private static ObjectNode toJson(CampaignSummary s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("schema", s.schema());
        o.put("lockstep_version", s.lockstepVersion());
        o.put("command", s.command());
        ObjectNode t = o.putObject("target");
        t.put("kind", s.target().kind());
        t.put("driver_version", s.target().driverVersion());
        t.put("agent_build", s.target().agentBuild());
        t.put("port", s.target().port());
        o.put("format", s.format());
        o.put("granule", s.granule());
        o.put("seed", s.seed());
        o.put("operations", s.operations());
        o.put("elapsed_seconds", s.elapsedSeconds());
        o.put("ops_per_second", s.opsPerSecond());
        o.put("started_at", s.startedAt().toString());
        o.put("finished_at", s.finishedAt().toString());
        o.put("complete", s.complete());
        ArrayNode findings = o.putArray("findings");
        for (Finding f : s.findings()) {
            ObjectNode j = findings.addObject();
            j.put("id", f.id());
            j.put("title", f.title());
            j.put("depth", f.depth());
            j.put("depth_name", f.depthName());
            j.put("category", f.category().label());
            j.put("known", f.known());
            j.put("known_reason", f.knownReason());
            j.put("known_source", f.knownSource());
            j.put("first_seen_operation", f.firstSeenOperation());
            j.put("first_seen", f.firstSeen().toString());
            j.put("count", f.count());
            j.put("reproducer", f.reproducer());
            j.put("replay_command", f.replayCommand());
            j.put("detail", f.detail());
        }
        // The maps already iterate in key order (CampaignSummary sorts them).
        ObjectNode coverage = o.putObject("coverage");
        s.coverage().forEach(coverage::put);
        ObjectNode health = o.putObject("health");
        s.health().forEach(health::put);
        return o;
    }

    // ---- reading ---------------------------------------------------------------------------

    private static JsonNode parse(Path file, byte[] bytes) throws ResultFormatException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        String start = text.stripLeading();
        if (start.isEmpty()) {
            throw new ResultFormatException(file, (bytes.length == 0 ? "the file is empty" : "the file holds only blanks")
                    + "; it was not written whole, re-run the campaign");
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new ResultFormatException(file, "no JSON document in the file; re-run the campaign");
            }
            return node;
        } catch (JsonProcessingException e) {
            if (truncated(e)) {
                throw new ResultFormatException(file, "truncated JSON at line " + line(e) + "; the file is damaged", e);
            }
            char first = start.charAt(0);
            if (first != '{' && first != '[') {
                throw new ResultFormatException(file, "not JSON (it begins with " + quote(start, 24)
                        + "); expected a Lockstep summary.json", e);
            }
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token")) {
                throw new ResultFormatException(file, "unexpected content after the JSON document at line "
                        + line(e) + "; the file is damaged", e);
            }
            throw new ResultFormatException(file, "invalid JSON at line " + line(e) + ", column " + column(e)
                    + " (" + shortReason(e) + "); the file is damaged", e);
        } catch (IOException e) {
            throw new ResultFormatException(file, "cannot be parsed (" + e.getClass().getSimpleName() + "); the file is damaged", e);
        }
    }

    private static void checkSchema(Path file, JsonNode root) throws ResultFormatException {
        JsonNode schema = root.get("schema");
        if (schema == null) {
            throw new ResultFormatException(file, "no 'schema' field; this is not a Lockstep summary (expected \"schema\": \""
                    + CampaignSummary.SCHEMA + "\")");
        }
        if (!schema.isTextual()) {
            throw new ResultFormatException(file, "field 'schema' is " + describe(schema) + ", not a string; " + DAMAGED);
        }
        int major = CampaignSummary.schemaMajor(schema.textValue());
        if (major < 0) {
            throw new ResultFormatException(file, "schema " + quote(schema.textValue(), 60)
                    + " is not a Lockstep summary schema (expected '" + CampaignSummary.SCHEMA + "')");
        }
        if (major != CampaignSummary.SCHEMA_MAJOR) {
            JsonNode version = root.get("lockstep_version");
            String by = version != null && version.isTextual() && !version.textValue().isBlank()
                    ? " (" + quote(version.textValue(), 40) + ")" : "";
            throw new ResultFormatException(file, "schema " + quote(schema.textValue(), 60)
                    + " is from another Lockstep version" + by + "; re-run the campaign with this version"
                    + " or read the file with the version that wrote it");
        }
    }

    private static CampaignSummary fromJson(Node o) throws ResultFormatException {
        Node t = o.object("target");
        TargetInfo target = o.build("target", () -> new TargetInfo(t.text("kind"), t.text("driver_version"),
                t.text("agent_build"), t.text("port")));
        List<Finding> findings = new ArrayList<>();
        for (Node f : o.array("findings")) {
            findings.add(finding(f));
        }
        // Read every field before building, so a missing one is reported as missing rather than
        // as whatever the constructor would make of a default.
        String lockstepVersion = o.text("lockstep_version");
        String command = o.text("command");
        String format = o.text("format");
        String granule = o.text("granule");
        long seed = o.integer("seed");
        long operations = o.integer("operations");
        double elapsed = o.number("elapsed_seconds");
        double opsPerSecond = o.number("ops_per_second");
        Instant startedAt = o.instant("started_at");
        Instant finishedAt = o.instant("finished_at");
        boolean complete = o.bool("complete");
        Map<String, Long> coverage = o.counters("coverage");
        Map<String, Long> health = o.counters("health");
        return o.build(null, () -> new CampaignSummary(CampaignSummary.SCHEMA, lockstepVersion, command, target,
                format, granule, seed, operations, elapsed, opsPerSecond, startedAt, finishedAt, complete,
                findings, coverage, health));
    }

    private static Finding finding(Node f) throws ResultFormatException {
        String id = f.text("id");
        String title = f.text("title");
        long depth = f.integer("depth");
        if (depth < 0 || depth > Integer.MAX_VALUE) {
            throw f.invalid("depth", "is " + depth + ", out of range");
        }
        String depthName = f.text("depth_name");
        String categoryText = f.text("category");
        Category category = Category.fromLabel(categoryText).orElseThrow(() -> f.invalid("category",
                "has unknown value " + quote(categoryText, 40) + " (expected one of: "
                        + Arrays.stream(Category.values()).map(Category::label).collect(Collectors.joining(", ")) + ")"));
        boolean known = f.bool("known");
        String knownReason = f.text("known_reason");
        String knownSource = f.text("known_source");
        long firstSeenOperation = f.integer("first_seen_operation");
        Instant firstSeen = f.instant("first_seen");
        long count = f.integer("count");
        String reproducer = f.text("reproducer");
        String replayCommand = f.text("replay_command");
        String detail = f.text("detail");
        if (id.isBlank()) {
            throw f.invalid("id", "is blank");
        }
        return f.build(null, () -> new Finding(id, title, (int) depth, depthName, category, known, knownReason,
                knownSource, firstSeenOperation, firstSeen, count, reproducer, replayCommand, detail));
    }

    /** A JSON object in the file, with its path for messages ({@code findings[2]}). */
    private record Node(Path file, String path, JsonNode json) {

        String text(String name) throws ResultFormatException {
            JsonNode v = require(name);
            if (!v.isTextual()) {
                throw wrongType(name, v, "a string");
            }
            return v.textValue();
        }

        long integer(String name) throws ResultFormatException {
            JsonNode v = require(name);
            if (!v.isIntegralNumber()) {
                throw wrongType(name, v, "an integer");
            }
            if (!v.canConvertToLong()) {
                throw invalid(name, "is " + v.asText() + ", out of range");
            }
            return v.longValue();
        }

        double number(String name) throws ResultFormatException {
            JsonNode v = require(name);
            if (!v.isNumber()) {
                throw wrongType(name, v, "a number");
            }
            return v.doubleValue();
        }

        boolean bool(String name) throws ResultFormatException {
            JsonNode v = require(name);
            if (!v.isBoolean()) {
                throw wrongType(name, v, "true or false");
            }
            return v.booleanValue();
        }

        Instant instant(String name) throws ResultFormatException {
            String s = text(name);
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                try {
                    return OffsetDateTime.parse(s).toInstant();
                } catch (DateTimeParseException e2) {
                    throw invalid(name, "is " + quote(s, 40) + ", not an ISO-8601 time such as 2025-01-31T12:00:00Z");
                }
            }
        }

        Node object(String name) throws ResultFormatException {
            JsonNode v = require(name);
            if (!v.isObject()) {
                throw wrongType(name, v, "an object");
            }
            return new Node(file, where(name), v);
        }

        List<Node> array(String name) throws ResultFormatException {
            JsonNode v = require(name);
            if (!v.isArray()) {
                throw wrongType(name, v, "an array");
            }
            List<Node> items = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                JsonNode item = v.get(i);
                String at = where(name) + "[" + i + "]";
                if (!item.isObject()) {
                    throw new ResultFormatException(file, "'" + at + "' is " + describe(item) + ", not an object; " + DAMAGED);
                }
                items.add(new Node(file, at, item));
            }
            return items;
        }

        Map<String, Long> counters(String name) throws ResultFormatException {
            Node o = object(name);
            Map<String, Long> counters = new LinkedHashMap<>();
            for (Iterator<String> it = o.json.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                counters.put(key, o.integer(key));
            }
            return counters;
        }

        /** Runs a record constructor, turning its complaint into a one-line format error. */
        <T> T build(String name, Build<T> constructor) throws ResultFormatException {
            try {
                return constructor.get();
            } catch (IllegalArgumentException | NullPointerException e) {
                String at = name == null ? path : where(name);
                throw new ResultFormatException(file, (at.isEmpty() ? "" : "'" + at + "': ") + "invalid value: "
                        + e.getMessage() + "; " + DAMAGED, e);
            }
        }

        ResultFormatException invalid(String name, String what) {
            return new ResultFormatException(file, "field '" + where(name) + "' " + what + "; " + DAMAGED);
        }

        private JsonNode require(String name) throws ResultFormatException {
            JsonNode v = json.get(name);
            if (v == null) {
                throw new ResultFormatException(file, "missing required field '" + where(name) + "'; " + DAMAGED);
            }
            return v;
        }

        private ResultFormatException wrongType(String name, JsonNode v, String expected) {
            return invalid(name, "is " + describe(v) + ", not " + expected);
        }

        private String where(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }
    }

    @FunctionalInterface
    private interface Build<T> {
        T get() throws ResultFormatException;
    }

    private static String describe(JsonNode v) {
        JsonNodeType type = v.getNodeType();
        return switch (type) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "missing";
        };
    }

    // Depending on where the input ends, Jackson reports it as JsonEOFException or, from inside
    // databind, as a mismatched input that names the end.
    private static boolean truncated(JsonProcessingException e) {
        return e instanceof JsonEOFException
                || e.getOriginalMessage() != null && e.getOriginalMessage().contains("end-of-input");
    }

    private static int line(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null ? 0 : at.getLineNr();
    }

    private static int column(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null ? 0 : at.getColumnNr();
    }

    // Jackson's reason without its advice to Java programmers, on one line and short.
    private static String shortReason(JsonProcessingException e) {
        String m = Objects.requireNonNullElse(e.getOriginalMessage(), e.getClass().getSimpleName());
        int cut = m.indexOf(':');
        int paren = m.indexOf(" (");
        if (paren > 0) {
            m = m.substring(0, paren);
        } else if (cut > 0 && m.startsWith("Unexpected character")) {
            m = m.substring(0, cut);
        }
        m = ResultFormatException.oneLine(m);
        return m.length() > 80 ? m.substring(0, 79) + "…" : m;
    }

    // Text from the file, quoted, cut short and with control characters made visible, so that it
    // cannot break the one-line message.
    private static String quote(String s, int max) {
        StringBuilder sb = new StringBuilder("'");
        int n = 0;
        for (int i = 0; i < s.length() && n < max; i++, n++) {
            char c = s.charAt(i);
            if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (Character.isISOControl(c)) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (s.length() > max) {
            sb.append('…');
        }
        return sb.append('\'').toString();
    }
}
