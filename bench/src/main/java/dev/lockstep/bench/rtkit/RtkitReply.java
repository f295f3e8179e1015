package dev.lockstep.bench.rtkit;

import dev.lockstep.bench.wire.AgentEvent;
import java.util.List;

/** A decoded RTKIT_REPLY: one result per operation, what the driver did (records), and the agent's events. */
public record RtkitReply(List<Result> results, List<Record> records, List<AgentEvent> events) {
    /** The agent's answer for a request it refused as a bench error (docs/protocol.md). */
    public static final int BENCH_ERROR = 0x7fff0001;

    public RtkitReply {
        results = List.copyOf(results);
        records = List.copyOf(records);
        events = List.copyOf(events);
    }

    /** {@code u8 opcode, i32 status, u64 v0, u64 v1}. */
    public record Result(int opcode, int status, long v0, long v1) {
    }

    /** {@code u32 op index, u8 kind, u8 ep, u64 a, u64 b}. */
    public record Record(int opIndex, Kind kind, int ep, long a, long b) {
    }

    public enum Kind {
        TX(1), TX_ABORTED(2), CRASHED(3), RECV_MESSAGE(4), RECV_EARLY(5), SHMEM_SETUP(6), SHMEM_DESTROY(7),
        CALL_DONE(8), DMA_ALLOC(9), DMA_FREE(10);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }
}
