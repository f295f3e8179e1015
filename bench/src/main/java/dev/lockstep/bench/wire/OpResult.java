package dev.lockstep.bench.wire;

import java.util.Map;

/** What the agent answered for one operation: status, value, TLB callbacks and WARN count. */
public record OpResult(int opcode, int status, long value, int tlbFlushAll, int tlbFlushWalk, int tlbAddPage,
                       int warns, Map<Integer, Long> cfg) {
    public static final int BENCH_ERROR = 0x7fff0001;
}
