package dev.lockstep.bench.link;

/** The agent reported a fatal signal (a CRASH frame) or vanished while working on a batch. */
public final class AgentCrashedException extends Exception {
    private final int opIndex;
    private final int signal;

    public AgentCrashedException(int opIndex, int signal, String description) {
        super(description);
        this.opIndex = opIndex;
        this.signal = signal;
    }

    /** The operation in the batch the agent was executing, or -1 when unknown. */
    public int opIndex() { return opIndex; }

    public int signal() { return signal; }
}
