package dev.lockstep.bench.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The bench's side of the wire protocol: numbered requests, replies matched by sequence number,
 * retransmission on NAK, stale replies dropped. One request in flight at a time.
 */
public final class ProtocolClient implements AutoCloseable {
    private static final int MAX_NAK_RETRIES = 8;
    private final ByteLink link;
    private final FrameCodec codec = new FrameCodec();
    private final LinkStats stats = new LinkStats();
    private final byte[] readBuf = new byte[1 << 16];
    private int seq;

    public ProtocolClient(ByteLink link) {
        this.link = link;
    }

    public Frame request(int type, byte[] payload, int replyType, long timeoutMillis)
            throws LinkException, ReplyTimeoutException, AgentCrashedException {
        int mySeq = ++seq;
        byte[] wire = FrameCodec.encode(new Frame(type, mySeq, payload));
        send(wire);
        int naks = 0;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            Frame f = codec.next();
            if (f == null) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    stats.timeouts++;
                    throw new ReplyTimeoutException("no reply to " + Frame.typeName(type) + " #" + mySeq + " on "
                            + link.describe() + " within " + timeoutMillis + " ms");
                }
                int n;
                try {
                    n = link.read(readBuf, 0, readBuf.length, Math.min(left, 1000));
                } catch (IOException e) {
                    throw new LinkException("reading " + link.describe() + " failed: " + e.getMessage(), e);
                }
                if (n < 0) {
                    throw new LinkException("the agent closed " + link.describe());
                }
                stats.bytesReceived += n;
                codec.feed(readBuf, 0, n);
                continue;
            }
            stats.framesReceived++;
            if (f.type() == Frame.CRASH) {
                throw crash(f);
            }
            if (f.type() == Frame.NAK) {
                stats.naks++;
                if (++naks > MAX_NAK_RETRIES) {
                    throw new LinkException("the agent on " + link.describe() + " refused " + Frame.typeName(type)
                            + " " + naks + " times: " + nakText(f));
                }
                if (nakCode(f) != 1) {
                    throw new LinkException("the agent on " + link.describe() + " rejected " + Frame.typeName(type) + ": " + nakText(f));
                }
                stats.retransmits++;
                send(wire);
                continue;
            }
            if (f.seq() != mySeq) {
                stats.staleReplies++;
                continue;
            }
            if (f.type() != replyType) {
                throw new LinkException("the agent on " + link.describe() + " answered " + Frame.typeName(type)
                        + " with " + Frame.typeName(f.type()) + "; is it a Lockstep agent of this version?");
            }
            return f;
        }
    }

    private void send(byte[] wire) throws LinkException {
        try {
            link.write(wire, 0, wire.length);
        } catch (IOException e) {
            throw new LinkException("writing " + link.describe() + " failed: " + e.getMessage(), e);
        }
        stats.framesSent++;
        stats.bytesSent += wire.length;
    }

    private static AgentCrashedException crash(Frame f) {
        ByteBuffer b = ByteBuffer.wrap(f.payload()).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 10) {
            return new AgentCrashedException(-1, 0, "agent crashed (short CRASH frame)");
        }
        int op = b.getInt();
        int sig = b.getInt();
        return new AgentCrashedException(op, sig, string(b));
    }

    private static int nakCode(Frame f) {
        return f.payload().length >= 4 ? ByteBuffer.wrap(f.payload()).order(ByteOrder.LITTLE_ENDIAN).getInt() : 0;
    }

    private static String nakText(Frame f) {
        ByteBuffer b = ByteBuffer.wrap(f.payload()).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 6) {
            return "NAK";
        }
        int code = b.getInt();
        return "NAK " + code + " " + string(b);
    }

    static String string(ByteBuffer b) {
        if (b.remaining() < 2) {
            return "";
        }
        int n = Math.min(b.getShort() & 0xffff, b.remaining());
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    public LinkStats stats() { return stats; }

    public FrameCodec codec() { return codec; }

    public ByteLink link() { return link; }

    @Override
    public void close() throws IOException {
        link.close();
    }
}
