package dev.lockstep.bench.m1n1;

import dev.lockstep.bench.link.ByteLink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A client of the m1n1 proxy protocol (shared/spec/m1n1-proxy.md section 4) over any
 * {@link ByteLink}: real m1n1 on a serial or USB port, or the Lockstep QEMU agent.
 *
 * <p>Requests are 64-byte frames, replies 36-byte frames, both little-endian with a checksum.
 * While waiting for a reply the client scans for the frame magic ({@code FF 55 AA}); bytes that
 * are not part of a frame are console output and are kept in {@link #console()}. BOOT frames
 * (m1n1's startup and exception notices) are counted and skipped. A bad checksum, on a frame or on
 * bulk data, is never guessed around: it is a {@link M1n1ChecksumException}. {@link #resync()}
 * brings the link back in step by sending NOPs until one is answered.
 *
 * <p>Not thread-safe: one request at a time.
 */
public final class M1n1Client implements ProxyPort {
    public static final int NOP = 0x00AA55FF;
    public static final int PROXY = 0x01AA55FF;
    public static final int MEMREAD = 0x02AA55FF;
    public static final int MEMWRITE = 0x03AA55FF;
    public static final int BOOT = 0x04AA55FF;
    public static final int EVENT = 0x05AA55FF;

    public static final int ST_OK = 0;
    public static final int ST_BADCMD = -1;
    public static final int ST_INVAL = -2;
    public static final int ST_XFRERR = -3;
    public static final int ST_CSUMERR = -4;

    /** Proxy opcodes (m1n1 src/proxy.h) the Lockstep agent implements. */
    public static final long P_NOP = 0x000;
    public static final long P_GET_BASE = 0x004;
    public static final long P_SET_BAUD = 0x005;
    /** The word m1n1 repeats at the new rate after SET_BAUD, so the host can switch late (fact sheet 4.3). */
    public static final long BAUD_FILLER = 0x005aa5f0L;
    public static final int BOOTSTRAP_BAUD = 1_500_000;
    public static final long P_GET_EXC_COUNT = 0x008;
    public static final long P_WRITE64 = 0x100;
    public static final long P_WRITE32 = 0x101;
    public static final long P_READ64 = 0x104;
    public static final long P_READ32 = 0x105;
    public static final long P_MEMCPY64 = 0x200;
    public static final long P_MEMCPY8 = 0x203;
    public static final long P_MEMSET64 = 0x204;
    public static final long P_MEMSET8 = 0x207;

    static final int REQUEST_SIZE = 64;
    static final int REPLY_SIZE = 36;
    /** m1n1's host sends MEMWRITE data in chunks of this size. */
    private static final int WRITE_CHUNK = 8192;
    private static final int CONSOLE_LIMIT = 1 << 16;

    private final ByteLink link;
    private final long timeoutMillis;
    private final byte[] rx = new byte[1 << 16];
    private int rxPos;
    private int rxLen;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private int bootFrames;

    public M1n1Client(ByteLink link, long timeoutMillis) {
        this.link = Objects.requireNonNull(link, "link");
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeout must be positive: " + timeoutMillis);
        }
        this.timeoutMillis = timeoutMillis;
    }

    /** NOP: the liveness and feature probe. Returns the features the other end enabled. */
    public long nop(long features) throws IOException, M1n1Exception {
        ByteBuffer p = payload();
        p.putLong(features);
        Reply r = exchange(NOP, p);
        requireOk(r, "NOP");
        return r.payload.getLong(0);
    }

    /**
     * m1n1's UART bootstrap (fact sheet 4.3): a NOP at the current rate, then SET_BAUD(baud, 16,
     * filler); the link switches rate before the reply is read, and the filler words m1n1 sends at
     * the new rate are dropped as line noise. A reply that never comes is what a host that switched
     * too late sees, so, as m1n1's own host does, the new rate is assumed and a final NOP must
     * confirm it; anything else (an error status, a bad frame) is not guessed around.
     *
     * @return whether the link itself changed rate (false on a pty or socket, which have none)
     */
    public boolean bootstrapUart(int baud) throws IOException, M1n1Exception {
        nop(0);
        ByteBuffer p = payload();
        p.putLong(P_SET_BAUD).putLong(baud).putLong(16).putLong(BAUD_FILLER);
        sendRequest(PROXY, p);
        boolean switched = link.setBaud(baud);
        try {
            Reply r = readReply(PROXY);
            requireOk(r, "PROXY SET_BAUD");
            long status = r.payload.getLong(8);
            if (status != 0) {
                throw new M1n1Exception("SET_BAUD " + baud + " refused with status " + status + " on " + link.describe());
            }
        } catch (M1n1TimeoutException e) {
            // The switch raced the reply: the rate is assumed, and the NOP below proves it or fails.
        }
        nop(0);
        return switched;
    }

    /**
     * Brings the link back in step after a timeout or a checksum error: sends NOPs, reading and
     * discarding whatever else arrives, until one is answered with a good frame.
     */
    public void resync() throws IOException, M1n1Exception {
        M1n1Exception last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            // Whatever is still on its way (the reply to an abandoned request, an earlier NOP's
            // reply) must be gone before the NOP that proves the link is in step.
            drain(200);
            try {
                nop(0);
                return;
            } catch (M1n1Exception e) {
                last = e;
            }
        }
        throw new M1n1Exception("could not resync with " + link.describe() + " after 5 NOPs", last);
    }

    /** Reads and drops input until the line has been quiet for quietMillis. */
    private void drain(long quietMillis) throws IOException {
        rxPos = rxLen;
        byte[] junk = new byte[4096];
        while (link.read(junk, 0, junk.length, quietMillis) > 0) {
            // Dropped on purpose: nothing on the line now answers a request still to be sent.
        }
    }

    /** A PROXY call; the reply is returned whatever its proxy status. */
    @Override
    public ProxyReply proxy(long opcode, long... args) throws IOException, M1n1Exception {
        if (args.length > 6) {
            throw new IllegalArgumentException("a proxy call takes at most 6 arguments: " + args.length);
        }
        ByteBuffer p = payload();
        p.putLong(opcode);
        for (long a : args) {
            p.putLong(a);
        }
        Reply r = exchange(PROXY, p);
        requireOk(r, "PROXY 0x" + Long.toHexString(opcode));
        ProxyReply pr = new ProxyReply(r.payload.getLong(0), r.payload.getLong(8), r.payload.getLong(16));
        if (pr.opcode() != opcode) {
            throw new M1n1Exception("PROXY reply for opcode 0x" + Long.toHexString(pr.opcode())
                    + " to a request for 0x" + Long.toHexString(opcode) + " on " + link.describe());
        }
        return pr;
    }

    /** A PROXY call that must succeed: returns retval, or throws with the proxy status. */
    public long call(long opcode, long... args) throws IOException, M1n1Exception {
        ProxyReply r = proxy(opcode, args);
        if (!r.ok()) {
            throw new M1n1Exception("PROXY 0x" + Long.toHexString(opcode) + " failed with status " + r.status());
        }
        return r.retval();
    }

    public long read64(long addr) throws IOException, M1n1Exception {
        requireAligned(addr, 8);
        return call(P_READ64, addr);
    }

    public void write64(long addr, long value) throws IOException, M1n1Exception {
        requireAligned(addr, 8);
        call(P_WRITE64, addr, value);
    }

    public void memset64(long addr, long value, long bytes) throws IOException, M1n1Exception {
        requireAligned(addr | bytes, 8);
        call(P_MEMSET64, addr, value, bytes);
    }

    /** MEMREAD: {@code size} bytes from {@code addr}, checked against the data checksum. */
    public byte[] memRead(long addr, int size) throws IOException, M1n1Exception {
        if (size <= 0) {
            throw new IllegalArgumentException("MEMREAD size must be positive: " + size);
        }
        ByteBuffer p = payload();
        p.putLong(addr).putLong(size);
        Reply r = exchange(MEMREAD, p);
        requireOk(r, "MEMREAD of " + size + " bytes at 0x" + Long.toHexString(addr));
        int want = r.payload.getInt(0);
        byte[] data = new byte[size];
        readFully(data, 0, size, "MEMREAD data");
        int got = M1n1Checksum.of(data);
        if (got != want) {
            throw new M1n1ChecksumException(String.format(
                    "MEMREAD of %d bytes at 0x%x: data checksum 0x%08x, the reply announced 0x%08x on %s",
                    size, addr, got, want, link.describe()));
        }
        return data;
    }

    /** MEMWRITE: {@code data} to {@code addr}, with its data checksum. */
    public void memWrite(long addr, byte[] data) throws IOException, M1n1Exception {
        if (data.length == 0) {
            throw new IllegalArgumentException("MEMWRITE of nothing");
        }
        ByteBuffer p = payload();
        p.putLong(addr).putLong(data.length).putInt(M1n1Checksum.of(data));
        sendRequest(MEMWRITE, p);
        for (int off = 0; off < data.length; off += WRITE_CHUNK) {
            link.write(data, off, Math.min(WRITE_CHUNK, data.length - off));
        }
        Reply r = readReply(MEMWRITE);
        requireOk(r, "MEMWRITE of " + data.length + " bytes at 0x" + Long.toHexString(addr));
    }

    /**
     * Sends one byte that is not part of a frame. The other end's frame scanner drops it; the
     * Lockstep QEMU agent, asleep on an idle {@link Mailbox}, wakes on it.
     */
    public void wake() throws IOException {
        link.write(new byte[] {0}, 0, 1);
    }

    @Override
    public String describe() {
        return link.describe();
    }

    /** What arrived outside frames (the other end's console), as text. */
    public String console() {
        return console.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** How many BOOT frames (startup or exception notices) were skipped so far. */
    public int bootFrames() {
        return bootFrames;
    }

    /** Waits for the first BOOT frame (the agent's startup notice), as m1n1's host does. */
    public void awaitBoot() throws IOException, M1n1Exception {
        int before = bootFrames;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (bootFrames == before) {
            if (System.nanoTime() > deadline) {
                throw new M1n1Exception("no BOOT frame from " + link.describe() + " within " + timeoutMillis
                        + " ms; console: " + tail(console()));
            }
            Reply r = readFrame(deadline);
            if (r.type != BOOT) {
                throw new M1n1Exception("unexpected frame 0x" + Integer.toHexString(r.type) + " before BOOT");
            }
        }
    }

    // --- framing ---

    private static ByteBuffer payload() {
        return ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
    }

    private Reply exchange(int type, ByteBuffer payload) throws IOException, M1n1Exception {
        sendRequest(type, payload);
        return readReply(type);
    }

    private void sendRequest(int type, ByteBuffer payload) throws IOException {
        ByteBuffer f = ByteBuffer.allocate(REQUEST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        f.putInt(type).put(payload.array(), 0, 56);
        f.putInt(M1n1Checksum.of(f.array(), 0, 60));
        link.write(f.array(), 0, REQUEST_SIZE);
    }

    private Reply readReply(int type) throws IOException, M1n1Exception {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        for (;;) {
            Reply r = readFrame(deadline);
            if (r.type == BOOT && r.status == 0) {
                continue; // a startup or exception notice: counted in readFrame
            }
            if (r.type != type) {
                throw new M1n1Exception(String.format("expected a reply of type 0x%08x, got 0x%08x (status %d) on %s",
                        type, r.type, r.status, link.describe()));
            }
            return r;
        }
    }

    /** Scans for {@code FF 55 AA}, then reads and checks one 36-byte reply frame. */
    private Reply readFrame(long deadline) throws IOException, M1n1Exception {
        int window = 0;
        int seen = 0;
        for (;;) {
            int b = nextByte(deadline);
            window = (window >>> 8) | (b << 24);
            seen++;
            if (seen >= 4 && (window & 0xFFFFFF) == 0xAA55FF) {
                break;
            }
            if (seen >= 4) {
                noteConsole(window & 0xFF);
            }
        }
        byte[] f = new byte[REPLY_SIZE];
        ByteBuffer bb = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, window);
        readFully(f, 4, REPLY_SIZE - 4, "reply frame");
        int want = bb.getInt(32);
        int got = M1n1Checksum.of(f, 0, 32);
        if (want != got) {
            throw new M1n1ChecksumException(String.format(
                    "reply frame of type 0x%08x with checksum 0x%08x, computed 0x%08x on %s",
                    window, want, got, link.describe()));
        }
        Reply r = new Reply(window, bb.getInt(4),
                ByteBuffer.wrap(f, 8, 24).slice().order(ByteOrder.LITTLE_ENDIAN));
        if (r.type == BOOT) {
            bootFrames++;
            int reason = r.payload.getInt(0);
            if (reason != 0) {
                throw new M1n1Exception(String.format(
                        "the agent on %s took an exception: reason %d code %d info 0x%x (ESR), 0x%x (FAR)",
                        link.describe(), reason, r.payload.getInt(4), r.payload.getLong(8), r.payload.getLong(16)));
            }
        }
        return r;
    }

    private void noteConsole(int b) {
        if (console.size() < CONSOLE_LIMIT) {
            console.write(b);
        }
    }

    private int nextByte(long deadline) throws IOException, M1n1Exception {
        if (rxPos == rxLen) {
            fill(deadline);
        }
        return rx[rxPos++] & 0xFF;
    }

    private void fill(long deadline) throws IOException, M1n1Exception {
        for (;;) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new M1n1TimeoutException("no reply from " + link.describe() + " within " + timeoutMillis + " ms");
            }
            int n = link.read(rx, 0, rx.length, left);
            if (n < 0) {
                throw new M1n1Exception(link.describe() + " closed; console: " + tail(console()));
            }
            if (n > 0) {
                rxPos = 0;
                rxLen = n;
                return;
            }
        }
    }

    private void readFully(byte[] dst, int off, int len, String what) throws IOException, M1n1Exception {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        int done = 0;
        while (done < len) {
            if (rxPos == rxLen) {
                try {
                    fill(deadline);
                } catch (M1n1Exception e) {
                    throw new M1n1Exception("short " + what + ": " + done + " of " + len + " bytes; " + e.getMessage(), e);
                }
            }
            int n = Math.min(len - done, rxLen - rxPos);
            System.arraycopy(rx, rxPos, dst, off + done, n);
            rxPos += n;
            done += n;
        }
    }

    private void requireOk(Reply r, String what) throws M1n1Exception {
        if (r.status == ST_CSUMERR) {
            throw new M1n1ChecksumException(what + ": the other end saw a bad request checksum (CSUMERR)");
        }
        if (r.status != ST_OK) {
            throw new M1n1Exception(what + " failed with status " + statusName(r.status) + " on " + link.describe());
        }
    }

    static String statusName(int status) {
        return switch (status) {
            case ST_OK -> "OK";
            case ST_BADCMD -> "BADCMD";
            case ST_INVAL -> "INVAL";
            case ST_XFRERR -> "XFRERR";
            case ST_CSUMERR -> "CSUMERR";
            default -> Integer.toString(status);
        };
    }

    private static void requireAligned(long addr, int align) {
        if ((addr & (align - 1)) != 0) {
            throw new IllegalArgumentException("unaligned " + (8 * align) + "-bit access at 0x" + Long.toHexString(addr));
        }
    }

    private static String tail(String s) {
        return s.length() <= 400 ? s : "..." + s.substring(s.length() - 400);
    }

    private record Reply(int type, int status, ByteBuffer payload) {
    }
}
