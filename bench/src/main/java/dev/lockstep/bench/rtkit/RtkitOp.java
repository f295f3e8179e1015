package dev.lockstep.bench.rtkit;

/** One operation of an RTKIT frame (docs/protocol.md, "Operations (in RTKIT)"), as the bench sends it. */
public sealed interface RtkitOp {
    int INIT = 1, FREE = 2, INJECT = 3, STEP = 4, DRAIN = 5, ADVANCE = 6, CALL = 7, COLLECT = 8, STATE = 9, WRITE_MEM = 10;

    /** The wire opcode. */
    int opcode();

    record Init(int flags, String mboxName, int mboxIdx, String dtMboxName) implements RtkitOp {
        public int opcode() {
            return INIT;
        }
    }

    record Free() implements RtkitOp {
        public int opcode() {
            return FREE;
        }
    }

    record Inject(long msg0, long msg1) implements RtkitOp {
        public int opcode() {
            return INJECT;
        }
    }

    record Step(int max) implements RtkitOp {
        public int opcode() {
            return STEP;
        }
    }

    record Drain(int max) implements RtkitOp {
        public int opcode() {
            return DRAIN;
        }
    }

    record Advance(long ms) implements RtkitOp {
        public int opcode() {
            return ADVANCE;
        }
    }

    /** fn: 1 boot, 2 wake, 3 quiesce, 4 shutdown, 5 reinit, 6 start_ep, 7 send_message, 8 send_message_wait, 9 is_running, 10 is_crashed, 11 poll. */
    record Call(int slot, int fn, int ep, long msg, int timeoutMs, boolean atomic) implements RtkitOp {
        public int opcode() {
            return CALL;
        }
    }

    record Collect(int slot) implements RtkitOp {
        public int opcode() {
            return COLLECT;
        }
    }

    record State() implements RtkitOp {
        public int opcode() {
            return STATE;
        }
    }

    record WriteMem(long busAddress, byte[] bytes) implements RtkitOp {
        public int opcode() {
            return WRITE_MEM;
        }
    }
}
