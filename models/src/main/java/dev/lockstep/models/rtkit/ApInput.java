package dev.lockstep.models.rtkit;

import java.util.Objects;

/**
 * One thing that happens to the AP side of RTKit: a message from the coprocessor, a call by the
 * client (an {@link ApCall}), or the expiry of the wait a pending call is in. Time is not modelled
 * beyond that: the bench sends {@link Timeout} when its virtual clock passes a wait's 1000 ms.
 */
public sealed interface ApInput permits ApInput.Received, ApInput.Timeout, ApCall {

    /** The IOP sent {@code message} (IOP→AP). */
    record Received(Message message) implements ApInput {
        public Received {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return "iop: " + message;
        }
    }

    /** The wait the pending call is in ran out (1000 ms in every implementation). */
    record Timeout() implements ApInput {
        @Override
        public String toString() {
            return "timeout";
        }
    }

    static ApInput received(Message m) {
        return new Received(m);
    }

    static ApInput received(RtkitMessage m) {
        return new Received(m.encode());
    }
}
