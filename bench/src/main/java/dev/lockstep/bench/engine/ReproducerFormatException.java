package dev.lockstep.bench.engine;

/** A reproducer file that cannot be read; the message is one line naming the file and the fix. */
public final class ReproducerFormatException extends Exception {
    public ReproducerFormatException(String message) {
        super(message);
    }
}
