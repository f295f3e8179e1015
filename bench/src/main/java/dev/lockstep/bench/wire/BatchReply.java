package dev.lockstep.bench.wire;

import java.util.List;

/** The agent's answer to a batch: one result per operation, in order, and the events they raised. */
public record BatchReply(List<OpResult> results, List<AgentEvent> events) {
}
