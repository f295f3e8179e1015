// Allure results: one result file per finding with status, labels, stable history and attachments.
package dev.lockstep.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllureResultsTest {

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aNewFindingIsOneFailedResultWithItsLabelsAndAttachments() throws Exception {
        Path results = dir.resolve("allure-results");
        Finding f = Samples.newFinding();
        Map<String, String> attachments = new LinkedHashMap<>();
        attachments.put("reproducer", "map 0x200000 0x200000 rw\nunmap 0x200000 0x200000\n");
        attachments.put("diff", "- invalid\n+ 0x0000000080200f03\n");
        new AllureResults(results).writeFinding(Samples.summary(), f, attachments);

        JsonNode r = onlyResult(results);
        assertEquals("failed", r.get("status").textValue());
        assertEquals("finished", r.get("stage").textValue());
        assertEquals(f.title(), r.get("name").textValue());
        assertEquals(f.title(), r.at("/statusDetails/message").textValue());
        assertEquals("lockstep category: driver bug\n" + f.detail(), r.at("/statusDetails/trace").textValue());
        assertFalse(r.at("/statusDetails/known").booleanValue());

        assertEquals(List.of("lockstep/arm-lpae-s1/4K"), labels(r, "suite"));
        assertEquals(List.of("L2 map/unmap"), labels(r, "feature"));
        assertEquals(List.of("critical"), labels(r, "severity"));
        assertFalse(labels(r, "tag").contains("known"));

        assertEquals("-6917529027641081856", parameter(r, "seed").get("value").textValue());
        assertEquals("host", parameter(r, "target").get("value").textValue());
        assertEquals("/dev/pts/4", parameter(r, "port").get("value").textValue());
        assertEquals("6.8.0-lockstep", parameter(r, "driver version").get("value").textValue());
        // Allure keys history by the parameters that are not excluded: not by seed or pty.
        assertTrue(parameter(r, "seed").get("excluded").booleanValue());
        assertTrue(parameter(r, "port").get("excluded").booleanValue());
        assertFalse(parameter(r, "target").path("excluded").asBoolean(false));
        assertTrue(r.get("description").textValue().contains("lockstep replay repro/"), r.get("description").textValue());

        JsonNode att = r.get("attachments");
        assertEquals(2, att.size());
        assertEquals("reproducer", att.get(0).get("name").textValue());
        assertEquals("diff", att.get(1).get("name").textValue());
        for (int i = 0; i < 2; i++) {
            assertEquals("text/plain", att.get(i).get("type").textValue());
            Path source = results.resolve(att.get(i).get("source").textValue());
            assertTrue(Files.isRegularFile(source), "attachment file missing: " + source);
            assertEquals(attachments.get(att.get(i).get("name").textValue()), Files.readString(source));
        }
        // The result and its two attachments, nothing else.
        assertEquals(3, list(results).size());
    }

    @Test
    void aKnownFindingIsSkippedAndTaggedKnown() throws Exception {
        new AllureResults(dir).writeFinding(Samples.summary(), Samples.knownFinding(), Map.of());

        JsonNode r = onlyResult(dir);
        assertEquals("skipped", r.get("status").textValue());
        assertTrue(r.at("/statusDetails/known").booleanValue());
        assertTrue(labels(r, "tag").contains("known"));
        assertTrue(r.get("description").textValue().contains("the driver flushes the whole range (known.toml:12)"));
        assertEquals(0, r.get("attachments").size());
    }

    @Test
    void historyIdIsStablePerTitleAcrossWritersAndSeeds() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        CampaignSummary otherSeed = withSeed(Samples.summary(), 7);
        new AllureResults(a).writeFinding(Samples.summary(), Samples.newFinding(), Map.of());
        new AllureResults(b).writeFinding(otherSeed, Samples.newFinding(), Map.of());

        JsonNode ra = onlyResult(a);
        JsonNode rb = onlyResult(b);
        assertEquals(ra.get("historyId").textValue(), rb.get("historyId").textValue());
        assertEquals(ra.get("testCaseId").textValue(), rb.get("testCaseId").textValue());
        assertNotEquals(ra.get("uuid").textValue(), rb.get("uuid").textValue());

        Path c = dir.resolve("c");
        new AllureResults(c).writeFinding(Samples.summary(), Samples.knownFinding(), Map.of());
        assertNotEquals(ra.get("historyId").textValue(), onlyResult(c).get("historyId").textValue());
    }

    @Test
    void writeCampaignWritesTheEnvironmentAndTheSixCategories() throws Exception {
        CampaignSummary s = Samples.summary();
        new AllureResults(dir).writeCampaign(s);

        Properties env = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("environment.properties"), StandardCharsets.ISO_8859_1)) {
            env.load(in);
        }
        assertEquals("host", env.getProperty("target.kind"));
        assertEquals("6.8.0-lockstep", env.getProperty("driver.version"));
        assertEquals("agent-3f2a1c", env.getProperty("agent.build"));
        assertEquals("arm-lpae-s1", env.getProperty("format"));
        assertEquals("4K", env.getProperty("granule"));
        assertEquals(Long.toString(s.seed()), env.getProperty("seed"));

        JsonNode categories = json.readTree(dir.resolve("categories.json").toFile());
        List<String> names = new ArrayList<>();
        categories.forEach(c -> names.add(c.get("name").textValue()));
        assertEquals(Set.of("driver bug", "known divergence", "crash", "hang", "link fault", "model error"), Set.copyOf(names));
        assertEquals(6, names.size());
    }

    @Test
    void environmentValuesSurviveAnyCharacters() throws Exception {
        String odd = " 6.8 ✓ a=b:c #x \\ end\nnext";
        CampaignSummary s = Samples.summary();
        CampaignSummary t = new CampaignSummary(s.schema(), s.lockstepVersion(), s.command(),
                new TargetInfo("host", odd, "", ""), s.format(), s.granule(), s.seed(), s.operations(),
                s.elapsedSeconds(), s.opsPerSecond(), s.startedAt(), s.finishedAt(), s.complete(),
                s.findings(), s.coverage(), s.health());
        new AllureResults(dir).writeCampaign(t);

        Properties env = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("environment.properties"), StandardCharsets.ISO_8859_1)) {
            env.load(in);
        }
        assertEquals(odd, env.getProperty("driver.version"));
    }

    @Test
    void eachFindingLandsInItsOwnCategoryTheWayAllureMatchesThem() throws Exception {
        AllureResults allure = new AllureResults(dir);
        CampaignSummary s = Samples.summary();
        allure.writeCampaign(s);
        JsonNode categories = json.readTree(dir.resolve("categories.json").toFile());

        for (Category c : Category.values()) {
            Path one = dir.resolve("one-" + c.name());
            Finding f = new Finding(null, "finding of " + c.label(), 1, "L1", c, false, "", "", 1,
                    Samples.START, 1, "", "", "line one\nline two\n");
            new AllureResults(one).writeFinding(s, f, Map.of());
            JsonNode r = onlyResult(one);
            List<String> matched = allureCategories(categories, r);
            List<String> expected = c == Category.HEALTH ? List.of() : List.of(c.label());
            assertEquals(expected, matched, "categories of a new " + c.label());
        }

        Path known = dir.resolve("known-crash");
        Finding knownCrash = new Finding(null, "known crash", 0, "", Category.CRASH, true, "old bug", "", 1,
                Samples.START, 1, "", "", "");
        new AllureResults(known).writeFinding(s, knownCrash, Map.of());
        assertEquals(List.of("known divergence"), allureCategories(categories, onlyResult(known)));
    }

    @Test
    void aCampaignThatFoundNothingNewShowsAsOnePassedResult() throws Exception {
        CampaignSummary onlyKnown = Samples.summary(List.of(Samples.knownFinding()), true);
        new AllureResults(dir).writeCampaign(onlyKnown);

        JsonNode r = onlyResult(dir);
        assertEquals("passed", r.get("status").textValue());
        assertEquals("campaign arm-lpae-s1/4K seed " + onlyKnown.seed(), r.get("name").textValue());
        assertEquals(List.of("lockstep/arm-lpae-s1/4K"), labels(r, "suite"));

        Path other = dir.resolve("other-seed");
        new AllureResults(other).writeCampaign(withSeed(onlyKnown, 99));
        assertEquals(r.get("historyId").textValue(), onlyResult(other).get("historyId").textValue());
    }

    @Test
    void anInterruptedCampaignThatFoundNothingNewIsBroken() throws Exception {
        new AllureResults(dir).writeCampaign(Samples.summary(List.of(), false));
        JsonNode r = onlyResult(dir);
        assertEquals("broken", r.get("status").textValue());
        assertTrue(r.at("/statusDetails/message").textValue().contains("before its planned end"));
    }

    @Test
    void aCampaignWithNewFindingsAddsNoCampaignResult() throws Exception {
        new AllureResults(dir).writeCampaign(Samples.summary());
        assertEquals(List.of(), resultFiles(dir));
        assertTrue(Files.exists(dir.resolve("environment.properties")));
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** What Allure 2's CategoriesPlugin does: every category whose statuses and regexes all match. */
    private static List<String> allureCategories(JsonNode categories, JsonNode result) {
        List<String> matched = new ArrayList<>();
        String status = result.get("status").textValue();
        String message = result.at("/statusDetails/message").asText(null);
        String trace = result.at("/statusDetails/trace").asText(null);
        for (JsonNode c : categories) {
            List<String> statuses = new ArrayList<>();
            c.path("matchedStatuses").forEach(n -> statuses.add(n.textValue()));
            boolean ok = statuses.isEmpty() || statuses.contains(status);
            ok &= !c.has("messageRegex") || message != null
                    && Pattern.compile(c.get("messageRegex").textValue(), Pattern.DOTALL).matcher(message).matches();
            ok &= !c.has("traceRegex") || trace != null
                    && Pattern.compile(c.get("traceRegex").textValue(), Pattern.DOTALL).matcher(trace).matches();
            if (ok) {
                matched.add(c.get("name").textValue());
            }
        }
        return matched;
    }

    private JsonNode onlyResult(Path results) throws IOException {
        List<Path> files = resultFiles(results);
        assertEquals(1, files.size(), "result files in " + results + ": " + files);
        return json.readTree(files.get(0).toFile());
    }

    private static List<Path> resultFiles(Path results) throws IOException {
        return list(results).stream().filter(p -> p.getFileName().toString().endsWith("-result.json")).toList();
    }

    private static List<Path> list(Path results) throws IOException {
        try (Stream<Path> files = Files.list(results)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static List<String> labels(JsonNode result, String name) {
        List<String> values = new ArrayList<>();
        result.get("labels").forEach(l -> {
            if (name.equals(l.get("name").textValue())) {
                values.add(l.get("value").textValue());
            }
        });
        return values;
    }

    private static JsonNode parameter(JsonNode result, String name) {
        for (JsonNode p : result.get("parameters")) {
            if (name.equals(p.get("name").textValue())) {
                return p;
            }
        }
        throw new AssertionError("no parameter " + name + " in " + result.get("parameters"));
    }

    private static CampaignSummary withSeed(CampaignSummary s, long seed) {
        return new CampaignSummary(s.schema(), s.lockstepVersion(), s.command(), s.target(), s.format(), s.granule(),
                seed, s.operations(), s.elapsedSeconds(), s.opsPerSecond(), s.startedAt(), s.finishedAt(),
                s.complete(), s.findings(), s.coverage(), s.health());
    }
}
