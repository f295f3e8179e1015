package dev.lockstep.bench.target;

import dev.lockstep.bench.m1n1.HardwareWalker;
import dev.lockstep.bench.m1n1.ParComparison;
import dev.lockstep.bench.wire.AgentInfo;
import dev.lockstep.bench.wire.BatchReply;
import dev.lockstep.bench.wire.MemoryDelta;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.OpResult;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.IoPgtableModel;
import dev.lockstep.models.iopgtable.MapOutcome;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.WalkConfig;
import dev.lockstep.reports.TargetInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code --target qemu}: the model plays the driver and the architecture judges it. Each operation
 * runs on the io-pgtable contract model; the tables its state needs are written by the model's own
 * encoder ({@link ModelTables}) into the memory the monitor reads, and from there into the RAM of a
 * QEMU machine, whose hardware walker (through the scoreboard's QEMU judge) translates every
 * address the scoreboard probes. Depths 1 and 2 agree by construction; what this target finds is
 * where the model's encoding, its walker or its reading of the contract disagree with an ARMv8
 * CPU. Only the VMSA formats: QEMU walks nothing else.
 */
public final class QemuTarget implements Target {
    /** Where the model's tables go in guest RAM: one 16 MiB region per handle from here. */
    public static final long TABLE_BASE = 0x6000_0000L;
    public static final long REGION = 16L << 20;
    public static final int HANDLES = 16;
    /** The attributes the model target publishes: every memory type the contract can ask for. */
    static final long MAIR = 0x44L | 0xFFL << 8 | 0x04L << 16 | 0x00L << 24 | 0x08L << 32 | 0x0CL << 40;
    private static final int[] IPS_BITS = {32, 36, 40, 42, 44, 48};

    private final HardwareWalker walker;
    private final ContractOptions options;
    private final Map<Integer, Table> handles = new TreeMap<>();
    /** What the monitor was last sent, to send only what changed. */
    private Map<Long, long[]> synced = new TreeMap<>();
    private long operations;

    private record Table(IoPgtableModel model, WalkConfig walk) {
    }

    public QemuTarget(HardwareWalker walker, ContractOptions options) {
        this.walker = walker;
        this.options = options;
    }

    /** The RAM the machine needs: every handle's region. */
    public static long ramTop() {
        return TABLE_BASE + HANDLES * REGION;
    }

    @Override
    public AgentInfo info() {
        return new AgentInfo(1, AgentInfo.CAP_IOPGTABLE, "model-built tables (Lockstep's io-pgtable model and encoder)",
                walker.describe(), TABLE_BASE, HANDLES * REGION, 4096);
    }

    @Override
    public TargetInfo describe() {
        return new TargetInfo("qemu", info().driverVersion(), walker.describe(), "QEMU's PL011 and shared RAM");
    }

    @Override
    public BatchReply execute(List<Op> ops) {
        long t0 = System.nanoTime();
        List<OpResult> results = new ArrayList<>(ops.size());
        for (Op op : ops) {
            results.add(run(op));
            operations++;
        }
        return new BatchReply(results, List.of(), System.nanoTime() - t0);
    }

    private OpResult run(Op op) {
        if (op instanceof Op.Alloc a) {
            return alloc(a);
        }
        Table t = handles.get(op.handle());
        if (t == null) {
            return result(op, OpResult.BENCH_ERROR, 0, Map.of());
        }
        if (op instanceof Op.Free) {
            handles.remove(op.handle());
            return result(op, 0, 0, Map.of());
        }
        if (op instanceof Op.Map m) {
            MapOutcome o = t.model().map(m.iova(), m.paddr(), m.pgsize(), m.pgcount(), m.prot());
            return result(op, o.status(), o.mappedBytes(), Map.of());
        }
        if (op instanceof Op.Unmap u) {
            return result(op, 0, t.model().unmap(u.iova(), u.pgsize(), u.pgcount()).unmappedBytes(), Map.of());
        }
        return result(op, 0, t.model().iovaToPhys(((Op.IovaToPhys) op).iova()), Map.of());
    }

    private OpResult alloc(Op.Alloc a) {
        Optional<PgtableFormat> fmt = Arrays.stream(PgtableFormat.values()).filter(f -> f.wireCode() == a.format()).findFirst();
        Optional<Granule> g = Granule.ofSize(Long.lowestOneBit(a.pgsizeBitmap()));
        if (handles.containsKey(a.handle()) || a.handle() < 0 || a.handle() >= HANDLES || fmt.isEmpty() || g.isEmpty()
                || fmt.get() == PgtableFormat.APPLE_DART || fmt.get() == PgtableFormat.APPLE_DART2) {
            return result(a, OpResult.BENCH_ERROR, 0, Map.of());
        }
        PgtableConfig cfg;
        try {
            cfg = new PgtableConfig(fmt.get(), g.get(), a.ias(), a.oas(), a.quirks(), a.coherentWalk());
        } catch (IllegalArgumentException e) {
            return result(a, -22, 0, Map.of()); // -EINVAL, as alloc_io_pgtable_ops refuses a bad cfg
        }
        long root = TABLE_BASE + a.handle() * REGION;
        int ips = 0;
        while (IPS_BITS[ips] < cfg.oas()) {
            ips++;
        }
        Map<Integer, Long> kv = new LinkedHashMap<>();
        int tg = switch (cfg.granule()) {
            case G4K -> 0;
            case G64K -> 1;
            case G16K -> 2;
        };
        WalkConfig walk;
        if (cfg.format().stage2()) {
            walk = stage2(cfg, IPS_BITS[ips], root);
            kv.put(9, root);
            kv.put(10, (long) ips);
            kv.put(11, (long) tg);
            kv.put(12, 3L);
            kv.put(13, 1L);
            kv.put(14, 1L);
            kv.put(15, (long) ((cfg.granule() == Granule.G4K ? 2 : 3) - walk.startLevel()));
            kv.put(16, 64L - cfg.ias());
            cfg = cfg.withTopLevel(walk.startLevel());
        } else {
            walk = WalkConfig.stage1(cfg.granule(), cfg.ias(), IPS_BITS[ips], root, MAIR);
            kv.put(1, root);
            kv.put(2, (long) ips);
            kv.put(3, (long) tg);
            kv.put(4, 3L);
            kv.put(5, 1L);
            kv.put(6, 1L);
            kv.put(7, 64L - cfg.ias());
            kv.put(8, MAIR);
        }
        kv.put(30, cfg.pgsizeBitmap());
        kv.put(31, (long) cfg.ias());
        kv.put(32, (long) cfg.oas());
        handles.put(a.handle(), new Table(new IoPgtableModel(cfg, options), walk));
        return result(a, 0, 0, kv);
    }

    /**
     * The stage-1 rule's start level, or the next one down with concatenated tables where the
     * granule lacks it, or where QEMU 7.2 would refuse it (docs/qemu-oracle.md): both are the
     * architecture's, and QEMU can only judge the second.
     */
    private static WalkConfig stage2(PgtableConfig cfg, int outputBits, long root) {
        WalkConfig fallback = null;
        IllegalArgumentException last = null;
        for (int level = cfg.ruleStartLevel(); level <= Granule.PAGE_LEVEL; level++) {
            try {
                WalkConfig w = WalkConfig.stage2(cfg.granule(), cfg.ias(), outputBits, root, level);
                if (!ParComparison.qemuRefusesStage2Start(cfg.granule(), level, outputBits)) {
                    return w;
                }
                fallback = fallback == null ? w : fallback;
            } catch (IllegalArgumentException e) {
                last = e;
            }
        }
        if (fallback != null) {
            return fallback;
        }
        throw last;
    }

    private static OpResult result(Op op, int status, long value, Map<Integer, Long> cfg) {
        int opcode = switch (op.kind()) {
            case "alloc" -> 1;
            case "free" -> 2;
            case "map" -> 3;
            case "unmap" -> 4;
            default -> 5;
        };
        return new OpResult(opcode, status, value, 0, 0, 0, 0, cfg);
    }

    @Override
    public MemoryDelta syncMemory() {
        Map<Long, long[]> now = new TreeMap<>();
        for (Map.Entry<Integer, Table> e : handles.entrySet()) {
            long base = TABLE_BASE + e.getKey() * REGION;
            now.putAll(ModelTables.build(e.getValue().walk(), options, e.getValue().model().mappings(), base + REGION));
        }
        List<MemoryDelta.Block> changed = new ArrayList<>();
        List<MemoryDelta.Freed> freed = new ArrayList<>();
        for (Map.Entry<Long, long[]> e : now.entrySet()) {
            long[] before = synced.get(e.getKey());
            if (before == null || !Arrays.equals(before, e.getValue())) {
                ByteBuffer b = ByteBuffer.allocate(8 * e.getValue().length).order(ByteOrder.LITTLE_ENDIAN);
                for (long w : e.getValue()) {
                    b.putLong(w);
                }
                changed.add(new MemoryDelta.Block(e.getKey(), b.array()));
            }
        }
        for (Map.Entry<Long, long[]> e : synced.entrySet()) {
            if (!now.containsKey(e.getKey())) {
                freed.add(new MemoryDelta.Freed(e.getKey(), 8 * e.getValue().length));
            }
        }
        synced = now;
        return new MemoryDelta(changed, freed);
    }

    @Override
    public long reset() {
        handles.clear();
        // A reset starts a case whose mirror holds nothing: the next delta sends every block afresh.
        synced = new TreeMap<>();
        return 0;
    }

    @Override
    public void restart() {
        // Nothing dies here: the model cannot crash, and QEMU's failures stop the campaign.
    }

    @Override
    public Optional<HardwareWalker> hardwareWalker() {
        return Optional.of(walker);
    }

    @Override
    public String replayFlags() {
        return " --target qemu";
    }

    @Override
    public Map<String, Long> health() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("model_operations", operations);
        m.putAll(walker.health());
        return m;
    }

    @Override
    public void close() {
        walker.close();
    }
}
