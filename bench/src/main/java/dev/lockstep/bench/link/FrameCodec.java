package dev.lockstep.bench.link;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Encodes frames and decodes a byte stream into frames, resynchronising on the magic after
 * garbage, a bad header or a bad CRC (docs/protocol.md). Bytes that belong to no frame are kept
 * as line noise, never taken for data.
 */
public final class FrameCodec {
    public static final int MAGIC = 0x534B4CA5;
    public static final int VERSION = 1;
    public static final int HEADER = 16;
    public static final int MAX_PAYLOAD = 16 << 20;
    private static final byte[] MAGIC_BYTES = {(byte) 0xA5, 0x4C, 0x4B, 0x53};

    private byte[] buf = new byte[1 << 16];
    private int start;
    private int end;
    private long crcErrors;
    private long badHeaders;
    private long truncated;
    private final ByteArrayOutputStream noise = new ByteArrayOutputStream();
    private long noiseBytes;

    public static byte[] encode(Frame f) {
        int n = f.payload().length;
        ByteBuffer b = ByteBuffer.allocate(HEADER + n + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).put((byte) VERSION).put((byte) f.type()).putShort((short) 0).putInt(f.seq()).putInt(n).put(f.payload());
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, HEADER + n);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Feeds bytes read from the link. */
    public void feed(byte[] data, int off, int len) {
        if (end + len > buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
            if (end + len > buf.length) {
                byte[] bigger = new byte[Math.max(buf.length * 2, end + len)];
                System.arraycopy(buf, 0, bigger, 0, end);
                buf = bigger;
            }
        }
        System.arraycopy(data, off, buf, end, len);
        end += len;
    }

    /** Decodes every complete frame fed so far. */
    public List<Frame> frames() {
        List<Frame> out = new ArrayList<>();
        Frame f;
        while ((f = next()) != null) {
            out.add(f);
        }
        return out;
    }

    /** The next complete frame, or null when more bytes are needed. */
    public Frame next() {
        while (true) {
            int m = findMagic();
            if (m < 0) {
                // Keep the last 3 bytes: they may be the start of a magic split across reads.
                int keep = Math.min(3, end - start);
                dropNoise(end - start - keep);
                return null;
            }
            dropNoise(m - start);
            if (end - start < HEADER) {
                return null;
            }
            ByteBuffer h = ByteBuffer.wrap(buf, start, HEADER).order(ByteOrder.LITTLE_ENDIAN);
            h.getInt();
            int version = h.get() & 0xff;
            int type = h.get() & 0xff;
            h.getShort();
            int seq = h.getInt();
            int len = h.getInt();
            if (version != VERSION || len < 0 || len > MAX_PAYLOAD) {
                badHeaders++;
                dropNoise(1);
                continue;
            }
            if (end - start < HEADER + len + 4) {
                return null;
            }
            CRC32 crc = new CRC32();
            crc.update(buf, start, HEADER + len);
            int want = ByteBuffer.wrap(buf, start + HEADER + len, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if ((int) crc.getValue() != want) {
                crcErrors++;
                dropNoise(1);
                continue;
            }
            byte[] payload = new byte[len];
            System.arraycopy(buf, start + HEADER, payload, 0, len);
            start += HEADER + len + 4;
            return new Frame(type, seq, payload);
        }
    }

    private int findMagic() {
        outer:
        for (int i = start; i + 4 <= end; i++) {
            for (int k = 0; k < 4; k++) {
                if (buf[i + k] != MAGIC_BYTES[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void dropNoise(int n) {
        if (n <= 0) {
            return;
        }
        noiseBytes += n;
        if (noise.size() < 4096) {
            noise.write(buf, start, Math.min(n, 4096 - noise.size()));
        }
        start += n;
    }

    /** True when the bytes held start a frame that has not fully arrived. */
    public boolean partial() {
        return end - start >= 4 && findMagic() == start;
    }

    /**
     * The line went quiet inside a frame: its header probably lied about the length (a flipped
     * bit). Gives up on that magic and rescans what followed it, as the agent does.
     */
    public void dropPartial() {
        if (partial()) {
            truncated++;
            dropNoise(1);
        }
    }

    /** Damage of any kind seen so far: frames dropped for a bad CRC, a bad header or a lying length. */
    public long damaged() {
        return crcErrors + badHeaders + truncated;
    }

    public long truncated() { return truncated; }

    public long crcErrors() { return crcErrors; }

    public long badHeaders() { return badHeaders; }

    public long noiseBytes() { return noiseBytes; }

    /** The first few KiB of bytes that were not part of any frame (a console sharing the line). */
    public String noiseSample() {
        return noise.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
