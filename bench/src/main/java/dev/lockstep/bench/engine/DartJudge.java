package dev.lockstep.bench.engine;

import dev.lockstep.models.dart.DartConfig;
import dev.lockstep.models.dart.DartContract;
import dev.lockstep.models.dart.DartEncoding;
import dev.lockstep.models.dart.DartLayout;
import dev.lockstep.models.dart.DartOptions;
import dev.lockstep.models.dart.DartSemantics;
import dev.lockstep.models.dart.DartTranslation;
import dev.lockstep.models.dart.DartWalkStep;
import dev.lockstep.models.dart.DartWalker;
import dev.lockstep.models.iopgtable.LpaeEncoding;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableContract;
import dev.lockstep.models.iopgtable.Stage1Semantics;
import dev.lockstep.models.vmsa.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Apple DART and DART2: the TTBRs the driver publishes (as a DART's TTBR registers would be
 * programmed) are walked by the DART walker and judged against the DART contract.
 */
final class DartJudge implements FormatJudge {
    private final PgtableConfig config;
    private final DartOptions options;
    private final DartLayout layout;
    private DartConfig walk;

    DartJudge(PgtableConfig config, DartOptions options) {
        this.config = config;
        this.options = options;
        this.layout = DartLayout.of(config.format()).orElseThrow();
    }

    @Override
    public PgtableContract newContract() {
        walk = null;
        return emptyContract();
    }

    @Override
    public PgtableContract emptyContract() {
        return new DartContract(DartConfig.of(config, List.of()), options, config.has(dev.lockstep.models.iopgtable.Quirk.NO_PERMS));
    }

