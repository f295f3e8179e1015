package dev.lockstep.bench.m1n1;

import dev.lockstep.bench.link.ByteLink;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;

/** A scripted peer: replies queued in advance, requests recorded. */
final class FakeLink implements ByteLink {
    final ArrayDeque<Byte> incoming = new ArrayDeque<>();
    final ByteArrayOutputStream written = new ByteArrayOutputStream();

    static byte[] request(int type, byte[] payload56) {
        ByteBuffer f = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        f.putInt(type).put(payload56, 0, 56);
        f.putInt(M1n1Checksum.of(f.array(), 0, 60));
        return f.array();
    }

    static byte[] reply(int type, int status, byte[] payload24) {
        ByteBuffer f = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        f.putInt(type).putInt(status).put(payload24, 0, 24);
        f.putInt(M1n1Checksum.of(f.array(), 0, 32));
        return f.array();
    }

    FakeLink queue(byte[] bytes) {
        for (byte b : bytes) {
            incoming.add(b);
        }
        return this;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        written.write(bytes, offset, length);
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutMillis) {
        int n = 0;
        // Hand out at most 7 bytes a time, so frames arrive split across reads.
        while (n < Math.min(length, 7) && !incoming.isEmpty()) {
            buffer[offset + n++] = incoming.poll();
        }
        return n;
    }

    @Override
    public String describe() {
        return "fake link";
    }

    @Override
    public void close() {
    }
}
