package dev.lockstep.bench.wire;

/** Something the driver said while running an operation: a WARN, a printk line, a BUG, a leak. */
public record AgentEvent(int opIndex, Kind kind, String text) {
    public enum Kind { WARN, PRINTK, BUG, LEAK, UNKNOWN }

    static Kind kindOf(int code) {
        return switch (code) {
            case 1 -> Kind.WARN;
            case 2 -> Kind.PRINTK;
            case 3 -> Kind.BUG;
            case 4 -> Kind.LEAK;
            default -> Kind.UNKNOWN;
        };
    }
}
