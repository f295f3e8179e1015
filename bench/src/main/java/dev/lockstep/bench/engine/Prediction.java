package dev.lockstep.bench.engine;

/**
 * What the model says one operation must return.
 *
 * @param label   the operation's class for titles and coverage, e.g. "map over-smaller 2M"
 * @param status  the expected status (0 or -errno)
 * @param value   mapped or unmapped bytes, or the iova_to_phys answer
 * @param misuse  the call breaks the caller's side of the contract, so a WARN is allowed
 */
record Prediction(String label, int status, long value, boolean misuse) {
}
