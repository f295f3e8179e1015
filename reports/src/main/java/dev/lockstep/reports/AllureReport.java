// Generates the Allure report of one or many run directories, continuing the history of the last one.
package dev.lockstep.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Allure report in {@code OUT/allure-report}: {@code index.html}, one self-contained file that
 * opens from disk, and {@code history/}, which the next report into the same {@code OUT} continues.
 *
 * <p>How history works in Allure: {@code allure generate} writes {@code history/} into the report,
 * and reads one from the results; copying the previous report's {@code history/} into the results
 * before generating makes the new report show trends and each finding's earlier runs. So:
 *
 * <ol>
 *   <li>The runs are grouped into <em>rounds</em> ({@link #rounds}): the last round holds the latest
 *   run of every campaign, the one before it the second-latest run of each campaign that has two,
 *   and so on. Given two runs of one campaign, the older is reported first and the newer continues
 *   its history.</li>
 *   <li>Each round's results are the runs' {@code allure-results/} merged into one directory (rebuilt
 *   from summary.json where a run has none), one {@code environment.properties} whose values list
 *   what differs between the runs, {@code categories.json}, an {@code executor.json} naming the
 *   report and numbering it (Allure's trend axis), and the previous round's {@code history/}; the
 *   first round gets {@code OUT/allure-report/history} from the last report, if any.</li>
 *   <li>Each round is generated as a normal (served) report, for its history; the last round also
 *   as a single file, the {@code index.html} kept.</li>
 * </ol>
 */
public final class AllureReport {

    /** The report's directory in the output directory. */
    public static final String DIR = "allure-report";

    private static final String WORK = ".lockstep-allure-work";
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private AllureReport() {
    }

    /**
     * What was made.
     *
     * @param index        the report's index.html
     * @param trendEntries entries in its history-trend.json (reports in the trend, this one included)
     * @param notes        what was worked around, one line each
     */
    public record Outcome(Path index, int trendEntries, List<String> notes) {
    }

    /** Generates the report of {@code runs} into {@code out/allure-report}. */
    public static Outcome generate(List<RunDirectory> runs, Path out, AllureCommandline cli)
            throws IOException, AllureException {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        List<String> notes = new ArrayList<>();
        Path work = out.resolve(WORK);
        AllureCommandline.deleteTree(work);
        Files.createDirectories(work);
        Path log = work.resolve("allure.log");
        Path report = out.resolve(DIR);
        Path history = Files.isDirectory(report.resolve("history")) ? report.resolve("history") : null;
        int buildOrder = lastBuildOrder(history) + 1;
        boolean ok = false;
        try {
            List<List<RunDirectory>> rounds = rounds(runs);
            Path results = null;
            Path served = null;
            for (int r = 0; r < rounds.size(); r++, buildOrder++) {
                results = work.resolve("results-" + r);
                writeResults(rounds.get(r), results, history, buildOrder, notes);
                served = work.resolve("report-" + r);
                cli.generate(List.of(results), served, false, reportName(rounds.get(r)), log);
                history = served.resolve("history");
            }
            Path single = work.resolve("single");
            cli.generate(List.of(results), single, true, reportName(rounds.get(rounds.size() - 1)), log);

            Path fresh = work.resolve("final");
            Files.createDirectories(fresh);
            Files.move(single.resolve("index.html"), fresh.resolve("index.html"));
            copyTree(served.resolve("history"), fresh.resolve("history"));
            Path old = work.resolve("old");
            if (Files.exists(report)) {
                Files.move(report, old);
            }
            Files.move(fresh, report);
            ok = true;
            return new Outcome(report.resolve("index.html"), trendEntries(report.resolve("history")), notes);
        } finally {
            if (!ok && Files.isRegularFile(log)) {
                Files.copy(log, out.resolve("allure.log"), StandardCopyOption.REPLACE_EXISTING);
            }
            AllureCommandline.deleteTree(work);
        }
    }

    /**
     * The runs in rounds, oldest round first: round k from the end holds the k-th latest run of
     * every campaign that has that many, by start time. One run per campaign gives one round.
     */
    public static List<List<RunDirectory>> rounds(List<RunDirectory> runs) {
        Map<String, List<RunDirectory>> byCampaign = new LinkedHashMap<>();
        runs.forEach(d -> byCampaign.computeIfAbsent(d.campaignKey(), k -> new ArrayList<>()).add(d));
        byCampaign.values().forEach(l -> l.sort(Comparator.comparing(d -> d.summary().startedAt())));
        int depth = byCampaign.values().stream().mapToInt(List::size).max().orElse(0);
        List<List<RunDirectory>> rounds = new ArrayList<>();
        for (int r = 0; r < depth; r++) {
            List<RunDirectory> round = new ArrayList<>();
            for (List<RunDirectory> l : byCampaign.values()) {
                int i = l.size() - depth + r;
                if (i >= 0) {
                    round.add(l.get(i));
                }
            }
            rounds.add(round);
        }
        return rounds;
    }

    private static String reportName(List<RunDirectory> round) {
        Set<String> keys = new LinkedHashSet<>();
        round.forEach(d -> keys.add(d.summary().format() + " " + d.summary().granule()));
        return "Lockstep: " + String.join(", ", keys);
    }

    private static void writeResults(List<RunDirectory> round, Path results, Path history, int buildOrder,
                                     List<String> notes) throws IOException {
        Files.createDirectories(results);
        Map<String, Set<String>> env = new LinkedHashMap<>();
        for (RunDirectory d : round) {
            copyOrRebuild(d, results, notes);
            AllureResults.environmentMap(d.summary()).forEach((k, v) -> env.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(v));
        }
        Map<String, String> merged = new LinkedHashMap<>();
        env.forEach((k, vs) -> merged.put(k, String.join(", ", vs)));
        AtomicFiles.write(results.resolve("environment.properties"),
                AllureResults.properties(merged).getBytes(StandardCharsets.ISO_8859_1));
        AtomicFiles.write(results.resolve("categories.json"),
                MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(AllureResults.categories()));
        ObjectNode executor = MAPPER.createObjectNode();
        executor.put("name", "Lockstep");
        executor.put("type", "lockstep");
        executor.put("buildOrder", buildOrder);
        executor.put("buildName", "lockstep report #" + buildOrder + ": " + reportName(round).substring("Lockstep: ".length()));
        executor.put("reportName", reportName(round));
        AtomicFiles.write(results.resolve("executor.json"), MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(executor));
        if (history != null) {
            copyTree(history, results.resolve("history"));
        }
    }

    // The campaign's own results; a run without them (an old or interrupted one) gets them rebuilt
    // from summary.json, so every finding is in the report.
    private static void copyOrRebuild(RunDirectory d, Path results, List<String> notes) throws IOException {
        Path from = d.allureResults();
        boolean any = false;
        if (Files.isDirectory(from)) {
            try (Stream<Path> s = Files.list(from)) {
                for (Path f : s.toList()) {
                    String n = f.getFileName().toString();
                    if (!Files.isRegularFile(f) || n.startsWith(".") || n.equals("environment.properties")
                            || n.equals("categories.json") || n.equals("executor.json")) {
                        continue;
                    }
                    Files.copy(f, results.resolve(n), StandardCopyOption.REPLACE_EXISTING);
                    any |= n.endsWith("-result.json");
                }
            }
        }
        if (!any) {
            notes.add(d.path() + ": no Allure results in allure-results/; rebuilt them from summary.json");
            try {
                AllureResults a = new AllureResults(results);
                for (Finding f : d.summary().findings()) {
                    Map<String, String> att = new LinkedHashMap<>();
                    d.reproducerText(f).ifPresent(t -> att.put("reproducer", t));
                    a.writeFinding(d.summary(), f, att);
                }
                a.writeCampaign(d.summary());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    private static int lastBuildOrder(Path history) {
        if (history == null) {
            return 0;
        }
        try {
            JsonNode trend = MAPPER.readTree(history.resolve("history-trend.json").toFile());
            int max = 0;
            for (JsonNode e : trend) {
                max = Math.max(max, e.path("buildOrder").asInt(0));
            }
            return Math.max(max, trend.size());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static int trendEntries(Path history) {
        try {
            return MAPPER.readTree(history.resolve("history-trend.json").toFile()).size();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