    @Override
    public AllocCheck acceptCfg(Map<Integer, Long> kv) {
        List<String> bad = new ArrayList<>();
        long n = kv.getOrDefault(24, -1L);
        DartConfig geometry = DartConfig.of(config, List.of());
        if (n != geometry.ttbrCount()) {
            bad.add("n_ttbrs " + n + " is not the " + geometry.ttbrCount() + " this geometry needs");
        }
        long bitmap = kv.getOrDefault(30, 0L);
        if (bitmap != config.pgsizeBitmap()) {
            bad.add("pgsize_bitmap 0x" + Long.toHexString(bitmap) + " is not the page size 0x" + Long.toHexString(config.pgsizeBitmap()));
        }
        if (n < 1 || n > 4) {
            return new AllocCheck(bad, false, Optional.empty());
        }
        List<Long> ttbrs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ttbrs.add(kv.getOrDefault(20 + i, 0L));
        }
        try {
            walk = DartConfig.of(config, ttbrs);
            return new AllocCheck(bad, true, Optional.empty());
        } catch (IllegalArgumentException e) {
            bad.add("not a valid DART configuration: " + e.getMessage());
            return new AllocCheck(bad, false, Optional.empty());
        }
    }

    @Override
    public List<TableRef> roots() {
        if (walk == null) {
            return List.of();
        }
        List<TableRef> out = new ArrayList<>();
        int shift = walk.shiftOf(walk.startLevel()) + walk.bitsPerLevel();
        for (int i = 0; i < walk.ttbrCount(); i++) {
            long base = i;
            walk.ttbr(i).ifPresent(t -> out.add(new TableRef(t, walk.startLevel(), base << shift, walk.pageSize(),
                    1L << walk.shiftOf(walk.startLevel()))));
        }
        return out;
    }

    private final SampledClock walkerClock = new SampledClock();

    /** The model's walker at va, timed (see {@link FormatJudge#walkerNanos}). */
    private DartTranslation walked(PhysicalMemory memory, long va) {
        long t0 = walkerClock.start();
        DartTranslation t = DartWalker.walk(walk, memory, va);
        walkerClock.stop(t0);
        return t;
    }

    @Override
    public long walkerNanos() {
        return walkerClock.nanos();
    }

    @Override
    public Decision where(PhysicalMemory memory, long va) {
        return decision(va, walked(memory, va));
    }

    @Override
    public long inputLimit() {
        return config.inputLimit();
    }

    @Override
    public Judgement judge(PhysicalMemory memory, long va, Optional<Mapping> expected) {
        DartTranslation t = walked(memory, va);
        String bin = t instanceof DartTranslation.Translated ? "walk/page/L3" : faultBin(((DartTranslation.Fault) t).kind());
        Decision where = decision(va, t);
        List<Stage1Semantics.Mismatch> mm = DartSemantics.compare(expected, va, t, layout, options);
        if (!mm.isEmpty()) {
            return new Judgement(mm, bin, () -> detail(va, expected, t, mm), where);
        }
        if (expected.isEmpty() || !(t instanceof DartTranslation.Translated tr)) {
            return new Judgement(bin, where);
        }
        // Depth 4: where the meaning agrees, the leaf written against the leaf predicted.
        long actual = tr.steps().get(tr.steps().size() - 1).raw();
        long predicted = DartEncoding.leaf(expected.get(), va, layout, config.granule().size(), options);
        List<LpaeEncoding.FieldDiff> diffs = DartEncoding.diff(predicted, actual, layout);
        if (diffs.isEmpty()) {
            return new Judgement(bin, where);
        }
        return new Judgement(mm, bin, () -> "", diffs, "dart leaf", () -> {
            StringBuilder sb = new StringBuilder();
            sb.append("iova ").append(Sizes.hex(va)).append(", mapped by ").append(expected.get()).append('\n');
            sb.append(String.format("predicted leaf: 0x%016x%nwritten   leaf: 0x%016x%n", predicted, actual));
            sb.append(FormatJudge.diffTable(diffs));
            sb.append("Options in effect: ").append(options.asMap()).append('\n');
            return sb.toString();
        }, where);
    }

    private static final String[] faultBins = new String[16];

    private static String faultBin(dev.lockstep.models.dart.DartFaultKind k) {
        String b = k.ordinal() < faultBins.length ? faultBins[k.ordinal()] : null;
        if (b == null) {
            b = "walk/fault-" + k.name().toLowerCase();
            if (k.ordinal() < faultBins.length) {
                faultBins[k.ordinal()] = b;
            }
        }
        return b;
    }

    /**
     * The entry that decided t and the iovas it decides alike: a leaf or empty entry's page or
     * table span; a missing TTBR's whole quarter (or half) of the aperture.
     */
    private Decision decision(long va, DartTranslation t) {
        List<DartWalkStep> steps = t.steps();
        if (steps.isEmpty()) {
            if (!walk.acceptsIova(va)) {
                return Decision.none(va, Long.MAX_VALUE);
            }
            long span = 1L << (walk.shiftOf(walk.startLevel()) + walk.bitsPerLevel());
            return Decision.none(va & ~(span - 1), (va & ~(span - 1)) + span);
        }
        List<TableRef> path = new ArrayList<>(steps.size());
        for (DartWalkStep s : steps) {
            long span = 1L << (walk.shiftOf(s.level()) + walk.bitsPerLevel());
            path.add(new TableRef(s.tableAddress(), s.level(), va & ~(span - 1), walk.pageSize(), 1L << walk.shiftOf(s.level())));
        }
        DartWalkStep last = steps.get(steps.size() - 1);
        long size = 1L << walk.shiftOf(last.level());
        // A subpage fault is decided by the leaf too: the whole page walks the same entry.
        return new Decision(va & ~(size - 1), (va & ~(size - 1)) + size, last.pteAddress(), last.raw(),
                last.tableAddress() + walk.pageSize(), t instanceof DartTranslation.Translated, path);
    }

    private static String describe(DartTranslation t) {
        if (t instanceof DartTranslation.Translated tr) {
            return "pa " + Sizes.hex(tr.pa()) + " via TTBR" + tr.ttbrIndex() + ", read " + tr.read() + ", write " + tr.write()
                    + ", cacheable " + tr.cacheable() + ", subpage " + tr.subpageStart() + ".." + tr.subpageEnd();
        }
        DartTranslation.Fault f = (DartTranslation.Fault) t;
        return f.kind() + " fault at level " + f.level();
    }

    private String detail(long va, Optional<Mapping> m, DartTranslation t, List<Stage1Semantics.Mismatch> mm) {
        StringBuilder sb = new StringBuilder();
        sb.append("iova ").append(Sizes.hex(va)).append('\n');
        sb.append("contract: ").append(m.map(x -> "mapped by " + x + " -> pa " + Sizes.hex(x.translate(va))
                + ", cacheable " + DartSemantics.expectedCacheable(x.prot(), layout)).orElse("nothing mapped: a fault")).append('\n');
        sb.append("walk:     ").append(describe(t)).append('\n');
        for (Stage1Semantics.Mismatch x : mm) {
            sb.append("  ").append(x.field()).append(": expected ").append(x.expected()).append(", walk gives ").append(x.actual()).append('\n');
        }
        sb.append("walk steps (level, table, index, pte):\n");
        List<DartWalkStep> steps = t instanceof DartTranslation.Translated tr ? tr.steps() : ((DartTranslation.Fault) t).steps();
        for (DartWalkStep s : steps) {
            sb.append(String.format("  L%d table 0x%x [%d] = 0x%016x  %s%n", s.level(), s.tableAddress(), s.index(), s.raw(),
                    s.pte().getClass().getSimpleName()));
        }
        return sb.toString();
    }
}
