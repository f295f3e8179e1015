package dev.lockstep.bench.link;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A link that damages frames on purpose, in both directions, so the bench can prove that a noisy
 * line loses nothing and raises no false alarm (--link-faults). Each frame (one write() towards the
 * agent; one frame split out of the byte stream from it) is independently corrupted (one bit
 * flipped), dropped, duplicated or stalled at the {@link LinkFaults} rates, from a seeded random
 * stream per direction, so a run's faults reproduce.
 *
 * <p>Bytes keep their order, like on a real serial line: a stalled frame holds up everything behind
 * it. Reordering would be a fault no UART makes, and the protocol's replay rule depends on order.
 *
 * <p>A disconnect (every N-th frame, both directions counted) is what a pty or a USB-serial cable
 * pulled and plugged back looks like to the bench: that frame and every byte in flight either way
 * are lost, and the line stays dead (all bytes from the agent discarded) until the bench writes
 * again, which is the reconnect. The underlying link is not really closed: a pty's slave reopened
 * would give the same bytes, and a board's port may not come back at all.
 *
 * <p>An injected kill ({@link #killAfterNextWrite}) runs right after the next frame towards the agent
 * has been written, so the agent dies with a request in hand, and from then on the line is severed:
 * reads see end of stream at once. A real pty's hangup reaches the reader in ways that differ between
 * kernels (EIO, silence until the watchdog, a reply that slipped out first); severing makes the
 * killed request always the one that goes unanswered, so a run with kills stays reproducible.
 */
public final class FaultyLink implements ByteLink {
    private static final byte[] MAGIC = {(byte) 0xA5, 0x4C, 0x4B, 0x53};
    private final ByteLink inner;
    private final LinkFaults faults;
    private final Random toAgent;
    private final Random fromAgent;
    private final ArrayDeque<Held> outgoing = new ArrayDeque<>();
    private final ArrayDeque<Held> incoming = new ArrayDeque<>();
    private byte[] split = new byte[1 << 16];
    private int splitLen;
    private final byte[] chunk = new byte[1 << 16];
    private int headOff;
    private long frames;
    private boolean down;
    private boolean eof;
    private long corrupted;
    private long dropped;
    private long duplicated;
    private long stalled;
    private long disconnects;
    private java.util.function.BooleanSupplier killHook;
    private boolean severed;

    /** Bytes on their way, not to be delivered before due (System.nanoTime). */
    private record Held(byte[] bytes, long due) {
    }

    public FaultyLink(ByteLink inner, LinkFaults faults) {
        this.inner = inner;
        this.faults = faults;
        this.toAgent = new Random(faults.seed());
        this.fromAgent = new Random(faults.seed() * 0x9E3779B97F4A7C15L + 1);
    }

    /** Each write is one frame: the protocol client writes whole frames. */
    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (severed) {
            throw new IOException("the agent was killed on purpose");
        }
        down = false;
        if (length <= 0) {
            return;
        }
        byte[] frame = new byte[length];
        System.arraycopy(bytes, offset, frame, 0, length);
        damage(frame, toAgent, outgoing);
        flushOutgoing();
        if (killHook != null) {
            // Whatever happened to the frame on the way, the agent dies now, with or without it.
            java.util.function.BooleanSupplier k = killHook;
            killHook = null;
            severed = k.getAsBoolean();
        }
    }

    /**
     * Runs kill right after the next frame is written towards the agent and, when it says it killed,
     * severs the line: the reply to that frame never arrives, whatever the agent sent before it died.
     */
    public void killAfterNextWrite(java.util.function.BooleanSupplier kill) {
        killHook = kill;
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            if (severed) {
                return -1;
            }
            flushOutgoing();
            long now = System.nanoTime();
            Held head = incoming.peek();
            if (head != null && head.due() <= now) {
                int n = Math.min(length, head.bytes().length - headOff);
                System.arraycopy(head.bytes(), headOff, buffer, offset, n);
                headOff += n;
                if (headOff == head.bytes().length) {
                    incoming.poll();
                    headOff = 0;
                }
                return n;
            }
            long wait = deadline - now;
            if (head != null) {
                wait = Math.min(wait, head.due() - now);
            }
            if (!outgoing.isEmpty()) {
                wait = Math.min(wait, outgoing.peek().due() - now);
            }
            if (eof && incoming.isEmpty() && outgoing.isEmpty()) {
                return -1;
            }
            if (deadline - now <= 0) {
                return 0;
            }
            long waitMillis = Math.max(1, (wait + 999_999) / 1_000_000L);
            if (eof) {
                sleep(waitMillis);
                continue;
            }
            int n = inner.read(chunk, 0, Math.min(length, chunk.length), waitMillis);
            if (n < 0) {
                eof = true;
            } else if (n > 0 && !down) {
                take(chunk, n);
            }
        }
    }

    /** Splits the agent's byte stream into frames, damages each, and queues everything in order. */
    private void take(byte[] b, int n) {
        if (splitLen + n > split.length) {
            byte[] bigger = new byte[Math.max(split.length * 2, splitLen + n)];
            System.arraycopy(split, 0, bigger, 0, splitLen);
            split = bigger;
        }
        System.arraycopy(b, 0, split, splitLen, n);
        splitLen += n;
        int pos = 0;
        while (!down) {
            int m = magic(pos);
            if (m < 0) {
                int keep = magicPrefixAtEnd(pos);
                pass(pos, splitLen - keep - pos);
                pos = splitLen - keep;
                break;
            }
            pass(pos, m - pos);
            pos = m;
            if (splitLen - pos < FrameCodec.HEADER) {
                break;
            }
            int version = split[pos + 4] & 0xff;
            long len = le32(pos + 12);
            if (version != FrameCodec.VERSION || len > FrameCodec.MAX_PAYLOAD) {
                pass(pos, 1);
                pos++;
                continue;
            }
            int total = FrameCodec.HEADER + (int) len + 4;
            if (splitLen - pos < total) {
                break;
            }
            byte[] frame = new byte[total];
            System.arraycopy(split, pos, frame, 0, total);
            pos += total;
            damage(frame, fromAgent, incoming);
        }
        if (down) {
            splitLen = 0;
            return;
        }
        System.arraycopy(split, pos, split, 0, splitLen - pos);
        splitLen -= pos;
    }

    /** Bytes outside frames (a console's noise) go through untouched. */
    private void pass(int from, int n) {
        if (n > 0) {
            byte[] b = new byte[n];
            System.arraycopy(split, from, b, 0, n);
            incoming.add(new Held(b, System.nanoTime()));
        }
    }

    /**
     * Decides one frame's fate. Every draw is made for every frame, so the decisions for frame k do
     * not depend on what happened to earlier frames: the same seed gives the same faults.
     */
    private void damage(byte[] frame, Random rnd, ArrayDeque<Held> queue) {
        double c = rnd.nextDouble();
        double d = rnd.nextDouble();
        double u = rnd.nextDouble();
        double s = rnd.nextDouble();
        int bit = rnd.nextInt(frame.length * 8);
        frames++;
        if (faults.disconnectEvery() > 0 && frames % faults.disconnectEvery() == 0) {
            disconnect();
            return;
        }
        if (d < faults.drop()) {
            dropped++;
            return;
        }
        if (c < faults.corrupt()) {
            frame[bit >>> 3] ^= (byte) (1 << (bit & 7));
            corrupted++;
        }
        long due = System.nanoTime();
        if (s < faults.stallRate() && faults.stallMillis() > 0) {
            due += faults.stallMillis() * 1_000_000L;
            stalled++;
        }
        queue.add(new Held(frame, due));
        if (u < faults.dup()) {
            queue.add(new Held(frame.clone(), due));
            duplicated++;
        }
    }

    private void disconnect() {
        outgoing.clear();
        incoming.clear();
        headOff = 0;
        splitLen = 0;
        down = true;
        disconnects++;
    }

    private void flushOutgoing() throws IOException {
        long now = System.nanoTime();
        while (!outgoing.isEmpty() && outgoing.peek().due() <= now) {
            byte[] b = outgoing.poll().bytes();
            inner.write(b, 0, b.length);
        }
    }

    private int magic(int from) {
        outer:
        for (int i = from; i + 4 <= splitLen; i++) {
            for (int k = 0; k < 4; k++) {
                if (split[i + k] != MAGIC[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** How many trailing bytes could be the start of a magic still arriving. */
    private int magicPrefixAtEnd(int from) {
        for (int k = Math.min(3, splitLen - from); k > 0; k--) {
            boolean match = true;
            for (int j = 0; j < k && match; j++) {
                match = split[splitLen - k + j] == MAGIC[j];
            }
            if (match) {
                return k;
            }
        }
        return 0;
    }

    private long le32(int at) {
        return (split[at] & 0xffL) | (split[at + 1] & 0xffL) << 8 | (split[at + 2] & 0xffL) << 16 | (split[at + 3] & 0xffL) << 24;
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** What was injected, for summary.json's health: injected faults next to the client's recoveries. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("injected_corrupt", corrupted);
        m.put("injected_drop", dropped);
        m.put("injected_dup", duplicated);
        m.put("injected_stall", stalled);
        m.put("injected_disconnect", disconnects);
        return m;
    }

    public LinkFaults faults() {
        return faults;
    }

    /** The line's own name: injected faults do not change what a person would call it. */
    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
