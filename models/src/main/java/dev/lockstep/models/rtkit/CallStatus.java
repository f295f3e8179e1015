package dev.lockstep.models.rtkit;

/** Where the client's call stands after a step. */
public sealed interface CallStatus
        permits CallStatus.NoCall, CallStatus.Waiting, CallStatus.Returned, CallStatus.Refused {

    /** The step involved no call (a message arrived and no call was waiting, or nothing finished). */
    record NoCall() implements CallStatus {
    }

    /** The call is blocked on {@code awaiting}. */
    record Waiting(ApCall call, CallStep awaiting) implements CallStatus {
    }

    /** The call returned {@code code} (0 or a negative errno). */
    record Returned(ApCall call, int code) implements CallStatus {
        @Override
        public String toString() {
            return call + " = " + Errno.name(code);
        }
    }

    /** The input was not a call the model can take now (a call while another waits): nothing changed. */
    record Refused(ApInput input, String reason) implements CallStatus {
    }
}
