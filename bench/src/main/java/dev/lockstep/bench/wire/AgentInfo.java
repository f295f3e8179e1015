package dev.lockstep.bench.wire;

/** The agent's HELLO_REPLY: who it is, what it can do, and where its fake RAM lives. */
public record AgentInfo(int protocolVersion, int capabilities, String driverVersion, String agentBuild,
                        long arenaBase, long arenaSize, int pageSize) {
    public static final int CAP_IOPGTABLE = 1;
    public static final int CAP_RTKIT = 2;
    public static final int CAP_COVERAGE = 4;
    public static final int CAP_SANITIZER = 8;
}
