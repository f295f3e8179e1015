package dev.lockstep.bench.target;

/**
 * The target stopped answering normally: it crashed, it hung, or the link broke. A crash or a hang
 * during an operation is a finding; a link failure is not. INJECTED is a death the bench caused
 * itself (--link-faults kill=N): the target has already restarted the agent, the driver's state is
 * gone, and the caller rebuilds it and retries; it is never a finding.
 */
public final class TargetFailure extends Exception {
    public enum Kind { CRASH, HANG, LINK, INJECTED }

    private final Kind kind;
    private final int opIndex;

    public TargetFailure(Kind kind, int opIndex, String message) {
        super(message);
        this.kind = kind;
        this.opIndex = opIndex;
    }

    public Kind kind() { return kind; }

    /** The operation of the batch that was running, or -1 when the target could not say. */
    public int opIndex() { return opIndex; }
}
