package dev.lockstep.bench.m1n1;

/** One proxy request: an opcode and at most six arguments, as m1n1's PROXY frame carries them. */
public record ProxyCall(long opcode, long... args) {
    public ProxyCall {
        if (args.length > 6) {
            throw new IllegalArgumentException("a proxy call takes at most 6 arguments: " + args.length);
        }
        args = args.clone();
    }

    @Override
    public long[] args() {
        return args.clone();
    }
}
