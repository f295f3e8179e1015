// Statistics against values worked out by hand.
package dev.lockstep.reports;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatisticsTest {

    private static TimelinePoint p(double t, long ops, long bins) {
        return new TimelinePoint(t, ops, 0, 0, bins, 100, 0);
    }

    @Test
    void goodTuringIsSingletonsOverOperations() {
        // Counts 1, 1, 1, 2, 5, 9: f1 = 3 classes seen once. In N = 1000 operations the chance that
        // the next one finds a class not seen yet is f1 / N = 3 / 1000 = 0.003.
        CampaignStatistics.Discovery d = Statistics.discovery(new long[] {1, 1, 1, 2, 5, 9}, 1000);
        assertEquals(3, d.singletons());
        assertEquals(1, d.doubletons());
        assertEquals(6, d.classes());
        assertEquals(0.003, d.goodTuring(), 1e-15);
        // No operations: nothing to estimate from.
        assertTrue(Double.isNaN(Statistics.goodTuring(0, 0)));
    }

    @Test
    void chao1ClassicFormWhenThereAreDoubletons() {
        // Counts 1, 1, 1, 2, 5, 9: S_obs = 6, f1 = 3, f2 = 1.
        // Chao1 = S_obs + f1^2 / (2 f2) = 6 + 9 / 2 = 10.5 classes in all, 4.5 of them unseen.
        CampaignStatistics.Discovery d = Statistics.discovery(new long[] {1, 1, 1, 2, 5, 9}, 1000);
        assertEquals(10.5, d.chao1(), 1e-12);
        assertEquals(4.5, d.unseen(), 1e-12);
        assertFalse(d.chao1BiasCorrected());

        // Counts 1, 1, 2, 2, 2, 7: S_obs = 6, f1 = 2, f2 = 3: 6 + 4 / 6 = 6.6667.
        assertEquals(6 + 4.0 / 6, Statistics.discovery(new long[] {1, 1, 2, 2, 2, 7}, 50).chao1(), 1e-12);
    }

    @Test
    void chao1BiasCorrectedWhenThereAreNoDoubletons() {
        // Counts 1, 1, 1, 1, 4: S_obs = 5, f1 = 4, f2 = 0; the classic form would divide by zero.
        // Bias-corrected: S_obs + f1 (f1 - 1) / 2 = 5 + 4 * 3 / 2 = 11.
        CampaignStatistics.Discovery d = Statistics.discovery(new long[] {1, 1, 1, 1, 4}, 200);
        assertEquals(11.0, d.chao1(), 1e-12);
        assertTrue(d.chao1BiasCorrected());
        // One singleton and no doubleton: 1 * 0 / 2 = 0 unseen, S_obs stays.
        assertEquals(3.0, Statistics.chao1(3, 1, 0), 1e-12);
        // Nothing seen once: nothing unseen, whatever f2.
        assertEquals(4.0, Statistics.chao1(4, 0, 2), 1e-12);
    }

    @Test
    void throughputIsATIntervalOverTheRatesOfTheTimelineIntervals() {
        // ops at t = 0..4: 0, 100, 210, 300, 400 -> rates 100, 110, 90, 100 ops/s.
        // mean 100; s = sqrt((0 + 100 + 100 + 0) / 3) = 8.16497; t(0.975, 3) = 3.18245;
        // half width = 3.18245 * 8.16497 / sqrt(4) = 12.9923 -> [87.0077, 112.9923].
        List<TimelinePoint> pts = List.of(p(0, 0, 0), p(1, 100, 0), p(2, 210, 0), p(3, 300, 0), p(4, 400, 0));
        assertArrayEquals(new double[] {100, 110, 90, 100}, Statistics.intervalRates(pts), 1e-9);
        CampaignStatistics.Throughput t = Statistics.throughput(95.5, pts, 0.95);
        assertEquals(100, t.mean(), 1e-9);
        assertEquals(87.0077, t.lower(), 1e-3);
        assertEquals(112.9923, t.upper(), 1e-3);
        assertEquals(4, t.intervals());
        assertEquals(95.5, t.overall());
    }

    @Test
    void aTinyLastIntervalIsLeftOutOfTheRates() {
        // Intervals of 1 s, and a last forced point 0.01 s after the one before (median 1 s; 0.01 < 0.1).
        List<TimelinePoint> pts = List.of(p(0, 0, 0), p(1, 100, 0), p(2, 200, 0), p(2.01, 205, 0));
        assertArrayEquals(new double[] {100, 100}, Statistics.intervalRates(pts), 1e-9);
    }

    @Test
    void throughputWithTooFewIntervalsHasNoInterval() {
        CampaignStatistics.Throughput one = Statistics.throughput(10, List.of(p(0, 0, 0), p(2, 50, 0)), 0.95);
        assertEquals(25, one.mean(), 1e-12);
        assertTrue(Double.isNaN(one.lower()) && Double.isNaN(one.upper()));
        CampaignStatistics.Throughput none = Statistics.throughput(10, List.of(), 0.95);
        assertTrue(Double.isNaN(none.mean()));
        assertEquals(0, none.intervals());
    }

    @Test
    void saturationIsTheFractionHitAndTheSlopeOverTheLastFifthOfTheTimeline() {
        // t = 0..10; the last 20 % of the span is t >= 8: points (8, 50), (9, 52), (10, 54): slope 2 bins/s.
        List<TimelinePoint> pts = new ArrayList<>();
        for (int t = 0; t <= 10; t++) {
            pts.add(p(t, t * 100L, t <= 8 ? 10 + 5 * t : 50 + 2 * (t - 8)));
        }
        CampaignStatistics.Saturation s = Statistics.saturation(Map.of("bins_hit", 54L, "bins_total", 120L), pts);
        assertEquals(0.45, s.fractionHit(), 1e-12);
        assertEquals(2.0, s.slopePerSecond(), 1e-9);
        assertEquals(3, s.windowPoints());
        assertEquals(2.0, s.windowSeconds(), 1e-12);
    }

    @Test
    void saturationFallsBackToTheTimelineForBinsAndHasNoSlopeWithoutPoints() {
        CampaignStatistics.Saturation s = Statistics.saturation(Map.of(), List.of(p(0, 0, 7)));
        assertEquals(7, s.binsHit());
        assertEquals(0.07, s.fractionHit(), 1e-12);
        assertTrue(Double.isNaN(s.slopePerSecond()));
        assertTrue(Double.isNaN(Statistics.saturation(Map.of(), List.of()).fractionHit()));
    }

    @Test
    void runLongerWhenSomethingWasSeenOnceOrCoverageStillGrows() {
        Instant start = Instant.parse("2025-03-01T10:00:00Z");
        // One singleton: yes.
        CampaignSummary once = RunDirs.summary("4k", 1, start, List.of(RunDirs.returnFinding(start, 1)));
        CampaignStatistics a = Statistics.of(once, new CampaignTimeline(List.of(), List.of()));
        assertTrue(a.runLonger());
        assertTrue(a.reasons().get(0).contains("seen only once"), a.reasons().toString());

        // Every finding seen twice or more, coverage flat at the end: no.
        CampaignSummary twice = RunDirs.summary("4k", 1, start, List.of(RunDirs.returnFinding(start, 2)));
        List<TimelinePoint> flat = List.of(p(0, 0, 5), p(5, 500, 8), p(9, 900, 8), p(10, 1000, 8));
        CampaignStatistics b = Statistics.of(twice, new CampaignTimeline(flat, List.of()));
        assertFalse(b.runLonger(), b.reasons().toString());
        assertTrue(b.reasons().stream().anyMatch(r -> r.contains("stopped growing")), b.reasons().toString());

        // The same findings, but coverage still climbing at the end: yes.
        List<TimelinePoint> growing = List.of(p(0, 0, 5), p(5, 500, 6), p(9, 900, 7), p(10, 1000, 8));
        assertTrue(Statistics.of(twice, new CampaignTimeline(growing, List.of())).runLonger());
    }
}
