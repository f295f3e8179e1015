package dev.lockstep.bench.rtkit;

import dev.lockstep.bench.wire.AgentEvent;
import dev.lockstep.bench.wire.WireFormatException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Encodes RTKIT requests (frame 0x05) and decodes RTKIT_REPLY (0x85), little-endian, every length checked. */
public final class RtkitWire {
    public static final int RTKIT = 0x05;
    public static final int RTKIT_REPLY = 0x85;
    public static final int MAX_OPS = 4096;
    public static final int MAX_STRING = 63;
    public static final int MAX_WRITE = 1 << 20;
    /** The agent keeps at most 8192 records a frame; anything claiming more is damaged. */
    static final int MAX_RECORDS = 8192;

    private RtkitWire() {
    }

    public static byte[] encode(List<RtkitOp> ops) throws WireFormatException {
        if (ops.size() > MAX_OPS) {
            throw new WireFormatException("an RTKIT frame holds at most " + MAX_OPS + " operations, not " + ops.size());
        }
        int size = 4;
        for (RtkitOp op : ops) {
            size += 1 + 40 + (op instanceof RtkitOp.WriteMem w ? w.bytes().length : 0) + 2 * (MAX_STRING + 2);
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(ops.size());
        for (RtkitOp op : ops) {
            b.put((byte) op.opcode());
            if (op instanceof RtkitOp.Init i) {
                b.put((byte) i.flags());
                string(b, i.mboxName());
                b.putInt(i.mboxIdx());
                string(b, i.dtMboxName());
            } else if (op instanceof RtkitOp.Inject j) {
                b.putLong(j.msg0()).putLong(j.msg1());
            } else if (op instanceof RtkitOp.Step s) {
                b.putInt(s.max());
            } else if (op instanceof RtkitOp.Drain d) {
                b.putInt(d.max());
            } else if (op instanceof RtkitOp.Advance a) {
                if (a.ms() < 0 || a.ms() > (1L << 40)) {
                    throw new WireFormatException("ADVANCE takes 0..2^40 ms, not " + a.ms());
                }
                b.putLong(a.ms());
            } else if (op instanceof RtkitOp.Call c) {
                b.put((byte) c.slot()).put((byte) c.fn()).put((byte) c.ep()).putLong(c.msg()).putInt(c.timeoutMs())
                        .put((byte) (c.atomic() ? 1 : 0));
            } else if (op instanceof RtkitOp.Collect c) {
                b.put((byte) c.slot());
            } else if (op instanceof RtkitOp.WriteMem w) {
                if (w.bytes().length > MAX_WRITE) {
                    throw new WireFormatException("WRITE_MEM takes at most 1 MiB, not " + w.bytes().length + " bytes");
                }
                b.putLong(w.busAddress()).putInt(w.bytes().length).put(w.bytes());
            }
        }
        byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    private static void string(ByteBuffer b, String s) throws WireFormatException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING || s.indexOf('\0') >= 0) {
            throw new WireFormatException("an RTKIT string is at most 63 bytes without NUL: '" + s + "'");
        }
        b.putShort((short) bytes.length).put(bytes);
    }

    public static RtkitReply decode(byte[] p) throws WireFormatException {
        try {
            ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
            int n = count(b, MAX_OPS, 21, "results");
            List<RtkitReply.Result> results = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                results.add(new RtkitReply.Result(b.get() & 0xff, b.getInt(), b.getLong(), b.getLong()));
            }
            int r = count(b, MAX_RECORDS, 22, "records");
            List<RtkitReply.Record> records = new ArrayList<>(r);
            for (int i = 0; i < r; i++) {
                int op = b.getInt();
                int kind = b.get() & 0xff;
                int ep = b.get() & 0xff;
                long a = b.getLong();
                long v = b.getLong();
                RtkitReply.Kind k = RtkitReply.Kind.of(kind);
                if (k == null) {
                    throw new WireFormatException("RTKIT_REPLY record " + i + " has unknown kind " + kind);
                }
                if (op < 0 || op >= n) {
                    throw new WireFormatException("RTKIT_REPLY record " + i + " names operation " + op + " of " + n);
                }
                records.add(new RtkitReply.Record(op, k, ep, a, v));
            }
            int m = count(b, 1_000_000, 7, "events");
            List<AgentEvent> events = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                int op = b.getInt();
                int kind = b.get() & 0xff;
                int len = b.getShort() & 0xffff;
                if (len > b.remaining()) {
                    throw new WireFormatException("RTKIT_REPLY event " + i + " claims " + len + " bytes of text");
                }
                byte[] s = new byte[len];
                b.get(s);
                events.add(new AgentEvent(op, eventKind(kind), new String(s, StandardCharsets.UTF_8)));
            }
            if (b.hasRemaining()) {
                throw new WireFormatException("RTKIT_REPLY has " + b.remaining() + " bytes after its last event");
            }
            return new RtkitReply(results, records, events);
        } catch (BufferUnderflowException e) {
            throw new WireFormatException("RTKIT_REPLY is truncated (" + p.length + " bytes)");
        }
    }

    private static int count(ByteBuffer b, int max, int minEach, String what) throws WireFormatException {
        int n = b.getInt();
        if (n < 0 || n > max || (long) n * minEach > b.remaining()) {
            throw new WireFormatException("RTKIT_REPLY claims " + Integer.toUnsignedString(n) + " " + what + " in "
                    + b.remaining() + " bytes");
        }
        return n;
    }

    private static AgentEvent.Kind eventKind(int code) {
        return switch (code) {
            case 1 -> AgentEvent.Kind.WARN;
            case 2 -> AgentEvent.Kind.PRINTK;
            case 3 -> AgentEvent.Kind.BUG;
            case 4 -> AgentEvent.Kind.LEAK;
            default -> AgentEvent.Kind.UNKNOWN;
        };
    }
}
