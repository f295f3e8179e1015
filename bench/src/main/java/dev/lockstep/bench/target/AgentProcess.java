package dev.lockstep.bench.target;

import dev.lockstep.bench.link.ByteLink;

/** Starts, watches and stops whatever runs the agent: a local process, or nothing for a board. */
public interface AgentProcess {
    ByteLink start() throws TargetSetupException;

    boolean alive();

    String exitDescription();

    void stop();
}
