// `lockstep report`: one or many run directories into a summary page and an Allure report.
package dev.lockstep.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Writes the report of one or many campaigns into a directory OUT:
 *
 * <ul>
 *   <li>{@code OUT/index.html}: the summary page ({@link SummaryPage});</li>
 *   <li>{@code OUT/allure-report/index.html} and {@code history/}: the Allure report ({@link AllureReport});</li>
 *   <li>{@code OUT/lockstep-history.json}: the runs reported so far, for the page's trends ({@link RunHistory}).</li>
 * </ul>
 *
 * Reporting again into the same OUT continues both trends.
 */
public final class LockstepReport {

    private LockstepReport() {
    }

    /**
     * How to report.
     *
     * @param out        the report directory
     * @param allure     whether to make the Allure report
     * @param allureHome the allure-commandline directory to use, or null to {@link AllureCommandline#locate locate} it
     */
    public record Options(Path out, boolean allure, Path allureHome) {
        public Options {
            Objects.requireNonNull(out, "out");
        }
    }

    /**
     * What was written.
     *
     * @param page        the summary page
     * @param allureIndex the Allure report's index.html, or null if none was made
     * @param allureError why the Allure report could not be made, or null
     * @param notes       what was worked around, one line each
     */
    public record Result(Path page, Path allureIndex, String allureError, List<String> notes) {
    }

    /**
     * Why {@code out} cannot take a report, or empty if it can: it must be new, empty, or a previous
     * report's directory (it holds {@link RunHistory#FILE_NAME}), and not a run directory.
     */
    public static Optional<String> outProblem(Path out) {
        if (!Files.exists(out)) {
            return Optional.empty();
        }
        if (!Files.isDirectory(out)) {
            return Optional.of(out + ": not a directory; choose a new directory for the report");
        }
        if (Files.exists(out.resolve("summary.json"))) {
            return Optional.of(out + ": this is a campaign's run directory; choose another --out for the report");
        }
        if (Files.exists(out.resolve(RunHistory.FILE_NAME))) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(out)) {
            if (s.findAny().isPresent()) {
                return Optional.of(out + ": holds other files and no earlier Lockstep report; choose a new or empty "
                        + "directory, or the --out of an earlier report");
            }
        } catch (IOException e) {
            return Optional.of(out + ": cannot be read (" + e.getMessage() + ")");
        }
        return Optional.empty();
    }

    /**
     * Writes the report. The summary page is written even when the Allure report cannot be made;
     * {@link Result#allureError()} then says why.
     */
    public static Result write(List<RunDirectory> runs, Options o) throws IOException {
        Objects.requireNonNull(runs, "runs");
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no run directories");
        }
        Path out = o.out();
        Files.createDirectories(out);
        List<String> notes = new ArrayList<>();
        Path allureIndex = null;
        String allureError = null;
        if (o.allure()) {
            try {
                AllureCommandline cli = AllureCommandline.locate(o.allureHome());
                AllureReport.Outcome a = AllureReport.generate(runs, out, cli);
                allureIndex = a.index();
                notes.addAll(a.notes());
            } catch (AllureException e) {
                allureError = e.getMessage();
            }
        }
        RunHistory history = RunHistory.read(out).with(runs);
        notes.addAll(history.notes());
        String relLink = allureIndex == null ? null : AllureReport.DIR + "/index.html";
        String html = SummaryPage.render(runs, history, new SummaryPage.Links(relLink), Instant.now());
        if (allureError != null) {
            html = html.replaceFirst("</header>\n", "</header>\n<p class=\"note\">The Allure report was not made: "
                    + java.util.regex.Matcher.quoteReplacement(Svg.escape(allureError)) + "</p>\n");
        }
        Path page = out.resolve("index.html");
        AtomicFiles.write(page, html.getBytes(StandardCharsets.UTF_8));
        history.write(out);
        return new Result(page, allureIndex, allureError, notes);
    }
}
