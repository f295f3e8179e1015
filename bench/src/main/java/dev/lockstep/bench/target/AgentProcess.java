package dev.lockstep.bench.target;

import dev.lockstep.bench.link.ByteLink;

/** Starts, watches and stops whatever runs the agent: a local process, or nothing for a board. */
public interface AgentProcess {
    ByteLink start() throws TargetSetupException;

    boolean alive();

    String exitDescription();

    void stop();

    /**
     * Waits up to {@code millis} for the agent to exit; whether it has. A line that breaks as the
     * agent dies can be seen before the exit is: the wait tells a dying agent from a broken line.
     */
    default boolean awaitExit(long millis) {
        return !alive();
    }

    /**
     * SIGKILLs the agent, for an injected kill (--link-faults kill=N); returns false when this
     * process cannot be killed from here (an agent on a board), so no kill is injected.
     */
    default boolean kill() {
        return false;
    }

    /** The agent's process id on this machine, or -1 when it runs elsewhere (a board). */
    default long pid() {
        return -1;
    }
}
