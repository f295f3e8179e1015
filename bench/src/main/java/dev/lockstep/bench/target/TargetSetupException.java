package dev.lockstep.bench.target;

/** The target could not be brought up: a bad kernel tree, a missing port, an agent that will not start. */
public final class TargetSetupException extends Exception {
    public TargetSetupException(String message) {
        super(message);
    }
}
