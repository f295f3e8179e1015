package dev.lockstep.bench.wire;

/** A payload that does not decode: the agent and bench disagree on the protocol. */
public final class WireFormatException extends Exception {
    public WireFormatException(String message) {
        super(message);
    }
}
