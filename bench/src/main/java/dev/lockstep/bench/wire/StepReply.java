package dev.lockstep.bench.wire;

/**
 * The answer to one STEP: the blocks a RESET found still allocated (-1 when the step did not
 * reset), the batch's results and events, the table delta (empty when not asked for), and the
 * driver sites first reached (null when not asked for).
 */
public record StepReply(long leaks, BatchReply batch, TableDelta delta, CoverageReply coverage) {
}
