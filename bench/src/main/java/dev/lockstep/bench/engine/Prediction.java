package dev.lockstep.bench.engine;

import java.util.Set;

/**
 * What the model says one operation must return.
 *
 * @param label   the operation's class for titles and coverage, e.g. "map over-smaller 2M"
 * @param status  the expected status (0 or -errno)
 * @param value   mapped or unmapped bytes, or the iova_to_phys answer
 * @param misuse  the call breaks the caller's side of the contract, so a WARN is allowed
 * @param acceptable every status the contract allows (several when a call breaks it in several ways)
 */
record Prediction(String label, int status, long value, boolean misuse, Set<Integer> acceptable) {

    Prediction(String label, int status, long value, boolean misuse) {
        this(label, status, value, misuse, only(status));
    }

    /** Set.of(status), kept for the statuses predictions use: one per operation would be garbage. */
    private static final Set<Integer>[] ONLY = onlies();

    @SuppressWarnings("unchecked")
    private static Set<Integer>[] onlies() {
        Set<Integer>[] a = new Set[160];
        for (int i = 0; i < a.length; i++) {
            a[i] = Set.of(-i);
        }
        return a;
    }

    private static Set<Integer> only(int status) {
        return status <= 0 && status > -ONLY.length ? ONLY[-status] : Set.of(status);
    }

    /** Whether the driver's status and value are what the contract allows. */
    boolean accepts(int driverStatus, long driverValue) {
        if (!acceptable.contains(driverStatus)) {
            return false;
        }
        // A status that is an error carries no size; success must report exactly what was mapped.
        return driverStatus != 0 || driverValue == (status == 0 ? value : 0);
    }
}
