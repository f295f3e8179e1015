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
        ByteBuffer b = le(4 + encodedSize(ops));
        b.putInt(ops.size());
        putOps(b, ops);
        return b.array();
    }

    /** STEP flags (docs/protocol.md, "STEP"). */
    public static final int STEP_RESET = 1;
    public static final int STEP_DELTA = 2;
    public static final int STEP_COVERAGE = 4;
    public static final int STEP_DELTA_AT = 8;
    /** The bench takes STRIDE records in the delta (agents with capability bit 5). */
    public static final int STEP_STRIDES = 16;
    /**
     * Expectations come with the operations (agents with capability bit 6): past the first answer
     * that is not the expected one, the agent runs only FREEs and answers the rest NOT_RUN.
     */
    public static final int STEP_EXPECT = 32;
    /**
     * Results without the second value and with only their non-zero counters, and event texts sent
     * once per session and then named by number (agents with capability bit 7).
     */
    public static final int STEP_COMPACT = 64;
    /** An expectation's status that asks for no check of its operation. */
    public static final int UNCHECKED = Integer.MIN_VALUE;
    /** A STRIDE record's words, at most: no table block is larger. */
    static final int MAX_STRIDE_BYTES = 1 << 20;

    /**
     * A STEP: flags, where the delta is taken when DELTA_AT says (after that many operations), then
     * the operations as in BATCH.
     */
    public static byte[] step(int flags, int deltaAt, List<Op> ops) {
        return step(flags, deltaAt, ops, null, null);
    }

    /**
     * A STEP with, when flags has STEP_EXPECT, each operation's expected status and value
     * (status {@link #UNCHECKED}: not checked).
     */
    public static byte[] step(int flags, int deltaAt, List<Op> ops, int[] expectStatus, long[] expectValue) {
        boolean at = (flags & STEP_DELTA_AT) != 0;
        boolean expect = (flags & STEP_EXPECT) != 0;
        ByteBuffer b = le((at ? 12 : 8) + (expect ? 4 + 13 * ops.size() : 0) + encodedSize(ops));
        b.putInt(flags);
        if (at) {
            b.putInt(deltaAt);
        }
        if (expect) {
            b.putInt(ops.size());
            for (int i = 0; i < ops.size(); i++) {
                boolean check = expectStatus[i] != UNCHECKED;
                b.put((byte) (check ? 1 : 0)).putInt(check ? expectStatus[i] : 0).putLong(check ? expectValue[i] : 0);
            }
        }
        b.putInt(ops.size());
        putOps(b, ops);
        return b.array();
    }

    /**
     * A BARE request: how many timed passes, whether to add a pass that times each call, and the
     * cases, each the operations of one case in the order the campaign sent them.
     */
    public static byte[] bare(int repeats, boolean latency, List<List<Op>> cases) {
        int size = 12;
        for (List<Op> c : cases) {
            size += 4 + encodedSize(c);
        }
        ByteBuffer b = le(size);
        b.putInt(repeats).putInt(latency ? 1 : 0).putInt(cases.size());
        for (List<Op> c : cases) {
            b.putInt(c.size());
            putOps(b, c);
        }
        return b.array();
    }

    /** Bytes the operations take on the wire. */
    public static int encodedSize(List<Op> ops) {
        int n = 0;
        for (Op op : ops) {
            n += encodedSize(op);
        }
        return n;
    }

    private static int encodedSize(Op op) {
        if (op instanceof Op.Map) {
            return 37;
        }
        if (op instanceof Op.Unmap) {
            return 25;
        }
        if (op instanceof Op.IovaToPhys) {
            return 13;
        }
        return op instanceof Op.Alloc ? 34 : 5;
    }

    private static void putOps(ByteBuffer b, List<Op> ops) {
        for (Op op : ops) {
            if (op instanceof Op.Map m) {
                b.put((byte) OP_MAP).putInt(m.handle()).putLong(m.iova()).putLong(m.paddr())
                        .putLong(m.pgsize()).putInt(m.pgcount()).putInt(m.prot().bits());
            } else if (op instanceof Op.Unmap u) {
                b.put((byte) OP_UNMAP).putInt(u.handle()).putLong(u.iova()).putLong(u.pgsize()).putInt(u.pgcount());
            } else if (op instanceof Op.IovaToPhys q) {
                b.put((byte) OP_IOVA_TO_PHYS).putInt(q.handle()).putLong(q.iova());
            } else if (op instanceof Op.Alloc a) {
                b.put((byte) OP_ALLOC).putInt(a.handle()).putInt(a.format()).putLong(a.quirks())
                        .putLong(a.pgsizeBitmap()).putInt(a.ias()).putInt(a.oas()).put((byte) (a.coherentWalk() ? 1 : 0));
            } else if (op instanceof Op.Free f) {
                b.put((byte) OP_FREE).putInt(f.handle());
            }
        }
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
            return batchReply(wrap(p), expectedResults, false, false, null);
        } catch (BufferUnderflowException e) {
            throw new WireFormatException("BATCH_REPLY is truncated (" + p.length + " bytes)");
        }
    }

    /** Results, events and the driver's time; with timeRequired, a reply without the time is short. */
    private static BatchReply batchReply(ByteBuffer b, int expectedResults, boolean timeRequired, boolean halting,
                                         List<String> texts) throws WireFormatException {
        boolean compact = texts != null;
        int n = b.getInt();
        if (n != expectedResults) {
            throw new WireFormatException("BATCH_REPLY has " + n + " results for " + expectedResults + " operations");
        }
        List<OpResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int opcode = b.get() & 0xff;
            if (opcode == 0xff) {
                if (!halting) {
                    throw new WireFormatException("BATCH_REPLY result " + i + " says NOT_RUN, but the request carried no expectations");
                }
                results.add(OpResult.NOT_RUN_RESULT);
                continue;
            }
            int nkv = b.get() & 0xff;
            int status = b.getInt();
            long v0 = b.getLong();
            int flushAll;
            int flushWalk;
            int addPage;
            int warns;
            if (compact) {
                // Only the counters that are not zero, in this order, as the mask's bits say.
                int mask = b.get() & 0xff;
                if (mask > 15) {
                    throw new WireFormatException("BATCH_REPLY result " + i + " has counter mask " + mask);
                }
                flushAll = (mask & 1) != 0 ? b.getShort() & 0xffff : 0;
                flushWalk = (mask & 2) != 0 ? b.getShort() & 0xffff : 0;
                addPage = (mask & 4) != 0 ? b.getShort() & 0xffff : 0;
                warns = (mask & 8) != 0 ? b.getShort() & 0xffff : 0;
            } else {
                b.getLong();
                flushAll = b.getShort() & 0xffff;
                flushWalk = b.getShort() & 0xffff;
                addPage = b.getShort() & 0xffff;
                warns = b.getShort() & 0xffff;
            }
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
        List<AgentEvent> events = m == 0 ? List.of() : new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            int op = b.getInt();
            int kind = b.get() & 0xff;
            events.add(new AgentEvent(op, AgentEvent.kindOf(kind), compact ? eventText(b, texts) : string(b)));
        }
        long driverNanos = timeRequired || b.remaining() >= 8 ? b.getLong() : -1;
        return new BatchReply(results, events, driverNanos);
    }

    /**
     * STEP_REPLY for a STEP with these flags and this many operations. Every table delta record is
     * checked against the agent's arena (arenaBase, arenaSize) before the bench believes it.
     */
    public static StepReply stepReply(byte[] p, int flags, int expectedResults, long arenaBase, long arenaSize)
            throws WireFormatException {
        return stepReply(p, flags, expectedResults, arenaBase, arenaSize, null);
    }

    /**
     * As above; with STEP_COMPACT in flags, texts holds the event texts the agent sent so far this
     * session (by number), and gains the ones this reply sends.
     */
    public static StepReply stepReply(byte[] p, int flags, int expectedResults, long arenaBase, long arenaSize,
                                      List<String> texts) throws WireFormatException {
        if ((flags & STEP_COMPACT) != 0 && texts == null) {
            throw new IllegalArgumentException("a COMPACT reply is read with the session's event texts");
        }
        try {
            ByteBuffer b = wrap(p);
            long leaks = (flags & STEP_RESET) != 0 ? b.getInt() & 0xffffffffL : -1;
            BatchReply batch = batchReply(b, expectedResults, true, (flags & STEP_EXPECT) != 0,
                    (flags & STEP_COMPACT) != 0 ? texts : null);
            TableDelta delta = (flags & STEP_DELTA) != 0 ? tableDelta(b, arenaBase, arenaSize) : TableDelta.empty();
            CoverageReply coverage = null;
            if ((flags & STEP_COVERAGE) != 0) {
                coverage = coverageReply(b);
            } else if (b.hasRemaining()) {
                throw new WireFormatException("STEP_REPLY has " + b.remaining() + " bytes after its last part");
            }
            return new StepReply(leaks, batch, delta, coverage);
        } catch (BufferUnderflowException e) {
            throw new WireFormatException("STEP_REPLY is truncated (" + p.length + " bytes)");
        }
    }

    /** A COMPACT event's text: a number the session knows, a new one with its text, or a text alone. */
    private static String eventText(ByteBuffer b, List<String> texts) throws WireFormatException {
        int id = b.getShort() & 0xffff;
        if (id == 0xffff) {
            return string(b);
        }
        if ((id & 0x8000) != 0) {
            if ((id & 0x7fff) != texts.size()) {
                throw new WireFormatException("BATCH_REPLY defines event text " + (id & 0x7fff) + " after " + texts.size()
                        + " of them: a reply of this session was missed");
            }
            String t = string(b);
            texts.add(t);
            return t;
        }
        if (id >= texts.size()) {
            throw new WireFormatException("BATCH_REPLY names event text " + id + " of the " + texts.size() + " this session sent");
        }
        return texts.get(id);
    }

    /** The wire's STRIDE record: u64 first word, u64 step, for length / 8 words. */
    private static final byte STRIDE = 5;

    private static TableDelta tableDelta(ByteBuffer b, long arenaBase, long arenaSize) throws WireFormatException {
        int n = b.getInt();
        if (n < 0 || n > b.remaining() / 13) {
            throw new WireFormatException("STEP_REPLY claims " + (n & 0xffffffffL) + " table records in " + b.remaining() + " bytes");
        }
        TableDelta.Builder out = new TableDelta.Builder(n, 0);
        for (int i = 0; i < n; i++) {
            byte kind = b.get();
            long pa = b.getLong();
            int len = b.getInt();
            if (kind != TableDelta.FREED && kind != TableDelta.FRESH && kind != TableDelta.WRITE && kind != STRIDE) {
                throw new WireFormatException("STEP_REPLY table record " + i + " has kind " + kind);
            }
            if (len <= 0 || (len & 7) != 0 || (pa & 7) != 0 || pa < arenaBase || pa - arenaBase > arenaSize - len) {
                throw new WireFormatException(String.format("STEP_REPLY table record %d (0x%x + %d bytes) is not whole words inside the arena", i, pa, len));
            }
            if (kind == STRIDE) {
                if (len > MAX_STRIDE_BYTES) {
                    throw new WireFormatException(String.format("STEP_REPLY stride at 0x%x claims %d bytes, more than a table", pa, len));
                }
                // Words that step evenly: the mirror and the judges see them as the WRITE they stand for.
                long value = b.getLong();
                long step = b.getLong();
                int words = len / 8;
                int at = out.beginWrite(pa, words);
                long[] w = out.wordsFor();
                for (int k = 0; k < words; k++, value += step) {
                    w[at + k] = value;
                }
                continue;
            }
            if (kind != TableDelta.WRITE) {
                out.add(kind, pa, len);
                continue;
            }
            if (len > b.remaining()) {
                throw new WireFormatException(String.format("STEP_REPLY write at 0x%x claims %d bytes, %d left", pa, len, b.remaining()));
            }
            int words = len / 8;
            int at = out.beginWrite(pa, words);
            long[] w = out.wordsFor();
            for (int k = 0; k < words; k++) {
                w[at + k] = b.getLong();
            }
        }
        int more = b.get() & 0xff;
        if (more > 1) {
            throw new WireFormatException("STEP_REPLY table delta ends with " + more + ", not 0 or 1");
        }
        return out.build(more == 1);
    }

    /** BARE_REPLY: the pass count and times, then per kind the single-call latency histogram. */
    public static BareReply bareReply(byte[] p) throws WireFormatException {
        try {
            ByteBuffer b = wrap(p);
            long ops = b.getInt() & 0xffffffffL;
            int repeats = b.getInt();
            if (repeats < 1 || repeats > 16) {
                throw new WireFormatException("BARE_REPLY claims " + repeats + " passes");
            }
            long[] nanos = new long[repeats];
            for (int i = 0; i < repeats; i++) {
                nanos[i] = b.getLong();
            }
            int kinds = b.getInt();
            if (kinds < 0 || kinds > 255) {
                throw new WireFormatException("BARE_REPLY claims " + kinds + " operation kinds");
            }
            Map<String, BareReply.Latency> latency = new LinkedHashMap<>();
            for (int k = 0; k < kinds; k++) {
                int opcode = b.get() & 0xff;
                long count = b.getLong();
                long sum = b.getLong();
                int nb = b.getInt();
                if (nb < 0 || nb > b.remaining() / 16) {
                    throw new WireFormatException("BARE_REPLY claims " + nb + " latency buckets");
                }
                long[] lower = new long[nb];
                long[] counts = new long[nb];
                for (int i = 0; i < nb; i++) {
                    lower[i] = b.getLong();
                    counts[i] = b.getLong();
                }
                if (count > 0) {
                    latency.put(kindName(opcode), new BareReply.Latency(count, sum, lower, counts));
                }
            }
            if (b.hasRemaining()) {
                throw new WireFormatException("BARE_REPLY has " + b.remaining() + " bytes after its last part");
            }
            return new BareReply(ops, nanos, latency);
        } catch (BufferUnderflowException e) {
            throw new WireFormatException("BARE_REPLY is truncated (" + p.length + " bytes)");
        }
    }

    /** The operation kind an opcode names, as {@link Op#kind()} spells it. */
    public static String kindName(int opcode) {
        return switch (opcode) {
            case OP_ALLOC -> "alloc";
            case OP_FREE -> "free";
            case OP_MAP -> "map";
            case OP_UNMAP -> "unmap";
            case OP_IOVA_TO_PHYS -> "iova_to_phys";
            default -> "opcode " + opcode;
        };
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
            return coverageReply(wrap(p));
        } catch (BufferUnderflowException e) {
            throw new WireFormatException("COVERAGE_REPLY is too short (" + p.length + " bytes)");
        }
    }

    /** A coverage reply that runs to the end of b. */
    private static CoverageReply coverageReply(ByteBuffer b) throws WireFormatException {
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
