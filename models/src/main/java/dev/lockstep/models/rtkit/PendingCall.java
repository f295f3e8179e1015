package dev.lockstep.models.rtkit;

import java.util.List;
import java.util.Objects;

/** A call blocked on its first remaining step. */
public record PendingCall(ApCall call, List<CallStep> remaining) {

    public PendingCall {
        Objects.requireNonNull(call, "call");
        remaining = List.copyOf(remaining);
        if (remaining.isEmpty()) {
            throw new IllegalArgumentException("a pending call waits on something");
        }
    }

    public CallStep awaiting() {
        return remaining.get(0);
    }
}
