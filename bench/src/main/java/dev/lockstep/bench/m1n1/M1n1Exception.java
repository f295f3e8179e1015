package dev.lockstep.bench.m1n1;

import dev.lockstep.bench.link.LinkException;

/**
 * The m1n1 proxy said no, or said something the client cannot accept: an error status, an
 * unexpected reply type, a timeout. The link is still in step (a whole frame was read) unless the
 * message says otherwise.
 */
public class M1n1Exception extends LinkException {
    public M1n1Exception(String message) {
        super(message);
    }

    public M1n1Exception(String message, Throwable cause) {
        super(message, cause);
    }
}
