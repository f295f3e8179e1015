package dev.lockstep.bench.m1n1;

import dev.lockstep.models.uat.UatConfig;
import dev.lockstep.models.uat.UatFaultKind;
import dev.lockstep.models.uat.UatMemAttr;
import dev.lockstep.models.uat.UatPte;
import dev.lockstep.models.uat.UatTranslation;
import dev.lockstep.models.uat.UatTtbatEntry;
import dev.lockstep.models.uat.UatWalkStep;
import dev.lockstep.models.uat.UatWalker;
import dev.lockstep.models.vmsa.SparseMemory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The AGX GPU's UAT tables walked by an ARMv8 CPU: UAT is VMSA-like with a 16K granule (fact sheet
 * apple-pgtables.md §3), so random UAT tables built with the UAT model's encoders are walked by QEMU
 * under a stage 1 configuration that matches their shape, and compared with the UAT model's
 * {@link UatWalker}, structurally.
 *
 * <p>The matching configuration: TCR_EL1.T0SZ = T1SZ = 25 (two 39-bit halves, exactly UAT's
 * TTB0 and TTB1 ranges), TG0 = TG1 = 16K (so the walk starts at level 1 with VA[38:36], then
 * [35:25] and [24:14], UAT's levels), IPS = the UAT output size (40 or 42), MAIR holding UAT's three
 * attributes at their AttrIndex, TTBR0/TTBR1 = the TTBAT entries as written (VALID lands on CnP,
 * ASID on ASID), an invalid TTB's half disabled by EPD0/EPD1. AT S1E1R, which an ARMv8 EL1 may
 * always do, exposes the walk itself.
 *
 * <p>Walked and compared: which entries are tables, pages and faults, the fault kind and level, the
 * output address, and the attribute byte of AttrIndex 0..2. Named where UAT and VMSA part (counted
 * as explained, never dropped):
 * <ul>
 *   <li>An address in neither half, an invalid TTB, or a TTB beyond the output size: UAT's model
 *       faults at its top level (1); VMSA reports these at level 0.</li>
 *   <li>UAT has no blocks: VALID with TYPE clear faults at every UAT level, where VMSA reads a
 *       32 MiB block at level 2 (and QEMU 7.2 walks the reserved level-1 form too).</li>
 *   <li>AttrIndex 3..7: the sheet gives no attribute, so the byte is not compared.</li>
 *   <li>Not walkable at all: UAT's rights (AP with UXN, PXN and GPU_ACCESS, for firmware and GPU)
 *       have no VMSA reading, and SH's meaning on the GPU is not given; neither is compared.</li>
 * </ul>
 */
public final class UatOracleCheck {
    private static final long TABLE_REGION = OracleCheck.TABLE_REGION;

    private final AtOracle oracle;
    private final GuestMemory memory;
    private final long nonRam;

    public UatOracleCheck(ProxyPort port, GuestMemory memory, long nonRam) {
        this.oracle = new AtOracle(Objects.requireNonNull(port, "port"));
        this.memory = Objects.requireNonNull(memory, "memory");
        this.nonRam = nonRam;
    }

    public static UatOracleCheck on(QemuMachine m) {
        long ramEnd = SharedGuestRam.RAM_BASE + m.options().ramBytes();
        return new UatOracleCheck(m.proxy(), m.memory(), ramEnd <= OracleCheck.NON_RAM ? OracleCheck.NON_RAM : OracleCheck.NON_RAM_HIGH);
    }

    public record Difference(String what, boolean explained, long va, long tcr, String model, String hardware, String walk) {
        @Override
        public String toString() {
            return String.format("%s%s: va 0x%x TCR 0x%x%n  UAT model: %s%n  hardware:  %s%n  walk: %s",
                    explained ? "[explained] " : "", what, va, tcr, model, hardware, walk);
        }
    }

    public record Result(int translations, long atNanos, Map<String, Integer> outcomes, List<Difference> differences) {
        public List<Difference> unexplained() {
            return differences.stream().filter(d -> !d.explained()).toList();
        }
    }

    public Result run(long seed, int translations, int perScenario) throws IOException, M1n1Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Integer> outcomes = new TreeMap<>();
        List<Difference> diffs = new ArrayList<>();
        long atNanos = 0;
        int done = 0;
        long dirtyTop = TABLE_REGION;
        while (done < translations) {
            Scenario s = new Scenario(rnd, nonRam);
            dirtyTop = Math.max(dirtyTop, s.write(memory, dirtyTop));
            int n = Math.min(perScenario, translations - done);
            List<AtOracle.Query> qs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                qs.add(new AtOracle.S1(s.tcr, UatMemAttr.MAIR, s.ttb0, s.ttb1, s.randomVa(rnd), AtKind.S1E1R));
            }
            long t0 = System.nanoTime();
            List<AtOracle.Answer> answers = oracle.translateAll(qs);
            atNanos += System.nanoTime() - t0;
            for (int i = 0; i < n; i++) {
                long va = ((AtOracle.S1) qs.get(i)).va();
                UatTranslation t = UatWalker.walk(s.cfg, s.mem, va);
                outcomes.merge(label(t), 1, Integer::sum);
                compare(s, va, t, answers.get(i), diffs);
            }
            done += n;
        }
        return new Result(done, atNanos, outcomes, diffs);
    }

    private static String label(UatTranslation t) {
        if (t instanceof UatTranslation.Fault f) {
            return f.kind() + " L" + f.level();
        }
        return "page attr " + ((UatTranslation.Translated) t).attrIndex();
    }

    private static void compare(Scenario s, long va, UatTranslation t, AtOracle.Answer hw, List<Difference> diffs) {
        String walk = walkText(t);
        String hwText = hw + (hw instanceof AtOracle.Par p ? " " + ParComparison.parText(p) : "");
        java.util.function.BiConsumer<String, Boolean> diff = (what, explained) ->
                diffs.add(new Difference(what, explained, va, s.tcr, label(t), hwText, walk));
        if (t instanceof UatTranslation.Fault f) {
            if (f.kind() == UatFaultKind.EXTERNAL_ABORT_ON_WALK) {
                if (!(hw instanceof AtOracle.WalkAbort)) {
                    diff.accept("walk abort expected", false);
                }
                return;
            }
            if (!(hw instanceof AtOracle.Par p) || !p.fault()) {
                UatWalkStep last = f.steps().isEmpty() ? null : f.steps().get(f.steps().size() - 1);
                if (last != null && last.pte() instanceof UatPte.Reserved && last.level() < UatConfig.LEAF_LEVEL) {
                    diff.accept("UAT has no blocks: VALID with TYPE clear at level " + last.level()
                            + " faults on the GPU, an ARMv8 walker reads a block", true);
                } else {
                    diff.accept("the UAT model faults, the CPU translates", false);
                }
                return;
            }
            boolean atTop = f.steps().isEmpty();
            int wantLevel = atTop ? 0 : f.level();
            int want = switch (f.kind()) {
                case OUT_OF_RANGE, TTB_INVALID, TRANSLATION -> 0b000100 | wantLevel;
                case ADDRESS_SIZE -> wantLevel;
                case ACCESS_FLAG -> 0b001000 | wantLevel;
                case EXTERNAL_ABORT_ON_WALK -> throw new AssertionError("handled above");
            };
            if (p.fst() != want) {
                diff.accept("fault status", false);
            } else if (atTop) {
                // Same fault, numbered by each at its own top: counted, so the mapping stays visible.
                diff.accept("UAT faults " + f.kind() + " at its top level (1), VMSA at level 0", true);
            }
            return;
        }
        UatTranslation.Translated ok = (UatTranslation.Translated) t;
        if (!(hw instanceof AtOracle.Par p) || p.fault()) {
            diff.accept("the UAT model translates, the CPU faults", false);
            return;
        }
        if (p.pa() != (ok.pa() & ~0xFFFL)) {
            diff.accept("output address", false);
            return;
        }
        if (ok.memAttr().isEmpty()) {
            diff.accept("AttrIndex " + ok.attrIndex() + " has no attribute in the sheet: not compared", true);
        } else if (p.attr() != ok.memAttr().get().mair()) {
            diff.accept("attribute byte", false);
        }
    }

    private static String walkText(UatTranslation t) {
        StringBuilder sb = new StringBuilder();
        for (UatWalkStep st : t.steps()) {
            sb.append(String.format("L%d[%d]@0x%x=0x%016x ", st.level(), st.index(), st.entryAddress(), st.raw()));
        }
        return sb.toString().strip();
    }

    /** One UAT address space: the TTBAT slot's two entries and the tables under them. */
    static final class Scenario {
        final UatConfig cfg;
        final long ttb0;
        final long ttb1;
        final long tcr;
        final SparseMemory mem = new SparseMemory();
        private final Map<Long, TreeMap<Integer, Long>> tables = new LinkedHashMap<>();
        private final Map<Long, Map<Integer, Long>> children = new LinkedHashMap<>();
        private final SplittableRandom rnd;
        private final long nonRam;
        private long next = TABLE_REGION;

        Scenario(SplittableRandom rnd, long nonRam) {
            this.rnd = rnd;
            this.nonRam = nonRam;
            int oas = rnd.nextBoolean() ? 40 : 42;
            long r0 = alloc();
            long r1 = alloc();
            ttb0 = ttb(r0, oas);
            ttb1 = ttb(r1, oas);
            cfg = UatConfig.fromSlot(oas, ttb0, ttb1);
            int[] budget = {10 + rnd.nextInt(10)};
            fill(r0, UatConfig.START_LEVEL, budget);
            fill(r1, UatConfig.START_LEVEL, budget);
            long epd0 = cfg.ttb0().valid() ? 0 : 1L << 7;
            long epd1 = cfg.ttb1().valid() ? 0 : 1L << 23;
            long ips = oas == 40 ? 0b010 : 0b011;
            tcr = 25L | epd0 | (1L << 8) | (1L << 10) | (3L << 12) | (0b10L << 14)
                    | (25L << 16) | epd1 | (1L << 24) | (1L << 26) | (3L << 28) | (0b01L << 30) | (ips << 32);
        }

        /** A TTBAT entry: mostly valid, sometimes invalid, now and then a table beyond the output size. */
        private long ttb(long table, int oas) {
            int asid = rnd.nextInt(1 << 16);
            int roll = rnd.nextInt(20);
            if (roll == 0) {
                return table | ((long) asid << UatTtbatEntry.ASID_SHIFT); // VALID clear
            }
            long pa = roll == 1 ? (1L << 47) : table;
            return new UatTtbatEntry(pa, true, asid).encode();
        }

        private long alloc() {
            long a = next;
            next += UatConfig.PAGE_SIZE;
            mem.addPage(a, UatConfig.PAGE_SIZE);
            tables.put(a, new TreeMap<>());
            children.put(a, new LinkedHashMap<>());
            return a;
        }

        private void fill(long table, int level, int[] budget) {
            int slots = level == UatConfig.START_LEVEL ? UatConfig.TOP_ENTRIES : UatConfig.ENTRIES_PER_TABLE;
            int populate = Math.min(slots, 3 + rnd.nextInt(level == UatConfig.START_LEVEL ? 6 : 20));
            for (int i = 0; i < populate; i++) {
                int index = rnd.nextInt(slots);
                if (children.get(table).containsKey(index)) {
                    continue;
                }
                int roll = rnd.nextInt(100);
                boolean leaf = level == UatConfig.LEAF_LEVEL;
                long raw;
                if (!leaf && roll < 40 && budget[0] > 0) {
                    budget[0]--;
                    long child = alloc();
                    children.get(table).put(index, child);
                    put(table, index, UatPte.table(child));
                    fill(child, level + 1, budget);
                    continue;
                } else if (!leaf && roll < 44) {
                    raw = UatPte.table(nonRam & UatPte.OA_MASK);
                } else if (!leaf && roll < 48) {
                    raw = UatPte.table(1L << 46); // beyond either output size
                } else if (roll < 58) {
                    raw = rnd.nextLong() & ~UatPte.VALID; // invalid, with junk
                } else if (roll < 64) {
                    raw = (rnd.nextLong() & UatPte.OA_MASK & ((1L << 40) - 1)) | UatPte.AF | UatPte.VALID; // TYPE clear
                } else if (leaf) {
                    raw = page();
                } else {
                    raw = 0;
                }
                put(table, index, raw);
            }
        }

        private long page() {
            int bits = rnd.nextInt(5) == 0 ? 46 : cfg.oas();
            long pa = rnd.nextLong() & ((1L << bits) - 1) & UatPte.OA_MASK;
            int attr = rnd.nextInt(8) < 6 ? rnd.nextInt(3) : rnd.nextInt(8);
            return UatPte.encode(new UatPte.Page(pa, attr, rnd.nextInt(4), rnd.nextInt(4), rnd.nextInt(10) != 0,
                    rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean()));
        }

        private void put(long table, int index, long raw) {
            tables.get(table).put(index, raw);
            mem.writeU64(table + 8L * index, raw);
        }

        long write(GuestMemory guest, long dirtyTop) throws IOException, M1n1Exception {
            long top = Math.max(dirtyTop, next);
            guest.zero(TABLE_REGION, top - TABLE_REGION);
            for (Map.Entry<Long, TreeMap<Integer, Long>> t : tables.entrySet()) {
                for (Map.Entry<Integer, Long> e : t.getValue().entrySet()) {
                    if (e.getValue() != 0) {
                        guest.writeWords(t.getKey() + 8L * e.getKey(), new long[] {e.getValue()});
                    }
                }
            }
            return next;
        }

        /** Mostly down populated entries of either half; now and then between the halves. */
        long randomVa(SplittableRandom r) {
            if (r.nextInt(50) == 0) {
                return (1L << 39) | r.nextLong(1L << 40); // in neither half
            }
            boolean upper = r.nextBoolean();
            long root = (upper ? cfg.ttb1() : cfg.ttb0()).tablePa();
            long va = 0;
            long table = root;
            for (int level = UatConfig.START_LEVEL; level <= UatConfig.LEAF_LEVEL; level++) {
                TreeMap<Integer, Long> t = tables.get(table);
                int slots = level == UatConfig.START_LEVEL ? UatConfig.TOP_ENTRIES : UatConfig.ENTRIES_PER_TABLE;
                int index;
                if (t != null && !t.isEmpty() && r.nextInt(10) != 0) {
                    Integer[] keys = t.keySet().toArray(new Integer[0]);
                    index = keys[r.nextInt(keys.length)];
                } else {
                    index = r.nextInt(slots);
                }
                va |= (long) index << UatConfig.shiftOf(level);
                Long child = t == null ? null : children.get(table).get(index);
                if (child == null) {
                    va |= r.nextLong() & ((1L << UatConfig.shiftOf(level)) - 1);
                    break;
                }
                table = child;
            }
            if (!(va < (1L << 39))) {
                va &= (1L << 39) - 1;
            }
            return upper ? va | 0xffff_ff80_0000_0000L : va;
        }
    }
}
