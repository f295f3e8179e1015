package dev.lockstep.bench.wire;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Payload encodings of docs/protocol.md. Decoders check every length before they read it and throw
 * WireFormatException, never an index error, on a short or inconsistent payload.
 */
public final class WireCodec {
    public static final int OP_ALLOC = 1;
    public static final int OP_FREE = 2;
    public static final int OP_MAP = 3;
    public static final int OP_UNMAP = 4;
    public static final int OP_IOVA_TO_PHYS = 5;

    private WireCodec() {
    }

    public static byte[] hello(int version) {
        return le(4).putInt(version).array();
    }

    public static byte[] batch(List<Op> ops) {
        ByteBuffer b = le(4 + ops.size() * 48);
        b.putInt(ops.size());
        for (Op op : ops) {
            if (op instanceof Op.Alloc a) {
                b.put((byte) OP_ALLOC).putInt(a.handle()).putInt(a.format()).putLong(a.quirks())
                        .putLong(a.pgsizeBitmap()).putInt(a.ias()).putInt(a.oas()).put((byte) (a.coherentWalk() ? 1 : 0));
            } else if (op instanceof Op.Free f) {
                b.put((byte) OP_FREE).putInt(f.handle());
            } else if (op instanceof Op.Map m) {
                b.put((byte) OP_MAP).putInt(m.handle()).putLong(m.iova()).putLong(m.paddr())
                        .putLong(m.pgsize()).putInt(m.pgcount()).putInt(m.prot().bits());
            } else if (op instanceof Op.Unmap u) {
                b.put((byte) OP_UNMAP).putInt(u.handle()).putLong(u.iova()).putLong(u.pgsize()).putInt(u.pgcount());
            } else if (op instanceof Op.IovaToPhys q) {
                b.put((byte) OP_IOVA_TO_PHYS).putInt(q.handle()).putLong(q.iova());
            }
        }
        byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    public static AgentInfo helloReply(byte[] p) throws WireFormatException {
        try {
            ByteBuffer b = wrap(p);
            int version = b.getInt();
            int caps = b.getInt();
            String driver = string(b);
            String build = string(b);
            long base = b.getLong();
            long size = b.getLong();
            int page = b.getInt();
            return new AgentInfo(version, caps, driver, build, base, size, page);
        } catch (BufferUnderflowException e) {
            throw new WireFormatException("HELLO_REPLY is too short (" + p.length + " bytes)");
        }
    }

    public static BatchReply batchReply(byte[] p, int expectedResults) throws WireFormatException {
        try {
            ByteBuffer b = wrap(p);
            int n = b.getInt();
            if (n != expectedResults) {
                throw new WireFormatException("BATCH_REPLY has " + n + " results for " + expectedResults + " operations");
            }
            List<OpResult> results = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int opcode = b.get() & 0xff;
                int nkv = b.get() & 0xff;
                int status = b.getInt();
                long v0 = b.getLong();
                b.getLong();
                int flushAll = b.getShort() & 0xffff;
                int flushWalk = b.getShort() & 0xffff;
                int addPage = b.getShort() & 0xffff;
                int warns = b.getShort() & 0xffff;
                Map<Integer, Long> kv = nkv == 0 ? Map.of() : new LinkedHashMap<>();
                for (int k = 0; k < nkv; k++) {
                    kv.put(b.get() & 0xff, b.getLong());
                }
                results.add(new OpResult(opcode, status, v0, flushAll, flushWalk, addPage, warns, kv));
            }
            int m = b.getInt();
            if (m < 0 || m > 1_000_000) {
                throw new WireFormatException("BATCH_REPLY claims " + m + " events");
            }
            List<AgentEvent> events = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                int op = b.getInt();
                int kind = b.get() & 0xff;
                events.add(new AgentEvent(op, AgentEvent.kindOf(kind), string(b)));
            }
            long driverNanos = b.remaining() >= 8 ? b.getLong() : -1;
            return new BatchReply(results, events, driverNanos);
        } catch (BufferUnderflowException e) {
            throw new WireFormatException("BATCH_REPLY is truncated (" + p.length + " bytes)");
        }
    }

    public static MemoryDelta memSyncReply(byte[] p) throws WireFormatException {
        try {
            ByteBuffer b = wrap(p);
            int n = b.getInt();
            if (n < 0 || n > p.length / 12) {
                throw new WireFormatException("MEM_SYNC_REPLY claims " + n + " blocks in " + p.length + " bytes");
            }
            List<MemoryDelta.Block> changed = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long pa = b.getLong();
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) {
                    throw new WireFormatException("MEM_SYNC_REPLY block at 0x" + Long.toHexString(pa) + " claims " + len + " bytes");
                }
                byte[] bytes = new byte[len];
                b.get(bytes);
                changed.add(new MemoryDelta.Block(pa, bytes));
            }
            int m = b.getInt();
            if (m < 0 || m > b.remaining() / 12) {
                throw new WireFormatException("MEM_SYNC_REPLY claims " + m + " freed blocks");
            }
            List<MemoryDelta.Freed> freed = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                freed.add(new MemoryDelta.Freed(b.getLong(), b.getInt()));
            }
            return new MemoryDelta(changed, freed);
        } catch (BufferUnderflowException e) {
            throw new WireFormatException("MEM_SYNC_REPLY is truncated (" + p.length + " bytes)");
        }
    }

    public static long resetReply(byte[] p) throws WireFormatException {
        if (p.length < 4) {
            throw new WireFormatException("RESET_REPLY is too short");
        }
        return wrap(p).getInt() & 0xffffffffL;
    }

    /** COVERAGE_REPLY (docs/protocol.md, "Coverage"): totals, the agent's image, the sites new since the last request. */
    public static CoverageReply coverageReply(byte[] p) throws WireFormatException {
        try {
            ByteBuffer b = wrap(p);
            long total = b.getInt() & 0xffffffffL;
            long hit = b.getInt() & 0xffffffffL;
            String image = string(b);
            int n = b.getInt();
            if (n < 0 || (long) n * 8 != b.remaining()) {
                throw new WireFormatException("COVERAGE_REPLY announces " + (n & 0xffffffffL) + " sites in " + b.remaining() + " bytes");
            }
            long[] fresh = new long[n];
            for (int i = 0; i < n; i++) {
                fresh[i] = b.getLong();
            }
            return new CoverageReply(total, hit, image, fresh);
        } catch (BufferUnderflowException e) {
            throw new WireFormatException("COVERAGE_REPLY is too short (" + p.length + " bytes)");
        }
    }

    /** The payload an agent sends as COVERAGE_REPLY (for tests and fake targets). */
    public static byte[] coverageReplyPayload(CoverageReply r) {
        byte[] img = r.image().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = le(4 + 4 + 2 + img.length + 4 + 8 * r.fresh().length);
        b.putInt((int) r.total()).putInt((int) r.hit()).putShort((short) img.length).put(img).putInt(r.fresh().length);
        for (long a : r.fresh()) {
            b.putLong(a);
        }
        return b.array();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer wrap(byte[] p) {
        return ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String string(ByteBuffer b) {
        int n = b.getShort() & 0xffff;
        if (n > b.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
