package dev.lockstep.bench.m1n1;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where proxy calls go: the m1n1 UART/USB link itself ({@link M1n1Client}), or the shared-RAM
 * {@link Mailbox} of a QEMU agent on the same machine. Callers that have many independent calls
 * hand them over together ({@link #proxyAll}), so a port that can keep several in flight does.
 */
public interface ProxyPort {

    /** One call; the reply is returned whatever its proxy status. */
    ProxyReply proxy(long opcode, long... args) throws IOException, M1n1Exception;

    /** Every call, in order; the replies in the same order. */
    default List<ProxyReply> proxyAll(List<ProxyCall> calls) throws IOException, M1n1Exception {
        List<ProxyReply> out = new ArrayList<>(calls.size());
        for (ProxyCall c : calls) {
            out.add(proxy(c.opcode(), c.args()));
        }
        return out;
    }

    /** What a person would call this port in an error message. */
    String describe();
}
