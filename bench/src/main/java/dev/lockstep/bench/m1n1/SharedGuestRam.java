package dev.lockstep.bench.m1n1;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * QEMU's guest RAM as the bench sees it: the file behind {@code -object
 * memory-backend-file,share=on}, mapped into the JVM, so a table write is a store into memory the
 * guest reads, with no link in between. Guest physical address {@code RAM_BASE + n} is byte
 * {@code n} of the file. The file is mapped in windows on first touch (a {@code MappedByteBuffer}
 * holds at most 2 GiB) and unmapped on {@link #close()}.
 *
 * <p>Word accesses are little-endian and 8-byte aligned; {@link #getVolatile}/{@link #setVolatile}
 * order them against the guest's for the {@link Mailbox}.
 */
public final class SharedGuestRam implements GuestMemory, AutoCloseable {
    /** Where QEMU's virt machine puts RAM. */
    public static final long RAM_BASE = 0x4000_0000L;
    private static final int WINDOW_SHIFT = 28; // 256 MiB
    private static final long WINDOW = 1L << WINDOW_SHIFT;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final FileChannel channel;
    private final long size;
    private final String name;
    private final Map<Long, MappedByteBuffer> windows = new HashMap<>();

    private SharedGuestRam(FileChannel channel, long size, String name) {
        this.channel = channel;
        this.size = size;
        this.name = name;
    }

    /** Maps the RAM file at {@code path}, {@code size} bytes of guest RAM from {@link #RAM_BASE}. */
    public static SharedGuestRam open(Path path, long size) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (ch.size() < size) {
            ch.close();
            throw new IOException("the guest RAM file " + path + " holds " + ch.size() + " bytes, not " + size);
        }
        return new SharedGuestRam(ch, size, "shared guest RAM " + path);
    }

    public long size() {
        return size;
    }

    @Override
    public void write(long addr, byte[] data) {
        long off = offset(addr, data.length);
        int done = 0;
        while (done < data.length) {
            MappedByteBuffer w = window(off + done);
            int at = (int) ((off + done) & (WINDOW - 1));
            int n = (int) Math.min(data.length - done, WINDOW - at);
            w.put(at, data, done, n);
            done += n;
        }
    }

    @Override
    public void writeWords(long addr, long[] words) {
        requireAligned(addr);
        long off = offset(addr, 8L * words.length);
        for (int i = 0; i < words.length; i++) {
            long o = off + 8L * i;
            window(o).putLong((int) (o & (WINDOW - 1)), words[i]);
        }
    }

    @Override
    public void zero(long addr, long bytes) {
        long off = offset(addr, bytes);
        byte[] zeros = new byte[(int) Math.min(bytes, 1 << 16)];
        long done = 0;
        while (done < bytes) {
            MappedByteBuffer w = window(off + done);
            int at = (int) ((off + done) & (WINDOW - 1));
            int n = (int) Math.min(Math.min(bytes - done, WINDOW - at), zeros.length);
            w.put(at, zeros, 0, n);
            done += n;
        }
    }

    public long readLong(long addr) {
        requireAligned(addr);
        long off = offset(addr, 8);
        return window(off).getLong((int) (off & (WINDOW - 1)));
    }

    /** A word read that no later read or write of this thread moves before. */
    public long getVolatile(long addr) {
        requireAligned(addr);
        long off = offset(addr, 8);
        return (long) LONGS.getVolatile(window(off), (int) (off & (WINDOW - 1)));
    }

    /** A word write that no earlier read or write of this thread moves after. */
    public void setVolatile(long addr, long value) {
        requireAligned(addr);
        long off = offset(addr, 8);
        LONGS.setVolatile(window(off), (int) (off & (WINDOW - 1)), value);
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
        for (MappedByteBuffer b : windows.values()) {
            unmap(b);
        }
        windows.clear();
        try {
            channel.close();
        } catch (IOException ignored) {
            // the mapping is gone either way
        }
    }

    private long offset(long addr, long length) {
        long off = addr - RAM_BASE;
        if (addr < RAM_BASE || length < 0 || off > size - length) {
            throw new IllegalArgumentException(String.format("[0x%x, +0x%x) is not in guest RAM [0x%x, 0x%x)",
                    addr, length, RAM_BASE, RAM_BASE + size));
        }
        return off;
    }

    private MappedByteBuffer window(long off) {
        long key = off >>> WINDOW_SHIFT;
        MappedByteBuffer w = windows.get(key);
        if (w == null) {
            long start = key << WINDOW_SHIFT;
            try {
                w = channel.map(FileChannel.MapMode.READ_WRITE, start, Math.min(WINDOW, size - start));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot map " + name + " at offset 0x" + Long.toHexString(start), e);
            }
            w.order(ByteOrder.LITTLE_ENDIAN);
            windows.put(key, w);
        }
        return w;
    }

    private static void requireAligned(long addr) {
        if ((addr & 7) != 0) {
            throw new IllegalArgumentException("unaligned 64-bit access at 0x" + Long.toHexString(addr));
        }
    }

    /**
     * Unmaps now rather than at some later collection: a campaign starts QEMU more than once, and
     * each RAM file's pages are only given back when both QEMU and the bench let go of them.
     */
    private static void unmap(MappedByteBuffer b) {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            java.lang.reflect.Field f = unsafeClass.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            unsafeClass.getMethod("invokeCleaner", java.nio.ByteBuffer.class).invoke(unsafe, b);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Left to the garbage collector.
        }
    }
}
