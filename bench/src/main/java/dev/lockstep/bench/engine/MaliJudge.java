package dev.lockstep.bench.engine;

import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.IoPgtableModel;
import dev.lockstep.models.iopgtable.LpaeEncoding;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableContract;
import dev.lockstep.models.iopgtable.Stage1Semantics;
import dev.lockstep.models.mali.MaliConfig;
import dev.lockstep.models.mali.MaliEncoding;
import dev.lockstep.models.mali.MaliOptions;
import dev.lockstep.models.mali.MaliSemantics;
import dev.lockstep.models.mali.MaliTranslation;
import dev.lockstep.models.mali.MaliWalker;
import dev.lockstep.models.vmsa.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ARM_MALI_LPAE: the TRANSTAB and MEMATTR the driver publishes (as Panfrost would program an
 * address space) are walked by the Mali walker and judged against the LPAE contract.
 */
final class MaliJudge implements FormatJudge {
    private final PgtableConfig config;
    private final ContractOptions options;
    private final MaliOptions maliOptions;
    private MaliConfig walk;
    private MaliSemantics.Attributes seen = MaliSemantics.Attributes.none();

    MaliJudge(PgtableConfig config, ContractOptions options, MaliOptions maliOptions) {
        this.config = config;
        this.options = options;
        this.maliOptions = maliOptions;
    }

    @Override
    public PgtableContract newContract() {
        walk = null;
        seen = MaliSemantics.Attributes.none();
        return emptyContract();
    }

    @Override
    public PgtableContract emptyContract() {
        return new IoPgtableModel(config, options);
    }

    @Override
    public List<TableRef> roots() {
        return walk == null ? List.of()
                : List.of(new TableRef(walk.base(), MaliConfig.START_LEVEL, 0, TABLE_BYTES, MaliConfig.leafSize(MaliConfig.START_LEVEL)));
    }

    private final SampledClock walkerClock = new SampledClock();

