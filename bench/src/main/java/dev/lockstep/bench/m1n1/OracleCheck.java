package dev.lockstep.bench.m1n1;

import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.LeafAttributes;
import dev.lockstep.models.vmsa.SparseMemory;
import dev.lockstep.models.vmsa.Stage;
import dev.lockstep.models.vmsa.Translation;
import dev.lockstep.models.vmsa.WalkConfig;
import dev.lockstep.models.vmsa.Walker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The architecture judges the model: random translation tables, built with the model's own
 * encoders and written into guest RAM; for many input addresses the hardware walker
 * ({@link AtOracle}) and the model's {@link Walker} must agree on everything PAR_EL1 reports: fault
 * status and level (and, at stage 2, that stage 2 faulted), or output address, memory attributes
 * and shareability.
 *
 * <p>Four {@link Flavour}s: stage 1 and stage 2, each with up to 48-bit addresses or with 52-bit
 * output addresses (FEAT_LPA2 with TCR.DS / VTCR.DS = 1 for 4K and 16K, FEAT_LPA for 64K).
 *
 * <p>Differences with a known cause are counted apart ({@link Difference#explained}) and listed in
 * docs/qemu-oracle.md: PAR_EL1.SH for Device and Normal Non-cacheable memory, which QEMU 7.2
 * reports from the descriptor where the architecture says 0b10; block descriptors at levels where
 * the architecture reserves them, which QEMU 7.2 walks as blocks. The model is told what -cpu max
 * implements (FEAT_LPA, so 64K level-1 blocks are permitted) and is never changed to match QEMU:
 * these differences stay reported.
 */
public final class OracleCheck {
    /** Where the tables go: guest RAM at 0x40000000 + 512 MiB, far from the agent. */
    public static final long TABLE_REGION = 0x6000_0000L;
    public static final long TABLE_REGION_SIZE = 0x1000_0000L;
    /** An address with nothing behind it in a 1 GiB virt machine (RAM ends at 0x80000000). */
    public static final long NON_RAM = 0x9000_0000L;

    private static final int[] MAIR_BYTES = {
        0x00, 0x04, 0x08, 0x0C, // Device nGnRnE, nGnRE, nGRE, GRE
        0x44, 0xFF, 0xBB, 0xAA, 0xEE, 0x4F, 0xF4, 0x77, 0x33, 0x99, 0xDD, 0x40, 0x7F, 0xCC,
    };
    /** Stage 2 MemAttr values the architecture defines (inner 0b00 with outer non-zero is UNPREDICTABLE). */
    private static final int[] S2_MEMATTR = {0x0, 0x1, 0x2, 0x3, 0x5, 0x6, 0x7, 0x9, 0xA, 0xB, 0xD, 0xE, 0xF};
    private static final int[] IPS_BITS = {32, 36, 40, 42, 44, 48};
    /** TCR.DS (bit 59) and VTCR.DS (bit 32): FEAT_LPA2's 52-bit layout for 4K and 16K. */
    static final long TCR_DS = 1L << 59;
    static final long VTCR_DS = 1L << 32;

    /** What kind of tables a scenario builds. */
    public enum Flavour {
        /** Stage 1, output up to 48 bits. */
        STAGE1,
        /** Stage 1 with 52-bit output: TCR.DS = 1 (FEAT_LPA2) for 4K and 16K, IPS = 52 (FEAT_LPA) for 64K. */
        STAGE1_PA52,
        /** Stage 2 alone (stage 1 off), output up to 48 bits. */
        STAGE2,
        /** Stage 2 with 52-bit output: VTCR.DS = 1 for 4K and 16K, PS = 52 for 64K. */
        STAGE2_PA52;

        public boolean stage2() {
            return this == STAGE2 || this == STAGE2_PA52;
        }

        public boolean pa52() {
            return this == STAGE1_PA52 || this == STAGE2_PA52;
        }
    }

    private final AtOracle oracle;
    private final GuestMemory memory;
    private final long nonRam;

    /** Everything over the proxy link: MEMWRITE for tables, one PROXY frame per query. */
    public OracleCheck(M1n1Client client) {
        this(client, GuestMemory.overLink(client), NON_RAM);
    }

    /**
     * @param nonRam an address below 4 GiB where nothing answers, for walks that must abort
     */
    public OracleCheck(ProxyPort port, GuestMemory memory, long nonRam) {
        this.oracle = new AtOracle(Objects.requireNonNull(port, "port"));
        this.memory = Objects.requireNonNull(memory, "memory");
        this.nonRam = nonRam;
    }

    /** The check on a running machine: its mailbox and shared RAM when it has them. */
    public static OracleCheck on(QemuMachine m) {
        long ramEnd = SharedGuestRam.RAM_BASE + m.options().ramBytes();
        return new OracleCheck(m.proxy(), m.memory(), ramEnd <= NON_RAM ? NON_RAM : NON_RAM_HIGH);
    }

    /** A hole in virt's device map (between the PL011 and the RTC): nothing answers there, whatever the RAM size. */
    static final long NON_RAM_HIGH = 0x0900_4000L;

    /** One query on which the model and the hardware disagree. */
    public record Difference(String what, boolean explained, Flavour flavour, Granule granule, long tcr, long mair,
                             long va, AtKind kind, String model, String hardware, String walk) {
        @Override
        public String toString() {
            return String.format("%s%s: %s %s va 0x%x %s %s 0x%x MAIR 0x%016x%n  model:    %s%n  hardware: %s%n  walk: %s",
                    explained ? "[explained] " : "", what, flavour, granule.label(), va, kind,
                    flavour.stage2() ? "VTCR" : "TCR", tcr, mair, model, hardware, walk);
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

    /** Stage 1 only, up to 48-bit output: the check as it first ran. */
    public Result run(Granule granule, long seed, int translations, int perScenario) throws IOException, M1n1Exception {
        return run(granule, seed, translations, perScenario, EnumSet.of(Flavour.STAGE1));
    }

    /**
     * Runs {@code translations} AT queries on {@code granule}, in scenarios (table sets) of
     * {@code perScenario} queries each, each scenario of a flavour drawn from {@code flavours}.
     */
    public Result run(Granule granule, long seed, int translations, int perScenario, Set<Flavour> flavours)
            throws IOException, M1n1Exception {
        Flavour[] pick = flavours.toArray(new Flavour[0]);
        if (pick.length == 0) {
            throw new IllegalArgumentException("no flavour of tables to build");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Difference> diffs = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        long atNanos = 0;
        long t0 = System.nanoTime();
        int done = 0;
        int scenarios = 0;
        long dirtyTop = TABLE_REGION;
        while (done < translations) {
            Scenario s = Scenario.random(granule, pick[rnd.nextInt(pick.length)], rnd, nonRam);
            scenarios++;
            long top = s.write(memory, dirtyTop);
            dirtyTop = Math.max(dirtyTop, top);
            int n = Math.min(perScenario, translations - done);
            List<AtOracle.Query> queries = new ArrayList<>(n);
            AtKind[] kinds = s.flavour.stage2() ? AtKind.STAGE12 : AtKind.STAGE1;
            for (int i = 0; i < n; i++) {
                queries.add(s.query(s.randomVa(rnd), kinds[rnd.nextInt(kinds.length)]));
            }
            long a = System.nanoTime();
            List<AtOracle.Answer> answers = oracle.translateAll(queries);
            atNanos += System.nanoTime() - a;
            for (int i = 0; i < n; i++) {
                long va = s.vaOf(queries.get(i));
                AtKind kind = queries.get(i).kind();
                Translation model = Walker.walk(s.cfg, s.mem, va);
                ParComparison.Expected exp = ParComparison.expected(model, kind);
                outcomes.merge(s.flavour + " " + exp.label(), 1, Integer::sum);
                compare(s, va, kind, model, exp, answers.get(i), diffs);
            }
            done += n;
        }
        return new Result(granule, done, scenarios, atNanos, System.nanoTime() - t0, outcomes, diffs);
    }

    private static void compare(Scenario s, long va, AtKind kind, Translation model, ParComparison.Expected exp,
                                AtOracle.Answer hw, List<Difference> diffs) {
        Optional<ParComparison.Disagreement> d = ParComparison.compare(model, exp, kind, hw, s.flavour.stage2(), s.lpa2() ? s.tcrSh : -1);
        if (d.isPresent() && !d.get().explained() && s.flavour.stage2() && ParComparison.isRefusedStart(hw)
                && ParComparison.qemuRefusesStage2Start(s.cfg.granule(), s.cfg.startLevel(), s.cfg.outputBits())) {
            d = Optional.of(new ParComparison.Disagreement(ParComparison.S2_START_REFUSED, true));
        }
        d.ifPresent(x -> diffs.add(s.difference(x.what(), x.explained(), va, kind, ParComparison.describe(model, exp),
                hw + (hw instanceof AtOracle.Par p ? " " + ParComparison.parText(p) : ""), ParComparison.walkText(model))));
    }

    // --- scenarios ---

    /** One set of tables: registers, the model's view of memory, and the guest layout. */
    static final class Scenario {
        final Flavour flavour;
        final WalkConfig cfg;
        /** TCR_EL1 at stage 1, VTCR_EL2 at stage 2. */
        final long tcr;
        final long mair;
        /** TTBR0_EL1 at stage 1, VTTBR_EL2 at stage 2. */
        final long ttbr0;
        /** TCR.SH0 / VTCR.SH0: the shareability of cacheable memory under FEAT_LPA2. */
        final int tcrSh;
        final SparseMemory mem = new SparseMemory();
        /** Table address to its level and descriptors (index to raw), in allocation order. */
        final Map<Long, Table> tables = new LinkedHashMap<>();
        private long next = TABLE_REGION;
        private final SplittableRandom rnd;
        private final long nonRam;

        private record Table(long address, long size, int level, TreeMap<Integer, Long> entries, Map<Integer, Long> children) {
        }

        private Scenario(Flavour flavour, WalkConfig shape, long mair, int tcrSh, SplittableRandom rnd, long nonRam) {
            this.flavour = flavour;
            this.rnd = rnd;
            this.mair = mair;
            this.tcrSh = tcrSh;
            this.nonRam = nonRam;
            long root = alloc(shape.initialTableSize());
            Granule g = shape.granule();
            if (flavour.stage2()) {
                this.cfg = WalkConfig.stage2(g, shape.inputBits(), shape.outputBits(), root, shape.startLevel()).withFeatLpa(true);
                this.tcr = vtcr(g, shape.inputBits(), shape.outputBits(), shape.startLevel(), tcrSh);
            } else {
                // QEMU's -cpu max implements FEAT_LPA: the model is told so, as it would be of real hardware.
                this.cfg = WalkConfig.stage1(g, shape.inputBits(), shape.outputBits(), root, mair).withFeatLpa(true);
                this.tcr = tcr(g, shape.inputBits(), shape.outputBits(), tcrSh);
            }
            this.ttbr0 = root;
        }

        /** Whether descriptors use FEAT_LPA2's layout, and shareability comes from (V)TCR.SH0. */
        boolean lpa2() {
            return cfg.outputBits() == 52 && cfg.granule() != Granule.G64K;
        }

        static Scenario random(Granule g, Flavour flavour, SplittableRandom rnd, long nonRam) {
            int outputBits = flavour.pa52() ? 52 : IPS_BITS[rnd.nextInt(IPS_BITS.length)];
            int[] shs = {0, 2, 3};
            int tcrSh = flavour.pa52() && g != Granule.G64K ? shs[rnd.nextInt(3)] : 3;
            long mair = 0;
            for (int i = 0; i < 8; i++) {
                mair |= (long) MAIR_BYTES[rnd.nextInt(MAIR_BYTES.length)] << (8 * i);
            }
            WalkConfig shape;
            if (flavour.stage2()) {
                shape = stage2Shape(g, outputBits, rnd);
            } else {
                // 52-bit input: FEAT_LVA (64K) or FEAT_LPA2 (16K); the model stops 4K at 48 (level -1).
                int maxIn = outputBits == 52 && g != Granule.G4K ? 52 : 48;
                shape = WalkConfig.stage1(g, 25 + rnd.nextInt(maxIn - 25 + 1), outputBits, 0, mair);
            }
            Scenario s = new Scenario(flavour, shape, mair, tcrSh, rnd, nonRam);
            int[] budget = {12 + rnd.nextInt(12)};
            s.fill(s.cfg.tableBase(), s.cfg.startLevel(), budget);
            return s;
        }

        /**
         * A stage 2 geometry the architecture accepts: a start level VTCR.SL0 can name and an IPA size
         * it can walk from there, no larger than the PA size (the architecture leaves a larger IPA
         * than PS CONSTRAINED UNPREDICTABLE, and QEMU faults on it).
         */
        private static WalkConfig stage2Shape(Granule g, int outputBits, SplittableRandom rnd) {
            for (;;) {
                int level = g.firstLevel() + rnd.nextInt(Granule.PAGE_LEVEL - g.firstLevel() + 1);
                int inputBits = 25 + rnd.nextInt(Math.min(outputBits, g == Granule.G4K && outputBits != 52 ? 48 : 52) - 25 + 1);
                try {
                    return WalkConfig.stage2(g, inputBits, outputBits, 0, level);
                } catch (IllegalArgumentException notThisOne) {
                    // draw again
                }
            }
        }

        AtOracle.Query query(long va, AtKind kind) {
            return flavour.stage2() ? new AtOracle.S12(tcr, ttbr0, va, kind) : new AtOracle.S1(tcr, mair, ttbr0, 0, va, kind);
        }

        long vaOf(AtOracle.Query q) {
            return q instanceof AtOracle.S1 s1 ? s1.va() : ((AtOracle.S12) q).ipa();
        }

        Difference difference(String what, boolean explained, long va, AtKind kind, String model, String hw, String walk) {
            return new Difference(what, explained, flavour, cfg.granule(), tcr, mair, va, kind, model, hw, walk);
        }

        /** TCR_EL1 for a TTBR0 walk; TTBR1 walks disabled (EPD1), HA = HD = 0, TBI0 = 0. */
        static long tcr(Granule g, int inputBits, int outputBits) {
            return tcr(g, inputBits, outputBits, 3);
        }

        static long tcr(Granule g, int inputBits, int outputBits, int sh0) {
            long ds = outputBits == 52 && g != Granule.G64K ? TCR_DS : 0;
            return (64L - inputBits) | (1L << 8) | (1L << 10) | ((long) sh0 << 12) | (tg0(g) << 14)
                    | (25L << 16) | (1L << 23) | (0b10L << 30) | ((long) ps(outputBits) << 32) | ds;
        }

        /** VTCR_EL2 for a walk of inputBits from startLevel; HA = HD = 0, VMID 8 bits. */
        static long vtcr(Granule g, int inputBits, int outputBits, int startLevel, int sh0) {
            long sl0 = (g == Granule.G4K ? 2 : 3) - startLevel;
            if (g == Granule.G16K && startLevel == 0) {
                sl0 = 0b11; // FEAT_LPA2 (DS = 1): 16K level 0
            } else if (g == Granule.G4K && startLevel == 3) {
                sl0 = 0b11; // FEAT_TTST: 4K level 3
            }
            long ds = outputBits == 52 && g != Granule.G64K ? VTCR_DS : 0;
            return (64L - inputBits) | (sl0 << 6) | (1L << 8) | (1L << 10) | ((long) sh0 << 12) | (tg0(g) << 14)
                    | ((long) ps(outputBits) << 16) | (1L << 31) | ds;
        }

        private static long tg0(Granule g) {
            return switch (g) {
                case G4K -> 0b00;
                case G64K -> 0b01;
                case G16K -> 0b10;
            };
        }

        private static int ps(int outputBits) {
            return switch (outputBits) {
                case 32 -> 0;
                case 36 -> 1;
                case 40 -> 2;
                case 42 -> 3;
                case 44 -> 4;
                case 48 -> 5;
                case 52 -> 6;
                default -> throw new IllegalArgumentException("no (I)PS for " + outputBits + " bits");
            };
        }

        private long alloc(long size) {
            long a = (next + size - 1) & -size;
            next = a + size;
            if (next > TABLE_REGION + TABLE_REGION_SIZE) {
                throw new IllegalStateException("table region exhausted");
            }
            mem.addPage(a, size);
            tables.put(a, new Table(a, size, -1, new TreeMap<>(), new LinkedHashMap<>()));
            return a;
        }

        private void fill(long table, int level, int[] budget) {
            Granule g = cfg.granule();
            Table old = tables.get(table);
            Table t = new Table(table, old.size(), level, old.entries(), old.children());
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
                    long child = alloc(g.size());
                    raw = tableDescriptor(child);
                    t.children().put(index, child);
                    t.entries().put(index, raw);
                    mem.writeU64(table + 8L * index, raw);
                    fill(child, level + 1, budget);
                    continue;
                }
                if (canTable && roll < 33) {
                    raw = tableDescriptor(nonRam); // a walk into nothing: external abort
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
            if (cfg.stage() == Stage.STAGE2) {
                return Descriptor.table(next, false, 0, false, false, cfg);
            }
            return Descriptor.table(next, false, rnd.nextInt(4) == 0 ? rnd.nextInt(4) : 0,
                    rnd.nextInt(8) == 0, rnd.nextInt(8) == 0, cfg);
        }

        private long outputAddress(int alignShift) {
            int bits = rnd.nextInt(4) == 0 ? (cfg.outputBits() == 52 ? 52 : 48) : cfg.outputBits();
            long oa = rnd.nextLong() & ((1L << bits) - 1);
            return oa & -(1L << alignShift);
        }

        private LeafAttributes attributes() {
            int[] shs = {0, 2, 3};
            // Under FEAT_LPA2 descriptor bits [9:8] are address bits: shareability is (V)TCR.SH0's.
            int sh = lpa2() ? 0 : shs[rnd.nextInt(3)];
            if (cfg.stage() == Stage.STAGE2) {
                return LeafAttributes.stage2(S2_MEMATTR[rnd.nextInt(S2_MEMATTR.length)], rnd.nextInt(4), sh)
                        .withAf(rnd.nextInt(10) != 0)
                        .withS2xn(rnd.nextInt(4))
                        .withSoftware(rnd.nextInt(16));
            }
            return LeafAttributes.stage1(rnd.nextInt(8), rnd.nextInt(4), sh)
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
        long write(GuestMemory guest, long dirtyTop) throws IOException, M1n1Exception {
            long top = Math.max(dirtyTop, next);
            guest.zero(TABLE_REGION, top - TABLE_REGION);
            for (Table t : tables.values()) {
                List<Map.Entry<Integer, Long>> run = new ArrayList<>();
                for (Map.Entry<Integer, Long> e : t.entries().entrySet()) {
                    if (e.getValue() == 0) {
                        continue;
                    }
                    if (!run.isEmpty() && e.getKey() - run.get(run.size() - 1).getKey() > 8) {
                        writeRun(guest, t.address(), run);
                        run.clear();
                    }
                    run.add(e);
                }
                if (!run.isEmpty()) {
                    writeRun(guest, t.address(), run);
                }
            }
            return next;
        }

        private static void writeRun(GuestMemory guest, long table, List<Map.Entry<Integer, Long>> run)
                throws IOException, M1n1Exception {
            int first = run.get(0).getKey();
            int last = run.get(run.size() - 1).getKey();
            long[] words = new long[last - first + 1];
            for (Map.Entry<Integer, Long> e : run) {
                words[e.getKey() - first] = e.getValue();
            }
            guest.writeWords(table + 8L * first, words);
        }

        /** An input address that mostly follows populated entries down the tree. */
        long randomVa(SplittableRandom r) {
            int roll = r.nextInt(100);
            // At stage 2 (stage 1 off) the IPA is the VA, which must lie within PAMax (52 bits).
            long anyMask = flavour.stage2() ? (1L << 52) - 1 : -1L;
            if (roll < 3) {
                return r.nextLong() & anyMask; // anything, mostly outside the input range
            }
            if (roll < 5 && cfg.inputBits() < 63) {
                return ((1L << cfg.inputBits()) | r.nextLong(1L << cfg.inputBits())) & anyMask; // just beyond
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
