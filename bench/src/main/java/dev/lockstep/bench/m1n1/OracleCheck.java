package dev.lockstep.bench.m1n1;

import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.vmsa.FaultKind;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.LeafAttributes;
import dev.lockstep.models.vmsa.MemoryType;
import dev.lockstep.models.vmsa.Permissions;
import dev.lockstep.models.vmsa.Shareability;
import dev.lockstep.models.vmsa.SparseMemory;
import dev.lockstep.models.vmsa.Translation;
import dev.lockstep.models.vmsa.WalkConfig;
import dev.lockstep.models.vmsa.WalkStep;
import dev.lockstep.models.vmsa.Walker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The first oracle check: random stage 1 tables, built with the model's own encoders, written into
 * guest RAM; for many input addresses the hardware walker ({@link AtOracle}) and the model's
 * {@link Walker} must agree on everything PAR_EL1 reports: fault status and level, or output
 * address, memory attributes and shareability.
 *
 * <p>Differences with a known cause are counted apart ({@link Difference#explained}) and listed in
 * docs/qemu-oracle.md: PAR_EL1.SH for Device and Normal Non-cacheable memory, which QEMU 7.2
 * reports from the descriptor where the architecture says 0b10; block descriptors at levels where
 * the architecture (with TCR.DS = 0) reserves them, which QEMU 7.2 walks as blocks (4K level 0,
 * 16K levels 0 and 1). The model is told what -cpu max implements (FEAT_LPA, so 64K level-1
 * blocks are permitted) and is never changed to match QEMU: these differences stay reported.
 */
public final class OracleCheck {
    /** Where the tables go: guest RAM at 0x40000000 + 512 MiB, far from the agent. */
    public static final long TABLE_REGION = 0x6000_0000L;
    public static final long TABLE_REGION_SIZE = 0x1000_0000L;
    /** An address in the virt machine's map with nothing behind it (RAM ends at 0x80000000). */
    public static final long NON_RAM = 0x9000_0000L;

    private static final int[] MAIR_BYTES = {
        0x00, 0x04, 0x08, 0x0C, // Device nGnRnE, nGnRE, nGRE, GRE
        0x44, 0xFF, 0xBB, 0xAA, 0xEE, 0x4F, 0xF4, 0x77, 0x33, 0x99, 0xDD, 0x40, 0x7F, 0xCC,
    };
    private static final int[] IPS_BITS = {32, 36, 40, 42, 44, 48};

    private final AtOracle oracle;
    private final M1n1Client client;

    public OracleCheck(M1n1Client client) {
        this.client = Objects.requireNonNull(client, "client");
        this.oracle = new AtOracle(client);
    }

    /** One query on which the model and the hardware disagree. */
    public record Difference(String what, boolean explained, Granule granule, long tcr, long mair, long va,
                             AtKind kind, String model, String hardware, String walk) {
        @Override
        public String toString() {
            return String.format("%s%s: %s va 0x%x %s TCR 0x%x MAIR 0x%016x%n  model:    %s%n  hardware: %s%n  walk: %s",
                    explained ? "[explained] " : "", what, granule.label(), va, kind, tcr, mair, model, hardware, walk);
        }
    }

    /** What a run found. */
    public record Result(Granule granule, int translations, int scenarios, long atNanos, long totalNanos,
                         Map<String, Integer> outcomes, List<Difference> differences) {
        public List<Difference> unexplained() {
            return differences.stream().filter(d -> !d.explained()).toList();
        }

        public double translationsPerSecond() {
            return atNanos == 0 ? 0 : translations * 1e9 / atNanos;
        }
    }

    /**
     * Runs {@code translations} AT queries on {@code granule}, in scenarios (table sets) of
     * {@code perScenario} queries each.
     */
    public Result run(Granule granule, long seed, int translations, int perScenario)
            throws IOException, M1n1Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Difference> diffs = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        long atNanos = 0;
        long t0 = System.nanoTime();
        int done = 0;
        int scenarios = 0;
        long dirtyTop = TABLE_REGION;
        while (done < translations) {
            Scenario s = Scenario.random(granule, rnd);
            scenarios++;
            long top = s.write(client, dirtyTop);
            dirtyTop = Math.max(dirtyTop, top);
            int n = Math.min(perScenario, translations - done);
            for (int i = 0; i < n; i++) {
                long va = s.randomVa(rnd);
                AtKind kind = AtKind.values()[rnd.nextInt(4)];
                long a = System.nanoTime();
                AtOracle.Answer hw = oracle.translate(s.tcr, s.mair, s.ttbr0, 0, va, kind);
                atNanos += System.nanoTime() - a;
                Translation model = Walker.walk(s.cfg, s.mem, va);
                Expected exp = expected(model, kind);
                outcomes.merge(exp.label, 1, Integer::sum);
                compare(s, va, kind, model, exp, hw, diffs);
            }
            done += n;
        }
        return new Result(granule, done, scenarios, atNanos, System.nanoTime() - t0, outcomes, diffs);
    }

    // --- expectation ---

    /** What the model predicts PAR_EL1 says: a fault code, a walk abort, or a translation. */
    private record Expected(String label, int fst, boolean walkAbort, Translation.Translated ok) {
    }

    private static Expected expected(Translation t, AtKind kind) {
        if (t instanceof Translation.Fault f) {
            int level = f.level();
            return switch (f.kind()) {
                case TRANSLATION -> new Expected("translation fault L" + level, 0b000100 | level, false, null);
                case ADDRESS_SIZE -> new Expected("address size fault L" + level, level, false, null);
                case ACCESS_FLAG -> new Expected("access flag fault L" + level, 0b001000 | level, false, null);
                case EXTERNAL_ABORT_ON_WALK -> new Expected("external abort on walk L" + level, 0b010100 | level, true, null);
            };
        }
        Translation.Translated ok = (Translation.Translated) t;
        Permissions p = ok.permissions();
        boolean allowed = kind.el0() ? (kind.write() ? p.el0Write() : p.el0Read())
                : (kind.write() ? p.el1Write() : p.el1Read());
        if (!allowed) {
            return new Expected("permission fault L" + ok.level(), 0b001100 | ok.level(), false, null);
        }
        return new Expected("translated L" + ok.level() + " " + ok.kind(), 0, false, ok);
    }

    private static void compare(Scenario s, long va, AtKind kind, Translation model, Expected exp,
                                AtOracle.Answer hw, List<Difference> diffs) {
        String modelText = describe(model, exp);
        String walk = walkText(model);
        String blockAt = reservedBlock(model);
        if (blockAt != null && !sameAsHardwareAbort(exp, hw)) {
            // The model reads a block descriptor where the architecture permits none (with TCR.DS =
            // 0) as reserved; QEMU 7.2 walks it as a block.
            String why = "QEMU 7.2 walks a reserved " + s.cfg.granule().label() + " block descriptor at " + blockAt
                    + " as a block";
            diffs.add(new Difference(why, true, s.cfg.granule(), s.tcr, s.mair, va,
                    kind, modelText, hw + (hw instanceof AtOracle.Par p ? " " + parText(p) : ""), walk));
            return;
        }
        if (exp.walkAbort) {
            if (!(hw instanceof AtOracle.WalkAbort)) {
                diffs.add(new Difference("walk abort expected", false, s.cfg.granule(), s.tcr, s.mair, va, kind,
                        modelText, hw.toString(), walk));
            }
            return;
        }
        if (hw instanceof AtOracle.WalkAbort) {
            diffs.add(new Difference("unexpected walk abort", false, s.cfg.granule(), s.tcr, s.mair, va, kind,
                    modelText, hw.toString(), walk));
            return;
        }
        AtOracle.Par par = (AtOracle.Par) hw;
        if (exp.ok == null) {
            if (!par.fault() || par.fst() != exp.fst || (par.value() & (3L << 8)) != 0) {
                diffs.add(new Difference("fault status", false, s.cfg.granule(), s.tcr, s.mair, va, kind,
                        modelText, par + " " + parText(par), walk));
            }
            return;
        }
        Translation.Translated ok = exp.ok;
        if (par.fault()) {
            diffs.add(new Difference("hardware faults, model translates", false, s.cfg.granule(), s.tcr, s.mair,
                    va, kind, modelText, par + " " + parText(par), walk));
            return;
        }
        if (par.pa() != (ok.pa() & ~0xFFFL)) {
            diffs.add(new Difference("output address", false, s.cfg.granule(), s.tcr, s.mair, va, kind,
                    modelText, par + " " + parText(par), walk));
            return;
        }
        MemoryType hwType = MemoryType.fromMairAttr(par.attr());
        if (!hwType.equals(ok.memoryType())) {
            diffs.add(new Difference("memory type", false, s.cfg.granule(), s.tcr, s.mair, va, kind,
                    modelText, par + " " + parText(par), walk));
            return;
        }
        boolean deviceOrNc = ok.memoryType() instanceof MemoryType.Device
                || (ok.memoryType() instanceof MemoryType.Normal n && n.isNonCacheable());
        Shareability hwSh = Shareability.fromSh(par.sh());
        if (deviceOrNc) {
            if (par.sh() != 0b10) {
                // QEMU 7.2 reports SH from the descriptor for Device and Normal-NC; the architecture
                // says 0b10 (shared/spec/qemu-mmu-oracle.md).
                diffs.add(new Difference("PAR.SH for Device/Normal-NC", true, s.cfg.granule(), s.tcr, s.mair,
                        va, kind, modelText, par + " " + parText(par), walk));
            }
        } else if (hwSh != ok.shareability()) {
            diffs.add(new Difference("shareability", false, s.cfg.granule(), s.tcr, s.mair, va, kind,
                    modelText, par + " " + parText(par), walk));
        }
    }

    /** "4k level 0" when the walk ended on a block-form descriptor the model reads as reserved. */
    private static String reservedBlock(Translation t) {
        if (!(t instanceof Translation.Fault f) || f.kind() != FaultKind.TRANSLATION || f.steps().isEmpty()) {
            return null;
        }
        WalkStep last = f.steps().get(f.steps().size() - 1);
        if (last.level() < Granule.PAGE_LEVEL && last.descriptor() instanceof Descriptor.Reserved) {
            return "level " + last.level();
        }
        return null;
    }

    private static boolean sameAsHardwareAbort(Expected exp, AtOracle.Answer hw) {
        return hw instanceof AtOracle.Par p && p.fault() && p.fst() == exp.fst;
    }

    private static String describe(Translation t, Expected e) {
        if (t instanceof Translation.Translated ok) {
            return String.format("%s: pa 0x%x %s sh %d (%s) %s", e.label, ok.pa(), ok.memoryType(), ok.sh(),
                    ok.shareability(), ok.permissions());
        }
        return e.label;
    }

    private static String parText(AtOracle.Par p) {
        if (p.fault()) {
            return String.format("(fault FST 0x%02x)", p.fst());
        }
        return String.format("(pa 0x%x attr 0x%02x %s sh %d)", p.pa(), p.attr(), MemoryType.fromMairAttr(p.attr()), p.sh());
    }

    private static String walkText(Translation t) {
        StringBuilder sb = new StringBuilder();
        for (WalkStep st : t.steps()) {
            sb.append(String.format("L%d[%d]@0x%x=0x%016x ", st.level(), st.index(), st.descriptorAddress(), st.raw()));
        }
        return sb.toString().strip();
    }

    // --- scenarios ---

    /** One set of tables: registers, the model's view of memory, and the guest layout. */
    static final class Scenario {
        final WalkConfig cfg;
        final long tcr;
        final long mair;
        final long ttbr0;
        final SparseMemory mem = new SparseMemory();
        /** Table address to its level and descriptors (index to raw), in allocation order. */
        final Map<Long, Table> tables = new LinkedHashMap<>();
        private long next = TABLE_REGION;
        private final SplittableRandom rnd;

        private record Table(long address, int level, TreeMap<Integer, Long> entries, Map<Integer, Long> children) {
        }

        private Scenario(Granule g, int inputBits, int outputBits, long mair, SplittableRandom rnd) {
            this.rnd = rnd;
            this.mair = mair;
            long root = alloc(g);
            // QEMU's -cpu max implements FEAT_LPA: the model is told so, as it would be of real hardware.
            this.cfg = WalkConfig.stage1(g, inputBits, outputBits, root, mair).withFeatLpa(true);
            this.ttbr0 = root;
            this.tcr = tcr(g, inputBits, outputBits);
        }

        static Scenario random(Granule g, SplittableRandom rnd) {
            int inputBits = 25 + rnd.nextInt(48 - 25 + 1);
            int outputBits = IPS_BITS[rnd.nextInt(IPS_BITS.length)];
            long mair = 0;
            for (int i = 0; i < 8; i++) {
                mair |= (long) MAIR_BYTES[rnd.nextInt(MAIR_BYTES.length)] << (8 * i);
            }
            Scenario s = new Scenario(g, inputBits, outputBits, mair, rnd);
            int[] budget = {12 + rnd.nextInt(12)};
            s.fill(s.cfg.tableBase(), s.cfg.startLevel(), budget);
            return s;
        }

        /** TCR_EL1 for a TTBR0 walk; TTBR1 walks disabled (EPD1), HA = HD = 0, TBI0 = 0. */
        static long tcr(Granule g, int inputBits, int outputBits) {
            long tg0 = switch (g) {
                case G4K -> 0b00;
                case G64K -> 0b01;
                case G16K -> 0b10;
            };
            long ips = switch (outputBits) {
                case 32 -> 0;
                case 36 -> 1;
                case 40 -> 2;
                case 42 -> 3;
                case 44 -> 4;
                case 48 -> 5;
                default -> throw new IllegalArgumentException("no IPS for " + outputBits + " bits");
            };
            return (64L - inputBits) | (1L << 8) | (1L << 10) | (3L << 12) | (tg0 << 14)
                    | (25L << 16) | (1L << 23) | (0b10L << 30) | (ips << 32);
        }

        private long alloc(Granule g) {
            long a = next;
            next += g.size();
            if (next > TABLE_REGION + TABLE_REGION_SIZE) {
                throw new IllegalStateException("table region exhausted");
            }
            mem.addPage(a, g.size());
            tables.put(a, new Table(a, -1, new TreeMap<>(), new LinkedHashMap<>()));
            return a;
        }

        private void fill(long table, int level, int[] budget) {
            Granule g = cfg.granule();
            Table t = new Table(table, level, tables.get(table).entries(), tables.get(table).children());
            tables.put(table, t);
            int slots = 1 << cfg.indexBits(level);
            int populate = Math.min(slots, 4 + rnd.nextInt(20));
            for (int i = 0; i < populate; i++) {
                int index = rnd.nextInt(slots);
                long raw;
                int roll = rnd.nextInt(100);
                boolean canTable = level < Granule.PAGE_LEVEL;
                if (canTable && roll < 30 && budget[0] > 0) {
                    budget[0]--;
                    long child = alloc(g);
                    raw = tableDescriptor(child);
                    t.children().put(index, child);
                    t.entries().put(index, raw);
                    mem.writeU64(table + 8L * index, raw);
                    fill(child, level + 1, budget);
                    continue;
                }
                if (canTable && roll < 33) {
                    raw = tableDescriptor(NON_RAM); // a walk into nothing: external abort
                } else if (canTable && roll < 36 && cfg.outputBits() < 48) {
                    raw = tableDescriptor(1L << 47); // beyond the output size
                } else if (roll < 46) {
                    raw = rnd.nextLong() & ~1L; // invalid, with junk in the ignored bits
                } else if (roll < 50) {
                    raw = reserved(level);
                } else if (level == Granule.PAGE_LEVEL) {
                    raw = Descriptor.page(outputAddress(g.shift()), attributes(), cfg);
                } else if (cfg.allowsBlockAt(level)) {
                    raw = Descriptor.block(level, outputAddress(g.blockShift(level)), attributes(), cfg);
                } else {
                    raw = reserved(level);
                }
                if (t.children().containsKey(index)) {
                    continue; // keep the subtree already built there
                }
                t.entries().put(index, raw);
                mem.writeU64(table + 8L * index, raw);
            }
        }

        private long reserved(int level) {
            // Level 3 0b01, or a block where the granule has none: both reserved.
            long oa = (rnd.nextLong() & 0x0000_00FF_FFFF_F000L) & -cfg.granule().size();
            if (level == Granule.PAGE_LEVEL || !cfg.allowsBlockAt(level)) {
                return oa | (1L << 10) | 0b01;
            }
            return 0; // no reserved form at this level: leave it invalid
        }

        private long tableDescriptor(long next) {
            return Descriptor.table(next, false, rnd.nextInt(4) == 0 ? rnd.nextInt(4) : 0,
                    rnd.nextInt(8) == 0, rnd.nextInt(8) == 0, cfg);
        }

        private long outputAddress(int alignShift) {
            int bits = rnd.nextInt(4) == 0 ? 48 : cfg.outputBits();
            long oa = rnd.nextLong() & ((1L << bits) - 1);
            return oa & -(1L << alignShift);
        }

        private LeafAttributes attributes() {
            int[] shs = {0, 2, 3};
            return LeafAttributes.stage1(rnd.nextInt(8), rnd.nextInt(4), shs[rnd.nextInt(3)])
                    .withAf(rnd.nextInt(10) != 0)
                    .withNG(rnd.nextBoolean())
                    .withNs(rnd.nextInt(4) == 0)
                    .withPxn(rnd.nextBoolean())
                    .withUxn(rnd.nextBoolean())
                    .withSoftware(rnd.nextInt(16));
        }

        /**
         * Zeroes the guest's table region up to {@code dirtyTop} and this scenario's top, then
         * writes every non-zero descriptor, in runs. Returns the top of this scenario's tables.
         */
        long write(M1n1Client client, long dirtyTop) throws IOException, M1n1Exception {
            long top = Math.max(dirtyTop, next);
            client.memset64(TABLE_REGION, 0, top - TABLE_REGION);
            for (Table t : tables.values()) {
                List<Map.Entry<Integer, Long>> run = new ArrayList<>();
                for (Map.Entry<Integer, Long> e : t.entries().entrySet()) {
                    if (e.getValue() == 0) {
                        continue;
                    }
                    if (!run.isEmpty() && e.getKey() - run.get(run.size() - 1).getKey() > 8) {
                        writeRun(client, t.address(), run);
                        run.clear();
                    }
                    run.add(e);
                }
                if (!run.isEmpty()) {
                    writeRun(client, t.address(), run);
                }
            }
            return next;
        }

        private static void writeRun(M1n1Client client, long table, List<Map.Entry<Integer, Long>> run)
                throws IOException, M1n1Exception {
            int first = run.get(0).getKey();
            int last = run.get(run.size() - 1).getKey();
            byte[] data = new byte[8 * (last - first + 1)];
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<Integer, Long> e : run) {
                bb.putLong(8 * (e.getKey() - first), e.getValue());
            }
            client.memWrite(table + 8L * first, data);
        }

        /** An input address that mostly follows populated entries down the tree. */
        long randomVa(SplittableRandom r) {
            int roll = r.nextInt(100);
            if (roll < 3) {
                return r.nextLong(); // anything, mostly outside the input range
            }
            if (roll < 5) {
                return (1L << cfg.inputBits()) | r.nextLong(1L << cfg.inputBits()); // just beyond
            }
            Granule g = cfg.granule();
            long va = 0;
            long table = cfg.tableBase();
            for (int level = cfg.startLevel(); level <= Granule.PAGE_LEVEL; level++) {
                Table t = tables.get(table);
                int slots = 1 << cfg.indexBits(level);
                int index;
                if (!t.entries().isEmpty() && r.nextInt(10) != 0) {
                    Integer[] keys = t.entries().keySet().toArray(new Integer[0]);
                    index = keys[r.nextInt(keys.length)];
                } else {
                    index = r.nextInt(slots);
                }
                va |= (long) index << g.blockShift(level);
                Long child = t.children().get(index);
                if (child == null) {
                    return va | (r.nextLong() & ((1L << g.blockShift(level)) - 1));
                }
                table = child;
            }
            return va | (r.nextLong() & (g.size() - 1));
        }
    }
}
