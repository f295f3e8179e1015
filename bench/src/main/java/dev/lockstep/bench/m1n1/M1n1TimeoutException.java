package dev.lockstep.bench.m1n1;

/** No reply frame came within the client's timeout: the one m1n1 error the UART bootstrap expects. */
public final class M1n1TimeoutException extends M1n1Exception {
    public M1n1TimeoutException(String message) {
        super(message);
    }
}
