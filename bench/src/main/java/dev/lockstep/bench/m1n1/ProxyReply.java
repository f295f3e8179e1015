package dev.lockstep.bench.m1n1;

/**
 * The reply to a PROXY request: the opcode echoed, the proxy's status (0 OK, -1 BADCMD; the
 * Lockstep agent adds -2 INVAL for a request it refuses and opcode-specific values, see
 * docs/qemu-oracle.md) and the return value.
 */
public record ProxyReply(long opcode, long status, long retval) {
    public boolean ok() {
        return status == 0;
    }
}
