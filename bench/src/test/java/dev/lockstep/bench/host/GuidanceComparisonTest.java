package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.coverage.ConfigSpace;
import dev.lockstep.bench.coverage.GrowthLog;
import dev.lockstep.bench.engine.Campaign;
import dev.lockstep.bench.engine.CampaignSettings;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.Target;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Granule;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guided-versus-blind comparison of docs/fuzzing.md, opt-in because it runs 20 campaigns:
 * {@code LOCKSTEP_GUIDANCE_CHECK=1 mvn -B -o test -pl bench -am -Dtest=GuidanceComparisonTest
 * -Dsurefire.failIfNoSpecifiedTests=false} (LOCKSTEP_GUIDANCE_SEEDS, default 1,2,3,4,5;
 * LOCKSTEP_GUIDANCE_OPS, default 20000). It prints driver edges at several operation budgets for
 * each seed, and writes the same table to bench/target/guidance-comparison.md.
 *
 * <p>Two comparisons, both on the same seeds and budget. As the command line has it (one format,
 * blind against --coverage-guided, which varies the ALLOC parameters left open): guided must be
 * ahead at every budget from 500 operations on, on every seed. As a control, both varying the same
 * parameters over six formats (blind draws each case's configuration uniformly): both end at the
 * same count (every site those configurations reach with map, unmap and iova_to_phys calls), so the
 * check asks that guided is never behind on average from 500 operations on and is ahead at 1,000
 * (unless blind has stopped growing by then), and the table says at which budget each campaign had
 * its final count.
 */
@EnabledIfEnvironmentVariable(named = "LOCKSTEP_GUIDANCE_CHECK", matches = "1")
class GuidanceComparisonTest {
    @TempDir
    Path dir;

    private static final long[] BUDGETS = {250, 500, 1000, 2000, 3000, 5000, 10000, 20000};
    private static final Pattern GROWTH = Pattern.compile("\"ops\":(\\d+),\"driver_edges_hit\":(\\d+)");
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static PgtableConfig base(PgtableFormat f, int ias, int oas) {
        return new PgtableConfig(f, Granule.G4K, ias, oas, 0, true);
    }

    private static final List<PgtableConfig> SIX = List.of(base(PgtableFormat.ARM_64_LPAE_S1, 48, 48),
            base(PgtableFormat.ARM_64_LPAE_S2, 48, 48), base(PgtableFormat.ARM_32_LPAE_S1, 32, 40),
            base(PgtableFormat.ARM_32_LPAE_S2, 40, 40), base(PgtableFormat.APPLE_DART, 32, 36), base(PgtableFormat.APPLE_DART2, 32, 42));

    @Test
    void guidedGrowsDriverCoverageFasterThanBlind() throws Exception {
        long[] seeds = Arrays.stream(System.getenv().getOrDefault("LOCKSTEP_GUIDANCE_SEEDS", "1,2,3,4,5").split(","))
                .mapToLong(x -> Long.parseLong(x.strip())).toArray();
        long ops = Long.parseLong(System.getenv().getOrDefault("LOCKSTEP_GUIDANCE_OPS", "20000"));
        long[] budgets = Arrays.stream(BUDGETS).filter(b -> b <= ops).toArray();
        StringBuilder md = new StringBuilder("# Driver edges, guided against blind (same seed, same operations)\n\n");
        ConfigSpace all = new ConfigSpace(List.of(SIX.get(0)), EnumSet.allOf(ConfigSpace.Dimension.class));
        long[][] blindOne = curves("one-blind", ConfigSpace.of(SIX.get(0)), false, seeds, ops, budgets);
        long[][] guidedOne = curves("one-guided", all, true, seeds, ops, budgets);
        table(md, "arm64-lpae-s1: `fuzz --seed N --ops " + ops + "` against `... --coverage-guided`", seeds, budgets, blindOne, guidedOne);
        ConfigSpace six = new ConfigSpace(SIX, EnumSet.allOf(ConfigSpace.Dimension.class));
        long[][] blindSix = curves("six-blind", six, false, seeds, ops, budgets);
        long[][] guidedSix = curves("six-guided", six, true, seeds, ops, budgets);
        table(md, "control, six formats, both `--vary all`: `fuzz --format ... --vary all` against `... --coverage-guided`", seeds, budgets,
                blindSix, guidedSix);
        Path report = Path.of("target", "guidance-comparison.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, md.toString(), StandardCharsets.UTF_8);
        System.out.print(md);
        for (int s = 0; s < seeds.length; s++) {
            for (int b = 0; b < budgets.length; b++) {
                if (budgets[b] >= 500) {
                    assertTrue(guidedOne[s][b] > blindOne[s][b], "seed " + seeds[s] + " at " + budgets[b] + " operations:\n" + md);
                }
            }
        }
        // The control: where there is anything left to find, the feedback must find it sooner (the
        // probes of each format's refused calls, docs/fuzzing.md), and never end behind.
        for (int b = 0; b < budgets.length; b++) {
            if (budgets[b] >= 500) {
                assertTrue(mean(guidedSix, b) >= mean(blindSix, b), "control at " + budgets[b] + " operations:\n" + md);
            }
            if (budgets[b] == 1000) {
                assertTrue(mean(guidedSix, b) > mean(blindSix, b) || mean(blindSix, b) == mean(blindSix, budgets.length - 1),
                        "control at 1000 operations: guided must be ahead unless blind has already stopped growing:\n" + md);
            }
        }
    }

    /** Driver edges hit at each budget (from coverage-growth.jsonl) of one campaign per seed. */
    private long[][] curves(String name, ConfigSpace space, boolean guided, long[] seeds, long ops, long[] budgets) throws Exception {
        long[][] out = new long[seeds.length][];
        for (int i = 0; i < seeds.length; i++) {
            Path run = dir.resolve(name + "-" + seeds[i]);
            CampaignSettings s = new CampaignSettings(space.primary(), ModelOptions.none(), seeds[i], ops, 0, 32, 0.01, 400, 60_000, run, name);
            try (Target t = HostAgents.open(run, HostAgentProcess.Mode.PTY)) {
                // One case at a time on both sides, as a guided campaign runs: the comparison is of the
                // feedback, not of the width. (Blind with eight cases side by side reaches one more
                // site, io-pgtable-arm.c:314, only because V1's out-of-bounds start-level walks then
                // meet neighbouring cases' tables: docs/fuzzing.md.)
                Campaign c = new Campaign(t, s, KnownDivergences.none(), QUIET).varying(space).parallel(1);
                (guided ? c.coverageGuided(true) : c).run();
            }
            out[i] = new long[budgets.length];
            for (String line : Files.readAllLines(run.resolve(GrowthLog.FILE))) {
                Matcher m = GROWTH.matcher(line);
                assertTrue(m.find(), line);
                for (int b = 0; b < budgets.length; b++) {
                    if (Long.parseLong(m.group(1)) <= budgets[b]) {
                        out[i][b] = Math.max(out[i][b], Long.parseLong(m.group(2)));
                    }
                }
            }
        }
        return out;
    }

    private static void table(StringBuilder md, String title, long[] seeds, long[] budgets, long[][] blind, long[][] guided) {
        md.append("## ").append(title).append("\n\n| operations | blind (mean; per seed) | guided (mean; per seed) |\n|---|---|---|\n");
        for (int b = 0; b < budgets.length; b++) {
            md.append(String.format(Locale.ROOT, "| %d | %.1f; %s | %.1f; %s |%n", budgets[b], mean(blind, b), column(blind, b),
                    mean(guided, b), column(guided, b)));
        }
        md.append(String.format(Locale.ROOT, "| reached its final count at (mean; per seed) | %.0f; %s | %.0f; %s |%n", meanReached(blind, budgets),
                reached(blind, budgets), meanReached(guided, budgets), reached(guided, budgets)));
        md.append("\nseeds ").append(Arrays.toString(seeds)).append("\n\n");
    }

    /** Per campaign, the smallest budget at which it had its final count. */
    private static long[] reachedAt(long[][] runs, long[] budgets) {
        return Arrays.stream(runs).mapToLong(r -> {
            for (int b = 0; b < budgets.length; b++) {
                if (r[b] == r[budgets.length - 1]) {
                    return budgets[b];
                }
            }
            return budgets[budgets.length - 1];
        }).toArray();
    }

    private static String reached(long[][] runs, long[] budgets) {
        return String.join(" ", Arrays.stream(reachedAt(runs, budgets)).mapToObj(Long::toString).toList());
    }

    private static double meanReached(long[][] runs, long[] budgets) {
        return Arrays.stream(reachedAt(runs, budgets)).average().orElse(0);
    }

    private static String column(long[][] runs, int b) {
        List<String> v = new ArrayList<>();
        for (long[] r : runs) {
            v.add(Long.toString(r[b]));
        }
        return String.join(" ", v);
    }

    private static double mean(long[][] runs, int b) {
        return Arrays.stream(runs).mapToLong(r -> r[b]).average().orElse(0);
    }
}
