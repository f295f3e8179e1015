// The estimators behind CampaignStatistics, with Apache Commons Math.
package dev.lockstep.reports;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.regression.SimpleRegression;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes {@link CampaignStatistics} from a campaign's summary and timeline.
 *
 * <ul>
 *   <li><b>Throughput</b>: each pair of consecutive timeline points gives a rate, Δops / Δt; the
 *   mean of those rates with a Student-t interval, mean ± t(0.975, n−1) · s / √n at 95 %.
 *   Intervals shorter than a tenth of the median interval (the forced last point, written right
 *   after the one before) are left out: their rate is noise.</li>
 *   <li><b>Good-Turing</b>: with f1 finding classes seen exactly once in N operations, the
 *   probability that the next operation finds a class not seen yet is f1 / N.</li>
 *   <li><b>Chao1</b>: S_obs + f1² / (2 f2) when f2 &gt; 0, and the bias-corrected
 *   S_obs + f1 (f1 − 1) / 2 when f2 = 0 (the classic form divides by zero there).</li>
 *   <li><b>Saturation</b>: bins hit / bins total, and the least-squares slope of bins_hit over t in
 *   the last 20 % of the timeline's time span.</li>
 * </ul>
 */
public final class Statistics {

    /** Confidence level of the throughput interval. */
    public static final double CONFIDENCE = 0.95;

    /** Share of the timeline, at its end, over which the coverage slope is taken. */
    public static final double SATURATION_WINDOW = 0.2;

    private Statistics() {
    }

    /** The statistics of a campaign; {@code timeline} may be empty. */
    public static CampaignStatistics of(CampaignSummary s, CampaignTimeline timeline) {
        Objects.requireNonNull(s, "summary");
        Objects.requireNonNull(timeline, "timeline");
        long[] counts = s.findings().stream().mapToLong(Finding::count).toArray();
        return new CampaignStatistics(throughput(s.opsPerSecond(), timeline.points(), CONFIDENCE),
                discovery(counts, s.operations()), saturation(s.coverage(), timeline.points()));
    }

    /** Per-interval rates Δops/Δt of consecutive points, short intervals left out (see the class comment). */
    public static double[] intervalRates(List<TimelinePoint> points) {
        List<double[]> intervals = new ArrayList<>(); // {dt, dops}
        for (int i = 1; i < points.size(); i++) {
            double dt = points.get(i).t() - points.get(i - 1).t();
            long dops = points.get(i).ops() - points.get(i - 1).ops();
            if (dt > 0 && dops >= 0) {
                intervals.add(new double[] {dt, dops});
            }
        }
        if (intervals.isEmpty()) {
            return new double[0];
        }
        double[] dts = intervals.stream().mapToDouble(x -> x[0]).sorted().toArray();
        double median = dts.length % 2 == 1 ? dts[dts.length / 2] : (dts[dts.length / 2 - 1] + dts[dts.length / 2]) / 2;
        return intervals.stream().filter(x -> x[0] >= median / 10).mapToDouble(x -> x[1] / x[0]).toArray();
    }

    /** Throughput: {@code overall} as given, mean and t-interval over the timeline's interval rates. */
    public static CampaignStatistics.Throughput throughput(double overall, List<TimelinePoint> points, double confidence) {
        double[] rates = intervalRates(points);
        double[] ci = tInterval(rates, confidence);
        return new CampaignStatistics.Throughput(overall, ci[0], ci[1], ci[2], confidence, rates.length);
    }

    /**
     * {mean, lower, upper} of the Student-t confidence interval of the mean of {@code values}; the
     * bounds are NaN with fewer than two values, all three with none.
     */
    public static double[] tInterval(double[] values, double confidence) {
        if (values.length == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        SummaryStatistics st = new SummaryStatistics();
        Arrays.stream(values).forEach(st::addValue);
        double mean = st.getMean();
        if (values.length < 2) {
            return new double[] {mean, Double.NaN, Double.NaN};
        }
        double t = new TDistribution(values.length - 1).inverseCumulativeProbability(1 - (1 - confidence) / 2);
        double half = t * st.getStandardDeviation() / Math.sqrt(values.length);
        return new double[] {mean, mean - half, mean + half};
    }

    /** Good-Turing and Chao1 from the per-class counts and the number of operations. */
    public static CampaignStatistics.Discovery discovery(long[] counts, long operations) {
        int f1 = (int) Arrays.stream(counts).filter(c -> c == 1).count();
        int f2 = (int) Arrays.stream(counts).filter(c -> c == 2).count();
        return new CampaignStatistics.Discovery(operations, counts.length, f1, f2, goodTuring(f1, operations),
                chao1(counts.length, f1, f2), f2 == 0);
    }

    /** f1 / n: the probability that the next draw is of a class not seen yet; NaN when n = 0. */
    public static double goodTuring(long singletons, long draws) {
        return draws <= 0 ? Double.NaN : (double) singletons / draws;
    }

    /** Chao1: observed + f1²/(2 f2) if f2 &gt; 0, else the bias-corrected observed + f1(f1−1)/2. */
    public static double chao1(long observed, long f1, long f2) {
        if (f2 > 0) {
            return observed + (double) f1 * f1 / (2.0 * f2);
        }
        return observed + (double) f1 * (f1 - 1) / 2.0;
    }

    /** Coverage saturation from the summary's bins_hit/bins_total (else the last point's) and the timeline. */
    public static CampaignStatistics.Saturation saturation(Map<String, Long> coverage, List<TimelinePoint> points) {
        TimelinePoint last = points.isEmpty() ? null : points.get(points.size() - 1);
        long hit = coverage.containsKey("bins_hit") ? coverage.get("bins_hit") : last == null ? 0 : last.binsHit();
        long total = coverage.containsKey("bins_total") ? coverage.get("bins_total") : last == null ? 0 : last.binsTotal();
        double fraction = total > 0 ? (double) hit / total : Double.NaN;
        if (points.size() < 2) {
            return new CampaignStatistics.Saturation(hit, total, fraction, Double.NaN, 0, points.size());
        }
        double t0 = points.get(0).t();
        double t1 = last.t();
        double from = t1 - SATURATION_WINDOW * (t1 - t0);
        SimpleRegression reg = new SimpleRegression();
        int n = 0;
        for (TimelinePoint p : points) {
            if (p.t() >= from) {
                reg.addData(p.t(), p.binsHit());
                n++;
            }
        }
        // With one point in the window the slope is undefined; SimpleRegression then gives NaN.
        double slope = n >= 2 ? reg.getSlope() : Double.NaN;
        return new CampaignStatistics.Saturation(hit, total, fraction, slope, t1 - from, n);
    }
}
