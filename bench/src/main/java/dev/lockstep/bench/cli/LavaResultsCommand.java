package dev.lockstep.bench.cli;

import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Finding;
import dev.lockstep.reports.ResultFormatException;
import dev.lockstep.reports.SummaryJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * A campaign's summary.json as LAVA results: one {@code lava-test-case} line per finding class
 * (its title), and one for the campaign itself. lava/run-campaign.sh runs each line in a LAVA test
 * shell, where {@code lava-test-case} records it.
 *
 * <p>A new finding fails its case; a known one (listed in known-divergences.ini) is a skip: seen,
 * and excused for a stated reason. The case {@code lockstep-campaign} passes when the campaign ran
 * to its end and found nothing new. Every case carries its count as a measurement.
 */
@Command(name = "lava-results", mixinStandardHelpOptions = true,
        description = {"Print a campaign's results as lava-test-case command lines, one per finding class (lava/, docs/hardware.md)."})
final class LavaResultsCommand implements Callable<Integer> {
    /** The campaign's own case. */
    static final String CAMPAIGN_CASE = "lockstep-campaign";
    /** LAVA test case names: no whitespace, nothing a shell would read twice. */
    private static final int NAME_LIMIT = 96;

    @Parameters(index = "0", paramLabel = "SUMMARY", description = "A campaign's summary.json (or its run directory).")
    Path summary;

    @Override
    public Integer call() throws UsageError {
        Path file = Files.isDirectory(summary) ? summary.resolve("summary.json") : summary;
        if (!Files.isRegularFile(file)) {
            throw new UsageError(file + " does not exist; pass a campaign's summary.json or its run directory");
        }
        CampaignSummary s;
        try {
            s = SummaryJson.read(file);
        } catch (ResultFormatException e) {
            throw new UsageError(file + " is not a Lockstep summary: " + e.getMessage());
        }
        lines(s).forEach(System.out::println);
        return 0;
    }

    /** The lava-test-case command lines for one campaign, the campaign's own case first. */
    static List<String> lines(CampaignSummary s) {
        List<String> out = new ArrayList<>();
        long fresh = s.findings().stream().filter(f -> !f.known()).count();
        out.add(line(CAMPAIGN_CASE, s.complete() && fresh == 0 ? "pass" : "fail", s.operations(), "operations"));
        for (Finding f : s.findings()) {
            out.add(line(caseName(f), f.known() ? "skip" : "fail", f.count(), "occurrences"));
        }
        return out;
    }

    /**
     * "d1-map-over-smaller-1g-driver-returns-0-and-maps-pages-contract-eexist-44e8c783c889": the
     * depth, the title in LAVA's alphabet, and the finding's stable id, so two titles never share a
     * case even when cut short.
     */
    static String caseName(Finding f) {
        String slug = f.title().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-|-$", "");
        String prefix = "d" + f.depth() + "-";
        int room = NAME_LIMIT - prefix.length() - 1 - f.id().length();
        if (slug.length() > room) {
            slug = slug.substring(0, room).replaceAll("-$", "");
        }
        return prefix + slug + "-" + f.id();
    }

    private static String line(String name, String result, long measurement, String units) {
        return "lava-test-case " + name + " --result " + result + " --measurement " + measurement + " --units " + units;
    }
}
