package dev.lockstep.bench.m1n1;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How the bench puts bytes into the machine's RAM: through MEMWRITE and MEMSET over the proxy
 * link (any m1n1, {@link #overLink}), or straight into the shared file QEMU's RAM lives in
 * ({@link SharedGuestRam}). Tables are written here before the hardware walker is asked about them.
 */
public interface GuestMemory {

    /** Writes {@code data} at {@code addr}. */
    void write(long addr, byte[] data) throws IOException, M1n1Exception;

    /** Writes 64-bit little-endian words at {@code addr}, which is 8-byte aligned. */
    default void writeWords(long addr, long[] words) throws IOException, M1n1Exception {
        ByteBuffer b = ByteBuffer.allocate(8 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long w : words) {
            b.putLong(w);
        }
        write(addr, b.array());
    }

    /** Zeroes {@code bytes} bytes at {@code addr}; both are 8-byte aligned. */
    void zero(long addr, long bytes) throws IOException, M1n1Exception;

    /** What a person would call this memory in an error message. */
    String describe();

    /** Guest memory reached through the proxy link's MEMWRITE and MEMSET64 requests. */
    static GuestMemory overLink(M1n1Client client) {
        return new GuestMemory() {
            @Override
            public void write(long addr, byte[] data) throws IOException, M1n1Exception {
                client.memWrite(addr, data);
            }

            @Override
            public void zero(long addr, long bytes) throws IOException, M1n1Exception {
                if (bytes > 0) {
                    client.memset64(addr, 0, bytes);
                }
            }

            @Override
            public String describe() {
                return "MEMWRITE over " + client.describe();
            }
        };
    }
}
