package dev.lockstep.bench.wire;

import java.util.Map;

/**
 * The answer to BARE (docs/protocol.md, "BARE"): how many operations one pass ran, the
 * nanoseconds each timed pass took (the driver calls back to back, one clock reading per case),
 * and, when asked, the latency of single calls per operation kind.
 */
public record BareReply(long operations, long[] passNanos, Map<String, Latency> latency) {

    /** The fastest pass: the driver's upper limit on this stream. */
    public long bestNanos() {
        long best = Long.MAX_VALUE;
        for (long n : passNanos) {
            best = Math.min(best, n);
        }
        return best;
    }

    /**
     * Single-call latencies of one operation kind: a histogram whose buckets are named by their
     * lower bound in nanoseconds (exact below 16 ns, then eight buckets per power of two).
     */
    public record Latency(long count, long sumNanos, long[] lowerBounds, long[] counts) {

        /** The p-th percentile (0..100), as the lower bound of the bucket that holds it. */
        public long percentileNanos(double p) {
            if (count == 0) {
                return 0;
            }
            long rank = (long) Math.ceil(p / 100.0 * count);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= Math.max(1, rank)) {
                    return lowerBounds[i];
                }
            }
            return lowerBounds[lowerBounds.length - 1];
        }

        public double meanNanos() {
            return count == 0 ? 0 : (double) sumNanos / count;
        }
    }
}
