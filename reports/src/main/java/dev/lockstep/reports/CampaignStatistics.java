// What a campaign's numbers say beyond the counts: how fast, how much is left to find, how saturated.
package dev.lockstep.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Statistics of one campaign, computed by {@link Statistics#of}; plain data, so it can be written
 * into {@code summary.json} later (as {@code statistics}, field names in snake_case).
 *
 * <p>A value that cannot be computed from what the campaign recorded (no timeline, no operations,
 * fewer than two intervals) is {@link Double#NaN}; a JSON writer should write such a value as
 * absent, since JSON has no NaN.
 *
 * @param throughput operations per second, with a confidence interval from the timeline
 * @param discovery  how likely the next operation is to find something new, and how many finding
 *                   classes there probably are in all
 * @param saturation how much of the functional coverage is hit, and whether it is still growing
 */
public record CampaignStatistics(Throughput throughput, Discovery discovery, Saturation saturation) {

    /**
     * Throughput.
     *
     * @param overall    operations / elapsed seconds over the whole campaign (from summary.json)
     * @param mean       the mean of the per-interval rates of the timeline
     * @param lower      lower end of the {@code confidence} t-interval of that mean
     * @param upper      upper end of it
     * @param confidence the confidence level, e.g. 0.95
     * @param intervals  the number of timeline intervals the mean is over
     */
    public record Throughput(double overall, double mean, double lower, double upper, double confidence,
                             int intervals) {
    }

    /**
     * Finding discovery, treating each distinct finding title as a class and each operation as a draw.
     *
     * @param operations         operations run (the sample size of the Good-Turing estimate)
     * @param classes            distinct findings seen, S_obs
     * @param singletons         findings seen exactly once, f1
     * @param doubletons         findings seen exactly twice, f2
     * @param goodTuring         Good-Turing estimate of the probability that the next operation finds
     *                           a class not seen yet: f1 / operations
     * @param chao1              Chao1 estimate of the number of classes, seen and unseen
     * @param chao1BiasCorrected whether the bias-corrected form was used (f2 = 0)
     */
    public record Discovery(long operations, int classes, int singletons, int doubletons, double goodTuring,
                            double chao1, boolean chao1BiasCorrected) {

        /** Chao1's estimate of the classes not seen yet, chao1 - classes. */
        public double unseen() {
            return chao1 - classes;
        }
    }

    /**
     * Functional coverage saturation.
     *
     * @param binsHit       bins hit at the end
     * @param binsTotal     bins defined
     * @param fractionHit   binsHit / binsTotal, NaN if no bins are defined
     * @param slopePerSecond least-squares slope of bins_hit over time in the last 20% of the timeline,
     *                      in bins per second
     * @param windowSeconds length of that window in seconds
     * @param windowPoints  timeline points in it
     */
    public record Saturation(long binsHit, long binsTotal, double fractionHit, double slopePerSecond,
                             double windowSeconds, int windowPoints) {
    }

    /**
     * The answer to "should I run longer?": {@code true} when some finding class was seen only
     * once, Chao1 estimates at least one class not seen yet, or coverage still grew at the end.
     */
    public boolean runLonger() {
        return discovery.singletons() > 0 || discovery.unseen() >= 0.5
                || (saturation.slopePerSecond() > 0 && saturation.windowPoints() >= 2);
    }

    /** The reasons behind {@link #runLonger()}, in plain words, one sentence each. */
    public List<String> reasons() {
        List<String> r = new ArrayList<>();
        Discovery d = discovery;
        if (d.operations() == 0) {
            r.add("The campaign ran no operations, so there is nothing to estimate from.");
            return r;
        }
        if (d.singletons() > 0) {
            r.add(String.format(Locale.ROOT,
                    "%d finding %s seen only once: rare findings are still turning up, so more are probably out there "
                            + "(about 1 in %s operations would find something new).",
                    d.singletons(), d.singletons() == 1 ? "class was" : "classes were", oneIn(d.goodTuring())));
        } else if (d.classes() > 0) {
            r.add("Every finding was seen at least twice: the campaign is re-finding what it already knows.");
        } else {
            r.add("No findings at all: by Good-Turing the chance that the next operation finds something is about 0.");
        }
        if (d.unseen() >= 0.5) {
            r.add(String.format(Locale.ROOT, "Chao1 estimates about %.0f finding %s not seen yet.",
                    d.unseen(), Math.round(d.unseen()) == 1 ? "class" : "classes"));
        }
        Saturation s = saturation;
        if (s.windowPoints() >= 2 && Double.isFinite(s.slopePerSecond())) {
            if (s.slopePerSecond() > 0) {
                r.add(String.format(Locale.ROOT,
                        "Coverage was still growing at the end (%.2f bins per minute over the last %.0f s).",
                        s.slopePerSecond() * 60, s.windowSeconds()));
            } else {
                r.add("Coverage stopped growing in the last 20% of the run.");
            }
        }
        if (s.binsTotal() > 0 && s.binsHit() < s.binsTotal()) {
            r.add((s.binsTotal() - s.binsHit()) + " of " + s.binsTotal()
                    + " coverage bins were never hit; if coverage has stopped growing, a longer run will not reach them: "
                    + "change the seed, granule or stimulus mix instead.");
        }
        return r;
    }

    private static String oneIn(double p) {
        if (!(p > 0)) {
            return "∞";
        }
        double n = 1 / p;
        return n >= 100 ? String.format(Locale.ROOT, "%,.0f", n) : String.format(Locale.ROOT, "%.1f", n);
    }
}
