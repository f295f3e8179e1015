package dev.lockstep.bench.m1n1;

/**
 * A frame or a block of bulk data arrived with a checksum that does not match. The client never
 * guesses what was meant: the request is not retried (it may have taken effect), and the caller
 * decides, typically by calling {@link M1n1Client#resync()} and starting over.
 */
public final class M1n1ChecksumException extends M1n1Exception {
    public M1n1ChecksumException(String message) {
        super(message);
    }
}
