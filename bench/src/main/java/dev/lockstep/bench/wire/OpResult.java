package dev.lockstep.bench.wire;

import java.util.Map;

/** What the agent answered for one operation: status, value, TLB callbacks and WARN count. */
public record OpResult(int opcode, int status, long value, int tlbFlushAll, int tlbFlushWalk, int tlbAddPage,
                       int warns, Map<Integer, Long> cfg) {
    public static final int BENCH_ERROR = 0x7fff0001;
    /** A STEP that carried expectations stopped before this operation (an earlier answer was not the expected one). */
    public static final int NOT_RUN = 0x7fff0002;

    /** The one result every operation a halted STEP skipped gets. */
    public static final OpResult NOT_RUN_RESULT = new OpResult(0xff, NOT_RUN, 0, 0, 0, 0, 0, Map.of());

    public boolean ran() {
        return status != NOT_RUN;
    }
}
