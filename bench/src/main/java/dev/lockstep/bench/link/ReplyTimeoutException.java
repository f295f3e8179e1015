package dev.lockstep.bench.link;

/** No reply came in time: the target hangs, or the line is dead. The target adapter tells which. */
public final class ReplyTimeoutException extends Exception {
    public ReplyTimeoutException(String message) {
        super(message);
    }
}
