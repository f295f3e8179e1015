package dev.lockstep.bench.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A link over a pair of streams (an agent's stdin/stdout, or pipes in tests). A reader thread turns
 * the blocking InputStream into reads with a timeout.
 */
public final class StreamLink implements ByteLink {
    private static final byte[] EOF = new byte[0];
    private final OutputStream out;
    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(1024);
    private final String name;
    private byte[] pending;
    private int pendingOff;
    private volatile boolean eof;

    public StreamLink(InputStream in, OutputStream out, String name) {
        this.out = out;
        this.name = name;
        Thread t = new Thread(() -> pump(in), "link-reader-" + name);
        t.setDaemon(true);
        t.start();
    }

    private void pump(InputStream in) {
        byte[] b = new byte[1 << 16];
        try {
            int n;
            while ((n = in.read(b)) > 0) {
                byte[] c = new byte[n];
                System.arraycopy(b, 0, c, 0, n);
                chunks.put(c);
            }
        } catch (IOException | InterruptedException e) {
            // The other end went away: report it as end of stream.
        }
        try {
            chunks.put(EOF);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        out.flush();
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutMillis) throws IOException {
        if (pending == null) {
            if (eof) {
                return -1;
            }
            try {
                pending = chunks.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading " + name);
            }
            if (pending == null) {
                return 0;
            }
            if (pending == EOF) {
                pending = null;
                eof = true;
                return -1;
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
    public void close() throws IOException {
        out.close();
    }
}
