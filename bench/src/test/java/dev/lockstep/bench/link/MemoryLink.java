package dev.lockstep.bench.link;

import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Test support: one end of an in-memory byte pipe pair, a link with no faults of its own. */
final class MemoryLink implements ByteLink {
    private final LinkedBlockingQueue<byte[]> in;
    private final LinkedBlockingQueue<byte[]> out;
    private final String name;
    private byte[] pending;
    private int pendingOff;
    private volatile boolean closed;

    private MemoryLink(LinkedBlockingQueue<byte[]> in, LinkedBlockingQueue<byte[]> out, String name) {
        this.in = in;
        this.out = out;
        this.name = name;
    }

    /** Two connected ends: what one writes the other reads. */
    static MemoryLink[] pair() {
        LinkedBlockingQueue<byte[]> a = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<byte[]> b = new LinkedBlockingQueue<>();
        return new MemoryLink[] {new MemoryLink(a, b, "memory-bench"), new MemoryLink(b, a, "memory-agent")};
    }

    /** Everything written to the other end so far, as one array. */
    static byte[] drain(MemoryLink end) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[1 << 16];
        int n;
        while ((n = end.read(b, 0, b.length, 0)) > 0) {
            all.write(b, 0, n);
        }
        return all.toByteArray();
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        byte[] c = new byte[length];
        System.arraycopy(bytes, offset, c, 0, length);
        out.add(c);
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutMillis) throws IOException {
        if (pending == null) {
            if (closed) {
                return -1;
            }
            try {
                pending = timeoutMillis <= 0 ? in.poll() : in.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            if (pending == null) {
                return 0;
            }
            pendingOff = 0;
        }
        int n = Math.min(length, pending.length - pendingOff);
        System.arraycopy(pending, pendingOff, buffer, offset, n);
        pendingOff += n;
        if (pendingOff == pending.length) {
            pending = null;
        }
        return n;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
        closed = true;
    }
}
