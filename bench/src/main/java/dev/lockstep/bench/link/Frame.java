package dev.lockstep.bench.link;

/** One frame of the wire protocol (docs/protocol.md): a type, a sequence number and a payload. */
public record Frame(int type, int seq, byte[] payload) {
    public static final int HELLO = 0x01;
    public static final int HELLO_REPLY = 0x81;
    public static final int BATCH = 0x02;
    public static final int BATCH_REPLY = 0x82;
    public static final int MEM_SYNC = 0x03;
    public static final int MEM_SYNC_REPLY = 0x83;
    public static final int RESET = 0x04;
    public static final int RESET_REPLY = 0x84;
    public static final int COVERAGE = 0x06;
    public static final int COVERAGE_REPLY = 0x86;
    public static final int STEP = 0x08;
    public static final int STEP_REPLY = 0x88;
    public static final int BARE = 0x09;
    public static final int BARE_REPLY = 0x89;
    public static final int CRASH = 0x7e;
    public static final int NAK = 0x7f;

    public static String typeName(int type) {
        return switch (type) {
            case HELLO -> "HELLO";
            case HELLO_REPLY -> "HELLO_REPLY";
            case BATCH -> "BATCH";
            case BATCH_REPLY -> "BATCH_REPLY";
            case MEM_SYNC -> "MEM_SYNC";
            case MEM_SYNC_REPLY -> "MEM_SYNC_REPLY";
            case RESET -> "RESET";
            case RESET_REPLY -> "RESET_REPLY";
            case COVERAGE -> "COVERAGE";
            case COVERAGE_REPLY -> "COVERAGE_REPLY";
            case STEP -> "STEP";
            case STEP_REPLY -> "STEP_REPLY";
            case BARE -> "BARE";
            case BARE_REPLY -> "BARE_REPLY";
            case CRASH -> "CRASH";
            case NAK -> "NAK";
            default -> String.format("type 0x%02x", type);
        };
    }
}
