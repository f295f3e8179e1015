package dev.lockstep.bench.cli;

import dev.lockstep.reports.AllureCommandline;
import dev.lockstep.reports.LockstepReport;
import dev.lockstep.reports.ResultFormatException;
import dev.lockstep.reports.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `lockstep report [RUN_DIR...]`: campaign run directories into a summary page and an Allure report. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Turn campaign run directories (the --out of lockstep fuzz) into a report:",
            "  OUT/index.html                the Lockstep summary page: should I run",
            "                                longer? (statistics), throughput, findings",
            "                                and coverage over time, coverage heat maps,",
            "                                findings with reproducers, drawn walks",
            "  OUT/allure-report/index.html  the Allure report: categories, environment,",
            "                                history and trends",
            "Report each run into the same --out to see trends across runs.",
            "",
            "Example:  lockstep report out/4k-mon out/4k-tue out/16k --out out/report"},
        footer = {"", "Exit codes: 0 done, 2 bad input (a directory without summary.json, a damaged",
            "summary, an --out holding something else) or no Allure report could be made",
            "(the summary page is still written)."})
final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", arity = "0..*",
            description = "Campaign run directories (default: every directory under out/ with a summary.json).")
    List<Path> runDirs = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR",
            description = "Report directory (default: RUN_DIR/report for one run, out/report for several). "
                    + "New, empty, or an earlier report's, whose trends it continues.")
    Path out;

    @Option(names = "--no-allure", description = "Only the summary page; do not run Allure.")
    boolean noAllure;

    @Option(names = "--allure-home", paramLabel = "DIR",
            description = "An unpacked io.qameta.allure:allure-commandline (default: the one the build unpacked into "
                    + "reports/target, else the zip in ~/.m2).")
    Path allureHome;

    @Override
    public Integer call() throws Exception {
        List<Path> dirs = runDirs.isEmpty() ? defaultRunDirs() : runDirs;
        Map<Path, RunDirectory> runs = new LinkedHashMap<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new UsageError(d + ": " + (Files.exists(d) ? "not a directory" : "no such directory")
                        + "; pass a campaign's run directory (the --out of lockstep fuzz)");
            }
            try {
                runs.putIfAbsent(d.toRealPath(), RunDirectory.open(d));
            } catch (ResultFormatException e) {
                throw new UsageError(e.getMessage());
            }
        }
        Path target = out != null ? out : runs.size() == 1 ? dirs.get(0).resolve("report") : Path.of("out", "report");
        Optional<String> problem = LockstepReport.outProblem(target);
        if (problem.isPresent()) {
            throw new UsageError(problem.get());
        }
        if (allureHome != null && !noAllure) {
            try {
                AllureCommandline.at(allureHome);
            } catch (dev.lockstep.reports.AllureException e) {
                throw new UsageError(e.getMessage());
            }
        }
        LockstepReport.Result r;
        try {
            r = LockstepReport.write(new ArrayList<>(runs.values()), new LockstepReport.Options(target, !noAllure, allureHome));
        } catch (IOException e) {
            throw new UsageError("cannot write the report into " + target + " (" + e.getMessage() + ")");
        }
        r.notes().forEach(n -> System.out.println("note: " + n));
        System.out.println("summary page:  " + r.page());
        if (r.allureIndex() != null) {
            System.out.println("Allure report: " + r.allureIndex());
        }
        if (r.allureError() != null) {
            throw new UsageError("the Allure report was not made: " + r.allureError());
        }
        return 0;
    }

    private static List<Path> defaultRunDirs() throws UsageError {
        Path base = Path.of("out");
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(base)) {
            try (Stream<Path> s = Files.list(base)) {
                s.filter(d -> Files.isRegularFile(d.resolve("summary.json"))).sorted().forEach(found::add);
            } catch (IOException e) {
                throw new UsageError("out: cannot be read (" + e.getMessage() + "); pass RUN_DIR");
            }
        }
        if (found.isEmpty()) {
            throw new UsageError("no run directories given and none under out/; pass RUN_DIR (the --out of lockstep fuzz)");
        }
        return found;
    }
}
