package dev.lockstep.bench.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The bench's side of the wire protocol: numbered requests, replies matched by sequence number,
 * stale and duplicate replies dropped. Several requests may be in flight ({@link #send}, then
 * {@link #receive} oldest first); the agent runs them in the order of their numbers.
 *
 * <p>A request is retransmitted, same bytes and sequence number, when the agent NAKs a damaged
 * frame, when a reply arrives damaged, and when an attempt goes unanswered (200 ms plus time for
 * the frames' size, doubling up to eight times that); with several in flight, every one still
 * unanswered is sent again, oldest first. The agent answers a retransmission of a request it has
 * run from its copy of the reply, and drops a request that arrives before an earlier one it never
 * got, so nothing runs twice or out of order (docs/protocol.md). Silence is only a
 * {@link ReplyTimeoutException} (a hang) once the caller's timeout has passed and the last
 * {@value #SILENT_ATTEMPTS} attempts heard nothing frame-like at all; a line that keeps damaging
 * frames is a {@link LinkException}, never a hang.
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
    /** Requests sent and not yet answered, oldest first. */
    private final ArrayDeque<Pending> outstanding = new ArrayDeque<>();
    /** Replies that came before the one asked for: a lost earlier reply is on its way again. */
    private final Map<Integer, Frame> early = new HashMap<>();

    private record Pending(int seq, int type, int replyType, byte[] wire) {}

    /** Requests held back by {@link #hold}, to go out in one write. */
    private java.io.ByteArrayOutputStream held;

    public ProtocolClient(ByteLink link) {
        this(link, BASE_ATTEMPT_MILLIS);
    }

    /** A client whose first attempt waits baseAttemptMillis (tests use short ones). */
    public ProtocolClient(ByteLink link, long baseAttemptMillis) {
        this.link = link;
        this.baseAttemptMillis = baseAttemptMillis;
    }

    /**
     * Sends a request and returns its reply. No other request may be in flight.
     *
     * @param timeoutMillis how long the agent may stay silent before it counts as hung
     */
    public Frame request(int type, byte[] payload, int replyType, long timeoutMillis)
            throws LinkException, ReplyTimeoutException, AgentCrashedException {
        if (!outstanding.isEmpty()) {
            throw new IllegalStateException("a request while " + outstanding.size() + " are in flight: receive them first");
        }
        return receive(send(type, payload, replyType), timeoutMillis);
    }

    /** Sends a request without waiting; returns its sequence number, for {@link #receive}. */
    public int send(int type, byte[] payload, int replyType) throws LinkException {
        int mySeq = ++seq;
        byte[] wire = FrameCodec.encode(new Frame(type, mySeq, payload));
        outstanding.addLast(new Pending(mySeq, type, replyType, wire));
        send(wire, true);
        return mySeq;
    }

    /** Requests sent and not yet received. */
    public int inFlight() {
        return outstanding.size();
    }

    /**
     * Holds the requests sent from now on until {@link #release}, which writes them in one go: every
     * write wakes the agent, and on a pseudo-terminal a write costs more than the frame in it.
     */
    public void hold() {
        if (held == null) {
            held = new java.io.ByteArrayOutputStream();
        }
    }

    /** Writes what was held, in one write. */
    public void release() throws LinkException {
        java.io.ByteArrayOutputStream h = held;
        held = null;
        if (h != null && h.size() > 0) {
            byte[] all = h.toByteArray();
            try {
                link.write(all, 0, all.length);
            } catch (IOException e) {
                throw new LinkException("writing " + link.describe() + " failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Waits for the reply to the oldest request in flight, which must be waitSeq.
     *
     * @param timeoutMillis how long the agent may stay silent before it counts as hung
     */
    public Frame receive(int waitSeq, long timeoutMillis) throws LinkException, ReplyTimeoutException, AgentCrashedException {
        Pending me = outstanding.peekFirst();
        if (me == null || me.seq() != waitSeq) {
            throw new IllegalStateException("replies are taken oldest first; #" + waitSeq + " is not the oldest in flight");
        }
        release();
        Frame ready = early.remove(waitSeq);
        if (ready != null) {
            return answered(ready);
        }
        int type = me.type();
        long first = System.nanoTime();
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
                Pending asked = pending(f.seq());
                if (f.type() == Frame.NAK && asked != null && nakCode(f) != 1) {
                    stats.naks++;
                    throw new LinkException("the agent on " + link.describe() + " rejected " + Frame.typeName(asked.type()) + ": " + nakText(f));
                }
                if (f.type() == Frame.NAK && (f.seq() == 0 || asked != null)) {
                    // The agent dropped a damaged (or out-of-order) frame: most likely one of ours.
                    stats.naks++;
                    damaged = resync(type, damaged);
                    damageSeen = codec.damaged();
                    attempt++;
                    continue;
                }
                if (asked == null || early.containsKey(f.seq())) {
                    if (f.seq() == lastAnswered || early.containsKey(f.seq())) {
                        stats.duplicates++;
                    } else {
                        stats.staleReplies++;
                    }
                    continue;
                }
                if (f.type() != asked.replyType()) {
                    throw new LinkException("the agent on " + link.describe() + " answered " + Frame.typeName(asked.type())
                            + " with " + Frame.typeName(f.type()) + "; is it a Lockstep agent of this version?");
                }
                if (f.seq() == waitSeq) {
                    return answered(f);
                }
                early.put(f.seq(), f);
                continue;
            }
            if (codec.damaged() != damageSeen) {
                // A frame from the agent arrived damaged: ask again rather than wait out the attempt.
                damageSeen = codec.damaged();
                heard = true;
                damaged = resync(type, damaged);
                attempt++;
                attemptStart = System.nanoTime();
                continue;
            }
            long now = System.nanoTime();
            long expiry = attemptStart + attemptMillis(unansweredBytes(), attempt) * 1_000_000L;
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
                    throw new ReplyTimeoutException("no reply to " + Frame.typeName(type) + " #" + waitSeq + " on "
                            + link.describe() + " within " + timeoutMillis + " ms (" + attempt + " retransmissions)");
                }
                retransmitUnanswered();
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

    private Frame answered(Frame f) {
        outstanding.removeFirst();
        lastAnswered = f.seq();
        return f;
    }

    /** The request in flight with this number, or null. */
    private Pending pending(int s) {
        for (Pending p : outstanding) {
            if (p.seq() == s) {
                return p;
            }
        }
        return null;
    }

    private int unansweredBytes() {
        int n = 0;
        for (Pending p : outstanding) {
            n += early.containsKey(p.seq()) ? 0 : p.wire().length;
        }
        return n;
    }

    /** The wait for one attempt: longer for big frames (a slow UART), doubling to eight times. */
    long attemptMillis(int frameBytes, int attempt) {
        return (baseAttemptMillis + frameBytes / 8) << Math.min(attempt, 3);
    }

    private int resync(int type, int damaged) throws LinkException {
        if (++damaged > MAX_DAMAGED) {
            throw new LinkException("the line to " + link.describe() + " damaged " + Frame.typeName(type) + " or its reply "
                    + damaged + " times in a row; check the cable, the baud rate and what else writes to it");
        }
        stats.resyncs++;
        retransmitUnanswered();
        return damaged;
    }

    /** Every request in flight whose reply has not come, oldest first: the agent runs them in order. */
    private void retransmitUnanswered() throws LinkException {
        for (Pending p : outstanding) {
            if (!early.containsKey(p.seq())) {
                stats.retransmits++;
                send(p.wire(), false);
            }
        }
    }

    /** Writes a frame, or holds a new request back while {@link #hold} is in force. */
    private void send(byte[] wire, boolean fresh) throws LinkException {
        if (fresh && held != null) {
            held.write(wire, 0, wire.length);
            stats.framesSent++;
            stats.bytesSent += wire.length;
            return;
        }
        release();
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