    /** The model's walker at va, timed (see {@link FormatJudge#walkerNanos}). */
    private MaliTranslation walked(PhysicalMemory memory, long va) {
        long t0 = walkerClock.start();
        MaliTranslation t = MaliWalker.walk(walk, memory, va, maliOptions.maliAf());
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

    /** Every Mali table is one 4K page of 512 entries. */
    private static final long TABLE_BYTES = 4096;

    /** The entry that decided t, the input addresses it decides alike, and the tables the walk went through. */
    private Decision decision(long va, MaliTranslation t) {
        List<MaliTranslation.Step> steps = t.steps();
        if (steps.isEmpty()) {
            return Decision.none(va, Long.MAX_VALUE);
        }
        List<TableRef> path = new ArrayList<>(steps.size());
        for (MaliTranslation.Step s : steps) {
            long span = MaliConfig.leafSize(s.level()) * 512;
            path.add(new TableRef(s.tableAddress(), s.level(), va & ~(span - 1), TABLE_BYTES, MaliConfig.leafSize(s.level())));
        }
        MaliTranslation.Step last = steps.get(steps.size() - 1);
        long size = MaliConfig.leafSize(last.level());
        return new Decision(va & ~(size - 1), (va & ~(size - 1)) + size, last.tableAddress() + 8L * last.index(), last.raw(),
                last.tableAddress() + TABLE_BYTES, t instanceof MaliTranslation.Translated, path);
    }

    @Override
    public AllocCheck acceptCfg(Map<Integer, Long> kv) {
        List<String> bad = new ArrayList<>();
        long bitmap = kv.getOrDefault(30, 0L);
        if (bitmap != config.pgsizeBitmap()) {
            bad.add("pgsize_bitmap 0x" + Long.toHexString(bitmap) + " is not the architecture's 0x" + Long.toHexString(config.pgsizeBitmap()));
        }
        Long transtab = kv.get(17);
        Long memattr = kv.get(18);
        if (transtab == null || memattr == null) {
            bad.add("the driver published no " + (transtab == null ? "TRANSTAB" : "MEMATTR"));
            return new AllocCheck(bad, false, Optional.empty());
        }
        try {
            walk = MaliConfig.fromTranstab(transtab, config.ias(), config.oas(), memattr);
            return new AllocCheck(bad, true, Optional.empty());
        } catch (IllegalArgumentException e) {
            bad.add("not a valid Mali address space: " + e.getMessage());
            return new AllocCheck(bad, false, Optional.empty());
        }
    }

    @Override
    public Judgement judge(PhysicalMemory memory, long va, Optional<Mapping> expected) {
        MaliTranslation t = walked(memory, va);
        String bin = t instanceof MaliTranslation.Translated tr
                ? "walk/" + (tr.level() == 3 ? "page" : "block") + "/L" + tr.level()
                : "walk/fault-" + ((MaliTranslation.Fault) t).kind().name().toLowerCase() + "/L" + ((MaliTranslation.Fault) t).level();
        Decision where = decision(va, t);
        List<Stage1Semantics.Mismatch> mm = MaliSemantics.compare(expected, va, t, seen);
        if (!mm.isEmpty()) {
            String detail = detail(va, expected, t, mm);
            return new Judgement(mm, bin, () -> detail, where);
        }
        if (expected.isEmpty() || !(t instanceof MaliTranslation.Translated tr)) {
            return new Judgement(bin, where);
        }
        seen = seen.seen(expected.get().prot(), tr.attribute());
        return encoding(va, expected.get(), tr, bin, where);
    }

    /** Depth 4: the leaf written against the leaf predicted, where the meaning is already right. */
    private Judgement encoding(long va, Mapping m, MaliTranslation.Translated tr, String bin, Decision decision) {
        List<LpaeEncoding.FieldDiff> diffs = new ArrayList<>();
        int want = config.leafLevel(m.pgsize());
        if (!m.split() && tr.level() != want) {
            diffs.add(new LpaeEncoding.FieldDiff("leaf level", "L" + want, "L" + tr.level()));
        }
        long actual = tr.steps().get(tr.steps().size() - 1).raw();
        long predicted = MaliEncoding.leaf(m, va, tr.level(), tr.attrIndx(), options, maliOptions);
        diffs.addAll(MaliEncoding.diff(predicted, actual, tr.level()));
        if (diffs.isEmpty()) {
            return new Judgement(bin, decision);
        }
        String where = "L" + tr.level() + (tr.level() == 3 ? " page" : " block");
        return new Judgement(List.of(), bin, () -> "", diffs, where, () -> encodingDetail(va, m, where, predicted, actual, diffs), decision);
    }

    private String encodingDetail(long va, Mapping m, String where, long predicted, long actual, List<LpaeEncoding.FieldDiff> diffs) {
        StringBuilder sb = new StringBuilder();
        sb.append("va ").append(Sizes.hex(va)).append(", mapped by ").append(m).append('\n');
        sb.append(String.format("predicted %s: 0x%016x%n", where, predicted));
        sb.append(String.format("written   %s: 0x%016x%n", where, actual));
        sb.append(FormatJudge.diffTable(diffs));
        sb.append("Options in effect: ").append(maliOptions.asMap()).append(", nonCacheableSh=").append(options.nonCacheableSh())
                .append(", cacheableShareability=").append(options.cacheableShareability()).append('\n');
        return sb.toString();
    }

    private String detail(long va, Optional<Mapping> m, MaliTranslation t, List<Stage1Semantics.Mismatch> mm) {
        StringBuilder sb = new StringBuilder();
        sb.append("va ").append(Sizes.hex(va)).append('\n');
        sb.append("contract: ").append(m.map(x -> "mapped by " + x + " -> pa " + Sizes.hex(x.translate(va))
                + (MaliSemantics.cacheable(x.prot()) ? ", cacheable" : ", non-cacheable")).orElse("nothing mapped: translation fault"))
                .append('\n');
        sb.append("walk:     ").append(describe(t)).append('\n');
        sb.append("attributes seen so far: cacheable ").append(seen.cacheable()).append(", other ").append(seen.other()).append('\n');
        for (Stage1Semantics.Mismatch x : mm) {
            sb.append("  ").append(x.field()).append(": expected ").append(x.expected()).append(", walk gives ").append(x.actual()).append('\n');
        }
        sb.append("walk steps (level, table, index, descriptor):\n");
        List<MaliTranslation.Step> steps = t instanceof MaliTranslation.Translated tr ? tr.steps() : ((MaliTranslation.Fault) t).steps();
        for (MaliTranslation.Step s : steps) {
            sb.append(String.format("  L%d table 0x%x [%d] = 0x%016x  %s%n", s.level(), s.tableAddress(), s.index(), s.raw(),
                    s.pte().getClass().getSimpleName()));
        }
        return sb.toString();
    }

    private static String describe(MaliTranslation t) {
        if (t instanceof MaliTranslation.Translated tr) {
            return String.format("pa %s via L%d, read %s, write %s, execute %s, AttrIndx %d (MEMATTR byte 0x%02x), SH %d, nG %s",
                    Sizes.hex(tr.pa()), tr.level(), tr.read(), tr.write(), tr.execute(), tr.attrIndx(), tr.attribute(), tr.sh(), tr.nG());
        }
        MaliTranslation.Fault f = (MaliTranslation.Fault) t;
        return f.kind() + " fault at level " + f.level();
    }
}
