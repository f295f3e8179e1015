package dev.lockstep.bench.cli;

/** Bad input from the user: printed as one line "lockstep: ..." with exit code 2. */
final class UsageError extends Exception {
    UsageError(String message) {
        super(message);
    }
}
