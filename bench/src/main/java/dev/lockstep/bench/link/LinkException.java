package dev.lockstep.bench.link;

/** The link itself failed: no port, no answer, the peer is not a Lockstep agent. Never a driver finding. */
public class LinkException extends Exception {
    public LinkException(String message) {
        super(message);
    }

    public LinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
