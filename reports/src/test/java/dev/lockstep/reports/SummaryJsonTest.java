// summary.json: round trip, all-or-nothing writes, and one-line errors for files that cannot be read.
package dev.lockstep.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryJsonTest {

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void whatIsWrittenReadsBackEqual() throws Exception {
        Path file = dir.resolve("summary.json");
        CampaignSummary s = Samples.summary();
        SummaryJson.write(file, s);
        assertEquals(s, SummaryJson.read(file));

        Path empty = dir.resolve("empty.json");
        SummaryJson.write(empty, Samples.empty());
        assertEquals(Samples.empty(), SummaryJson.read(empty));
    }

    @Test
    void writesPrettyJsonWithKeysInAFixedOrder() throws Exception {
        Path file = dir.resolve("summary.json");
        SummaryJson.write(file, Samples.summary());
        String text = Files.readString(file);
        assertTrue(text.startsWith("{\n  \"schema\": \"lockstep.summary/1\",\n"), text);
        assertTrue(text.endsWith("}\n"));

        JsonNode root = json.readTree(text);
        assertEquals(List.of("schema", "lockstep_version", "command", "target", "format", "granule", "seed",
                "operations", "elapsed_seconds", "ops_per_second", "started_at", "finished_at", "complete",
                "findings", "coverage", "health"), fieldNames(root));
        assertEquals(List.of("agent_restarts", "crc_errors", "retransmits", "warns"), fieldNames(root.get("health")));
        assertEquals("driver bug", root.get("findings").get(0).get("category").textValue());
        assertEquals("2025-03-01T10:00:00.123456789Z", root.get("started_at").textValue());

        // Same content, same bytes: a campaign re-run diffs clean.
        Path again = dir.resolve("again.json");
        SummaryJson.write(again, Samples.summary());
        assertEquals(text, Files.readString(again));
    }

    @Test
    void leavesNoTemporaryFileAndReplacesAnExistingFileWhole() throws Exception {
        Path file = dir.resolve("summary.json");
        Files.writeString(file, "x".repeat(200_000));
        SummaryJson.write(file, Samples.empty());

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        String text = Files.readString(file);
        assertFalse(text.contains("xxx"), "old content survived");
        assertEquals(Samples.empty(), SummaryJson.read(file));
    }

    @Test
    void aFailedWriteLeavesNoTemporaryFileAndTheTargetAsItWas() throws Exception {
        Path occupied = dir.resolve("summary.json");
        Files.createDirectory(occupied);
        Files.writeString(occupied.resolve("inside"), "keep");

        assertThrows(IOException.class, () -> SummaryJson.write(occupied, Samples.summary()));

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(occupied), files.toList());
        }
        assertEquals("keep", Files.readString(occupied.resolve("inside")));
    }

    @Test
    void readsALaterMinorVersionIgnoringFieldsItDoesNotKnow() throws Exception {
        Path file = dir.resolve("summary.json");
        SummaryJson.write(file, Samples.summary());
        ObjectNode root = (ObjectNode) json.readTree(file.toFile());
        root.put("schema", "lockstep.summary/1.3");
        root.put("newTopLevelThing", 5);
        ((ObjectNode) root.get("findings").get(0)).put("bisectedTo", "abc123");
        Files.writeString(file, root.toString());

        assertEquals(Samples.summary(), SummaryJson.read(file));
    }

    @Test
    void truncatedJson() throws Exception {
        Path file = dir.resolve("summary.json");
        SummaryJson.write(file, Samples.summary());
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.indexOf("\"findings\"")));

        String m = failure(file);
        assertTrue(m.contains("truncated JSON at line"), m);
        assertTrue(m.endsWith("; the file is damaged"), m);
    }

    @Test
    void schemaOfAnotherMajorVersion() throws Exception {
        Path file = writeWith(root -> root.put("schema", "lockstep.summary/9"));
        String m = failure(file);
        assertTrue(m.contains("schema 'lockstep.summary/9' is from another Lockstep version"), m);
        assertTrue(m.contains("re-run the campaign with this version"), m);
    }

    @Test
    void schemaOfSomethingElse() throws Exception {
        Path file = writeWith(root -> root.put("schema", "allure/2"));
        assertTrue(failure(file).contains("'allure/2' is not a Lockstep summary schema"));

        Path noSchema = writeWith(root -> root.remove("schema"));
        assertTrue(failure(noSchema).contains("no 'schema' field; this is not a Lockstep summary"));
    }

    @Test
    void missingRequiredField() throws Exception {
        Path top = writeWith(root -> root.remove("seed"));
        assertTrue(failure(top).contains("missing required field 'seed'"), failure(top));

        Path nested = writeWith(root -> ((ObjectNode) root.get("findings").get(1)).remove("title"));
        assertTrue(failure(nested).contains("missing required field 'findings[1].title'"), failure(nested));

        Path target = writeWith(root -> ((ObjectNode) root.get("target")).remove("kind"));
        assertTrue(failure(target).contains("missing required field 'target.kind'"), failure(target));
    }

    @Test
    void fieldOfTheWrongTypeOrValue() throws Exception {
        Path type = writeWith(root -> root.put("operations", "lots"));
        assertTrue(failure(type).contains("field 'operations' is a string, not an integer"), failure(type));

        Path category = writeWith(root -> ((ObjectNode) root.get("findings").get(0)).put("category", "oops"));
        assertTrue(failure(category).contains("field 'findings[0].category' has unknown value 'oops'"), failure(category));

        Path time = writeWith(root -> root.put("started_at", "yesterday"));
        assertTrue(failure(time).contains("field 'started_at' is 'yesterday', not an ISO-8601 time"), failure(time));

        Path count = writeWith(root -> ((ObjectNode) root.get("findings").get(2)).put("count", 0));
        assertTrue(failure(count).contains("'findings[2]': invalid value: count must be at least 1"), failure(count));
    }

    @Test
    void notJson() throws Exception {
        Path file = dir.resolve("summary.json");
        Files.writeString(file, "Lockstep 0.1.0: 3 findings\nsee run dir\n");
        String m = failure(file);
        assertTrue(m.contains("not JSON (it begins with 'Lockstep 0.1.0: 3 findin…')"), m);

        Path array = dir.resolve("array.json");
        Files.writeString(array, "[1, 2]");
        assertTrue(failure(array).contains("the top level is an array, not an object"), failure(array));
    }

    @Test
    void invalidJsonInsideTheDocument() throws Exception {
        Path file = dir.resolve("summary.json");
        Files.writeString(file, "{\n  \"schema\": \"lockstep.summary/1\",\n  \"seed\": 1 2\n}\n");
        String m = failure(file);
        assertTrue(m.contains("invalid JSON at line 3"), m);

        Path dup = dir.resolve("dup.json");
        Files.writeString(dup, "{\"schema\": \"lockstep.summary/1\", \"schema\": \"lockstep.summary/1\"}");
        assertTrue(failure(dup).contains("invalid JSON at line 1"), failure(dup));

        Path trailing = dir.resolve("trailing.json");
        SummaryJson.write(trailing, Samples.empty());
        Files.writeString(trailing, Files.readString(trailing) + "{}\n");
        assertTrue(failure(trailing).contains("unexpected content after the JSON document"), failure(trailing));
    }

    @Test
    void emptyFile() throws Exception {
        Path file = dir.resolve("summary.json");
        Files.write(file, new byte[0]);
        assertTrue(failure(file).contains("the file is empty"), failure(file));

        Path blank = dir.resolve("blank.json");
        Files.writeString(blank, " \n\t\n");
        assertTrue(failure(blank).contains("the file holds only blanks"), failure(blank));
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope/summary.json");
        String m = failure(file);
        assertTrue(m.contains("no such file"), m);
        ResultFormatException e = assertThrows(ResultFormatException.class, () -> SummaryJson.read(file));
        assertEquals(file, e.file());
    }

    @Test
    void fileTextInAMessageCannotBreakItsLine() throws Exception {
        Path file = writeWith(root -> root.put("schema", "lockstep.summary/7\nsecond line"));
        String m = failure(file);
        assertTrue(m.contains("'lockstep.summary/7\\nsecond line'"), m);
    }

    @Test
    void theExampleInTheSchemaDocumentReads() throws Exception {
        Path root = Path.of(System.getProperty("lockstep.root", ".."));
        String doc = Files.readString(root.resolve("docs/summary-schema.md"));
        int start = doc.indexOf("```json\n");
        assertTrue(start >= 0, "no ```json block in docs/summary-schema.md");
        String example = doc.substring(start + 8, doc.indexOf("```", start + 8));
        Path file = dir.resolve("example.json");
        Files.writeString(file, example);

        CampaignSummary s = SummaryJson.read(file);
        assertEquals(2, s.findings().size());
        assertEquals(Finding.idOf(s.findings().get(0).title()), s.findings().get(0).id());
        // The example is what this version writes, byte for byte.
        Path rewritten = dir.resolve("rewritten.json");
        SummaryJson.write(rewritten, s);
        assertEquals(example, Files.readString(rewritten));
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** The message of the ResultFormatException that reading {@code file} throws, checked to be one line naming it. */
    private static String failure(Path file) {
        ResultFormatException e = assertThrows(ResultFormatException.class, () -> SummaryJson.read(file));
        String m = e.getMessage();
        assertTrue(m.startsWith(file + ": "), m);
        assertFalse(m.contains("\n") || m.contains("\r"), "not one line: " + m);
        return m;
    }

    private interface Edit {
        void apply(ObjectNode root);
    }

    private Path writeWith(Edit edit) throws IOException {
        Path file = Files.createTempFile(dir, "summary", ".json");
        SummaryJson.write(file, Samples.summary());
        ObjectNode root = (ObjectNode) json.readTree(file.toFile());
        edit.apply(root);
        Files.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        return file;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
