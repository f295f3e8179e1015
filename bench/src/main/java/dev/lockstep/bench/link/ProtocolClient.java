package dev.lockstep.bench.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The bench's side of the wire protocol: numbered requests, replies matched by sequence number,
 * stale and duplicate replies dropped. One request in flight at a time.
 *
 * <p>A request is retransmitted, same bytes and sequence number, when the agent NAKs a damaged
 * frame, when a reply arrives damaged, and when an attempt goes unanswered (200 ms plus time for
 * the frame's size, doubling up to eight times that). The agent answers a retransmission of the
 * request it last answered from its copy of the reply, so nothing runs twice (docs/protocol.md).
 * Silence is only a {@link ReplyTimeoutException} (a hang) once the caller's timeout has passed
 * and the last {@value #SILENT_ATTEMPTS} attempts heard nothing frame-like at all; a line that
 * keeps damaging frames is a {@link LinkException}, never a hang.
 */
public final class ProtocolClient implements AutoCloseable {
    /** First wait for a reply to a small frame before retransmitting. */
    public static final long BASE_ATTEMPT_MILLIS = 200;
    /** Attempts in a row that heard nothing before silence counts as a hang. */
    static final int SILENT_ATTEMPTS = 3;
    /** Damaged exchanges for one request before the line counts as unusable. */
    static final int MAX_DAMAGED = 32;
    private final ByteLink link;
    private final long baseAttemptMillis;
    private final FrameCodec codec = new FrameCodec();
    private final LinkStats stats = new LinkStats();
    private final byte[] readBuf = new byte[1 << 16];
    private int seq;
    private int lastAnswered;

    public ProtocolClient(ByteLink link) {
        this(link, BASE_ATTEMPT_MILLIS);
    }

    /** A client whose first attempt waits baseAttemptMillis (tests use short ones). */
    public ProtocolClient(ByteLink link, long baseAttemptMillis) {
        this.link = link;
        this.baseAttemptMillis = baseAttemptMillis;
    }

    /**
     * Sends a request and returns its reply.
     *
     * @param timeoutMillis how long the agent may stay silent before it counts as hung
     */
    public Frame request(int type, byte[] payload, int replyType, long timeoutMillis)
            throws LinkException, ReplyTimeoutException, AgentCrashedException {
        int mySeq = ++seq;
        byte[] wire = FrameCodec.encode(new Frame(type, mySeq, payload));
        long first = System.nanoTime();
        send(wire);
        int attempt = 0;
        int silent = 0;
        int damaged = 0;
        boolean heard = false;
        long attemptStart = first;
        long damageSeen = codec.damaged();
        while (true) {
            Frame f = codec.next();
            if (f != null) {
                stats.framesReceived++;
                heard = true;
                attemptStart = System.nanoTime();
                if (f.type() == Frame.CRASH) {
                    throw crash(f);
                }
                if (f.type() == Frame.NAK && f.seq() == mySeq && nakCode(f) != 1) {
                    stats.naks++;
                    throw new LinkException("the agent on " + link.describe() + " rejected " + Frame.typeName(type) + ": " + nakText(f));
                }
                if (f.type() == Frame.NAK && (f.seq() == 0 || f.seq() == mySeq)) {
                    // The agent dropped a damaged frame: most likely this request.
                    stats.naks++;
                    damaged = resync(wire, type, damaged);
                    damageSeen = codec.damaged();
                    attempt++;
                    continue;
                }
                if (f.seq() != mySeq) {
                    if (f.seq() == lastAnswered) {
                        stats.duplicates++;
                    } else {
                        stats.staleReplies++;
                    }
                    continue;
                }
                if (f.type() != replyType) {
                    throw new LinkException("the agent on " + link.describe() + " answered " + Frame.typeName(type)
                            + " with " + Frame.typeName(f.type()) + "; is it a Lockstep agent of this version?");
                }
                lastAnswered = mySeq;
                return f;
            }
            if (codec.damaged() != damageSeen) {
                // A frame from the agent arrived damaged: ask again rather than wait out the attempt.
                damageSeen = codec.damaged();
                heard = true;
                damaged = resync(wire, type, damaged);
                attempt++;
                attemptStart = System.nanoTime();
                continue;
            }
            long now = System.nanoTime();
            long expiry = attemptStart + attemptMillis(wire.length, attempt) * 1_000_000L;
            if (now >= expiry) {
                stats.timeouts++;
                if (codec.partial()) {
                    // A header whose length was damaged waits for bytes that never come.
                    codec.dropPartial();
                    damageSeen = codec.damaged();
                    heard = true;
                    stats.resyncs++;
                }
                silent = heard ? 0 : silent + 1;
                heard = false;
                if (silent >= SILENT_ATTEMPTS && now - first >= timeoutMillis * 1_000_000L) {
                    stats.unanswered++;
                    throw new ReplyTimeoutException("no reply to " + Frame.typeName(type) + " #" + mySeq + " on "
                            + link.describe() + " within " + timeoutMillis + " ms (" + attempt + " retransmissions)");
                }
                retransmit(wire);
                attempt++;
                attemptStart = System.nanoTime();
                continue;
            }
            int n;
            try {
                n = link.read(readBuf, 0, readBuf.length, Math.max(1, Math.min((expiry - now) / 1_000_000L, 1000)));
            } catch (IOException e) {
                throw new LinkException("reading " + link.describe() + " failed: " + e.getMessage(), e);
            }
            if (n < 0) {
                throw new LinkException("the agent closed " + link.describe());
            }
            if (n > 0) {
                stats.bytesReceived += n;
                codec.feed(readBuf, 0, n);
                if (codec.partial()) {
                    // A frame is streaming in (a big reply on a slow line): that is not silence.
                    heard = true;
                    attemptStart = System.nanoTime();
                }
            }
        }
    }

    /** The wait for one attempt: longer for big frames (a slow UART), doubling to eight times. */
    long attemptMillis(int frameBytes, int attempt) {
        return (baseAttemptMillis + frameBytes / 8) << Math.min(attempt, 3);
    }

    private int resync(byte[] wire, int type, int damaged) throws LinkException {
        if (++damaged > MAX_DAMAGED) {
            throw new LinkException("the line to " + link.describe() + " damaged " + Frame.typeName(type) + " or its reply "
                    + damaged + " times in a row; check the cable, the baud rate and what else writes to it");
        }
        stats.resyncs++;
        retransmit(wire);
        return damaged;
    }

    private void retransmit(byte[] wire) throws LinkException {
        stats.retransmits++;
        send(wire);
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
