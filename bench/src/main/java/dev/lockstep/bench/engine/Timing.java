package dev.lockstep.bench.engine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a campaign's time goes: inside the driver (the agent's own clock), on the link and in the
 * agent around the driver (a step's round trip), in the model and scoreboard (judging), in keeping
 * the mirror of the tables, and in the generator. Batch round trips are kept in a bounded sample
 * for latency percentiles, so memory stays flat however long the campaign runs.
 */
public final class Timing {
    private static final int SAMPLE = 4096;
    private final long[] roundTrips = new long[SAMPLE];
    private long batches;
    private long driverNanos;
    private long targetNanos;
    private long modelNanos;
    private long mirrorNanos;
    private long generatorNanos;
    private long bookkeepingNanos;
    private long walks;
    private long ran;
    private long contractNanos;
    private long walkerNanos;
    private boolean driverKnown = true;

    void batch(long roundTripNanos, long driverNanosOrMinus1) {
        // Reservoir-free: a ring of the latest round trips is a fair picture of a steady loop.
        roundTrips[(int) (batches % SAMPLE)] = roundTripNanos;
        batches++;
        targetNanos += roundTripNanos;
        if (driverNanosOrMinus1 < 0) {
            driverKnown = false;
        } else {
            driverNanos += driverNanosOrMinus1;
        }
    }

    /** Applying a step's table delta to the mirror. */
    void mirror(long nanos) {
        mirrorNanos += nanos;
    }

    void generator(long nanos) {
        generatorNanos += nanos;
    }

    /**
     * The campaign's own work between steps: the status line, the timeline, summary rewrites, the
     * corpus, coverage polls, counting repeats of known findings (new findings are not the loop's).
     */
    void bookkeeping(long nanos) {
        bookkeepingNanos += nanos;
    }

    /** Operations the target ran in a collected step, judged or not (after a fatal divergence, not). */
    void ran(long ops) {
        ran += ops;
    }

    /** Walks the judge of depths 3 and 4 ran. */
    void walks(long n) {
        walks += n;
    }

    /** Judging: the reference model (contract and walker) and the scoreboard around it. */
    void model(long nanos) {
        modelNanos += nanos;
    }

    /** The part of judging spent inside the contract's own calls (map, unmap, iova_to_phys, a new table). */
    void contract(long nanos) {
        contractNanos += nanos;
    }

    /** The part of judging spent in the model's walker. */
    void walker(long nanos) {
        walkerNanos += nanos;
    }

    /** The reference model's part of judging: the contract's predictions and the walker. */
    public long referenceModelNanos() { return contractNanos + walkerNanos; }

    public long contractNanos() { return contractNanos; }

    public long walkerNanos() { return walkerNanos; }

    public long driverNanos() { return driverKnown ? driverNanos : -1; }

    public long targetNanos() { return targetNanos; }

    public long modelNanos() { return modelNanos; }

    public long mirrorNanos() { return mirrorNanos; }

    public long generatorNanos() { return generatorNanos; }

    public long bookkeepingNanos() { return bookkeepingNanos; }

    /** Round trips (steps) so far. */
    public long roundTrips() { return batches; }

    public long walks() { return walks; }

    /** Operations the target ran, judged or not. */
    public long ran() { return ran; }

    /** The p-th percentile (0..100) of recent batch round trips, in microseconds. */
    public long roundTripMicros(double p) {
        int n = (int) Math.min(batches, SAMPLE);
        if (n == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(roundTrips, n);
        Arrays.sort(sorted);
        return sorted[(int) Math.min(n - 1, Math.floor(p / 100.0 * n))] / 1000;
    }

    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("driver_nanos", driverNanos());
        m.put("target_nanos", targetNanos);
        m.put("model_nanos", modelNanos);
        m.put("mirror_nanos", mirrorNanos);
        m.put("generator_nanos", generatorNanos);
        m.put("bookkeeping_nanos", bookkeepingNanos);
        m.put("contract_nanos", contractNanos);
        m.put("walker_nanos", walkerNanos);
        m.put("round_trips", batches);
        m.put("walks", walks);
        m.put("operations_run", ran);
        m.put("batch_rtt_p50_us", roundTripMicros(50));
        m.put("batch_rtt_p90_us", roundTripMicros(90));
        m.put("batch_rtt_p99_us", roundTripMicros(99));
        return m;
    }
}
