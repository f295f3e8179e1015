package dev.lockstep.bench.engine;

/**
 * Time spent in a call made millions of times, told without timing every call: one call in eight is
 * timed and counted eight times. Reading the clock twice costs about as much as a walk of the model,
 * so timing every call made the model look a quarter slower than it is (and the loop slower too).
 * Each clock starts at its own phase, so calls that always come first in a case (an alloc) are timed
 * as often as the rest over many cases.
 */
final class SampledClock {
    private static final int EVERY = 8;
    private int calls;
    private long nanos;

    SampledClock() {
        calls = System.identityHashCode(this) & (EVERY - 1);
    }

    /** Call before the timed call: 0 when this one is not sampled. */
    long start() {
        return ++calls % EVERY == 0 ? System.nanoTime() : 0;
    }

    /** Call after it, with what start returned. */
    void stop(long t0) {
        if (t0 != 0) {
            nanos += EVERY * (System.nanoTime() - t0);
        }
    }

    /** The estimated time inside the timed calls so far. */
    long nanos() {
        return nanos;
    }
}
