package dev.lockstep.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.target.AgentBuild;
import dev.lockstep.bench.target.QemuDeviceProcess;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Category;
import dev.lockstep.reports.Finding;
import dev.lockstep.reports.SummaryJson;
import dev.lockstep.reports.TargetInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The board-farm files under lava/, checked without a LAVA lab: the job and the test definition
 * parse and hold what LAVA needs and what the rest of the project expects, and a summary.json turns
 * into the lava-test-case calls that lava/run-campaign.sh makes.
 */
class LavaTest {
    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    private static final Pattern LAVA_NAME = Pattern.compile("[-_.a-zA-Z0-9]{1,96}");

    @TempDir
    Path dir;

    private static Path root() {
        return AgentBuild.root();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(String file) throws IOException {
        Object doc = new Yaml().load(Files.readString(root().resolve(file)));
        assertInstanceOf(Map.class, doc, file + " is not a YAML mapping");
        return (Map<String, Object>) doc;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        assertInstanceOf(Map.class, o, what + " is not a mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String what) {
        assertInstanceOf(List.class, o, what + " is not a list: " + o);
        return (List<Object>) o;
    }

    @Test
    void theJobBootsToTheRelayAndRunsTheTestDefinitionInAContainer() throws IOException {
        Map<String, Object> job = yaml("lava/lockstep-device-job.yaml");
        for (String key : List.of("device_type", "job_name", "visibility", "priority")) {
            assertInstanceOf(String.class, job.get(key), "job lacks " + key);
        }
        map(map(job.get("timeouts"), "timeouts").get("job"), "timeouts.job");

        List<String> kinds = new ArrayList<>();
        Map<String, Object> boot = null;
        Map<String, Object> test = null;
        for (Object a : list(job.get("actions"), "actions")) {
            Map<String, Object> action = map(a, "action");
            assertEquals(1, action.size(), "an action is one of deploy, boot, test: " + action.keySet());
            String kind = action.keySet().iterator().next();
            kinds.add(kind);
            if (kind.equals("boot")) {
                boot = map(action.get(kind), "boot");
            } else if (kind.equals("test")) {
                test = map(action.get(kind), "test");
            }
        }
        assertEquals(List.of("deploy", "boot", "test"), kinds);

        // LAVA waits for exactly the line the relay prints once the agent owns the UART.
        assertTrue(list(boot.get("prompts"), "boot.prompts").contains(QemuDeviceProcess.READY), boot.toString());
        assertInstanceOf(String.class, map(test.get("docker"), "test.docker").get("image"));

        Map<String, Object> params = map(yaml("lava/lockstep-campaign.yaml").get("params"), "params");
        List<Object> defs = list(test.get("definitions"), "test.definitions");
        assertEquals(1, defs.size());
        Map<String, Object> def = map(defs.get(0), "definition");
        for (String key : List.of("repository", "from", "path", "name")) {
            assertInstanceOf(String.class, def.get(key), "definition lacks " + key);
        }
        assertEquals("lava/lockstep-campaign.yaml", def.get("path"));
        assertTrue(params.keySet().containsAll(map(def.get("parameters"), "parameters").keySet()),
                "the job passes parameters the test definition does not declare: " + def.get("parameters"));
    }

    @Test
    void theTestDefinitionRunsTheCampaignScriptWithItsOwnParameters() throws IOException {
        Map<String, Object> def = yaml("lava/lockstep-campaign.yaml");
        Map<String, Object> meta = map(def.get("metadata"), "metadata");
        assertEquals("Lava-Test Test Definition 1.0", meta.get("format"));
        assertTrue(LAVA_NAME.matcher((String) meta.get("name")).matches());
        assertInstanceOf(String.class, meta.get("description"));
        Set<String> params = map(def.get("params"), "params").keySet();

        List<Object> steps = list(map(def.get("run"), "run").get("steps"), "run.steps");
        assertEquals(1, steps.size());
        String step = (String) steps.get(0);
        Path script = root().resolve(step.split(" ")[0]).normalize();
        assertTrue(Files.isExecutable(script), script + " is not an executable script");
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{?([A-Z_]+)").matcher(step);
        while (m.find()) {
            used.add(m.group(1));
        }
        assertEquals(new TreeSet<>(params), used, "the step and the params must name the same variables");
    }

    @Test
    void caseNamesStayInLavasAlphabetAndApartWhenCutShort() {
        String longTitle = "semantics after map fresh 2M: EL0 execute: expected denied, walk gives granted (prot PRIV) "
                + "and a great deal more text than any LAVA case name should carry";
        Finding a = finding(longTitle, 3, false, 1);
        Finding b = finding(longTitle + " (another)", 3, false, 1);
        String na = LavaResultsCommand.caseName(a);
        String nb = LavaResultsCommand.caseName(b);
        assertTrue(LAVA_NAME.matcher(na).matches(), na);
        assertTrue(na.startsWith("d3-semantics-after-map-fresh-2m-el0-execute"), na);
        assertTrue(!na.equals(nb), na);
    }

    /** The dry run: run-campaign.sh reports a summary.json through a stand-in lava-test-case. */
    @Test
    void aSummaryBecomesOneLavaTestCasePerFindingClass() throws Exception {
        Finding fresh = finding("map over-smaller 1G: driver returns 0 and maps pages, contract -EEXIST", 1, false, 9);
        Finding known = finding("map no-access 4K: driver returns -EINVAL, contract 0 mapping nothing", 1, true, 15);
        Path summary = dir.resolve("summary.json");
        SummaryJson.write(summary, summary(List.of(fresh, known), true));

        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls.txt");
        Path helper = bin.resolve("lava-test-case");
        Files.writeString(helper, "#!/bin/sh\necho \"$*\" >> " + calls + "\n");
        assertTrue(helper.toFile().setExecutable(true));

        Run r = runScript(Map.of("LOCKSTEP_LAVA_SUMMARY", summary.toString(),
                "PATH", bin + ":" + System.getenv("PATH")));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(
                "lockstep-campaign --result fail --measurement 3000 --units operations",
                LavaResultsCommand.caseName(fresh) + " --result fail --measurement 9 --units occurrences",
                LavaResultsCommand.caseName(known) + " --result skip --measurement 15 --units occurrences"),
                Files.readAllLines(calls));

        // Only known findings, and a campaign that ran to its end: the campaign's case passes.
        SummaryJson.write(summary, summary(List.of(known), true));
        assertEquals("lava-test-case lockstep-campaign --result pass --measurement 3000 --units operations",
                LavaResultsCommand.lines(SummaryJson.read(summary)).get(0));
        // Cut short (the board stopped answering): it fails, whatever was found.
        SummaryJson.write(summary, summary(List.of(), false));
        assertEquals(List.of("lava-test-case lockstep-campaign --result fail --measurement 3000 --units operations"),
                LavaResultsCommand.lines(SummaryJson.read(summary)));
    }

    @Test
    void outsideLavaTheScriptSaysWhatIsMissing() throws Exception {
        Run r = runScript(Map.of("LAVA_CONNECTION_COMMAND", ""));
        assertEquals(2, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("lockstep: LAVA_CONNECTION_COMMAND is not set"), r.err());
    }

    private record Run(int code, String out, String err) {}

    /** run-campaign.sh with this JVM's classes standing in for ./lockstep (no Maven inside Maven). */
    private Run runScript(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", root().resolve("lava/run-campaign.sh").toString(), "--out", dir.resolve("run").toString());
        pb.environment().putAll(env);
        pb.environment().put("LOCKSTEP", Path.of(System.getProperty("java.home"), "bin", "java") + " -cp "
                + System.getProperty("java.class.path") + " dev.lockstep.bench.cli.Main");
        pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "run-campaign.sh did not finish");
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    private static Finding finding(String title, int depth, boolean known, long count) {
        return new Finding(null, title, depth, "depth " + depth, known ? Category.KNOWN_DIVERGENCE : Category.DRIVER_BUG, known,
                known ? "accepted" : "", known ? "known-divergences.ini" : "", 10, T0, count, "", "", "");
    }

    private static CampaignSummary summary(List<Finding> findings, boolean complete) {
        return new CampaignSummary(CampaignSummary.SCHEMA, "0.1.0", "fuzz --target device --port /dev/ttyACM0",
                new TargetInfo("device", "linux 6.1.0-56-arm64", "lockstep.ko", "/dev/ttyACM0"), "arm64-lpae-s1", "4k", 1, 3000,
                6.0, 500.0, T0, T0.plusSeconds(6), complete, findings, Map.of(), Map.of());
    }
}
