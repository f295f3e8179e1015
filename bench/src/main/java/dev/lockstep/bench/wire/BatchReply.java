package dev.lockstep.bench.wire;

import java.util.List;

/**
 * The agent's answer to a batch: one result per operation, in order, the events they raised, and
 * the nanoseconds spent inside the driver calls (-1 when the agent does not say).
 */
public record BatchReply(List<OpResult> results, List<AgentEvent> events, long driverNanos) {

    public BatchReply(List<OpResult> results, List<AgentEvent> events) {
        this(results, events, -1);
    }
}
