package dev.lockstep.bench.engine;

import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.IoPgtableModel;
import dev.lockstep.models.iopgtable.LpaeEncoding;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableContract;
import dev.lockstep.models.iopgtable.Quirk;
import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.iopgtable.Stage1Semantics;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.PhysicalMemory;
import dev.lockstep.models.vmsa.Translation;
import dev.lockstep.models.vmsa.WalkConfig;
import dev.lockstep.models.vmsa.WalkStep;
import dev.lockstep.models.vmsa.Walker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The LPAE formats (64- and 32-bit, stage 1 and 2): TCR or VTCR checked against the request, tables
 * walked by the VMSA walker with the published TTBR/VTTBR, MAIR and start level.
 */
final class VmsaJudge implements FormatJudge {
    private static final int[] IPS_BITS = {32, 36, 40, 42, 44, 48, 52};

    private final PgtableConfig config;
    private final ContractOptions options;
    private final boolean stage2;
    private WalkConfig walk;
    private static final WalkBins bins = new WalkBins();

    VmsaJudge(PgtableConfig config, ContractOptions options) {
        this.config = config;
        this.options = options;
        this.stage2 = config.format().stage2();
    }

    /** The walk configuration the published cfg described, or null before a walkable alloc. */
    WalkConfig walkConfig() {
        return walk;
    }

    boolean stage2() {
        return stage2;
    }

    ContractOptions options() {
        return options;
    }

    @Override
    public PgtableContract newContract() {
        walk = null;
        return emptyContract();
    }

    /** At stage 2 the start level the driver picks decides where a call's pages end. */
    @Override
    public boolean contractFollowsCfg() {
        return stage2;
    }

    @Override
    public PgtableContract emptyContract() {
        return new IoPgtableModel(config, options);
    }

    @Override
    public AllocCheck acceptCfg(Map<Integer, Long> kv) {
        // Stage 1 publishes TTBR/TCR/MAIR, stage 2 VTTBR/VTCR: the same fields under other keys.
        long tg = kv.getOrDefault(stage2 ? 11 : 3, -1L);
        long tsz = kv.getOrDefault(stage2 ? 16 : 7, -1L);
        long ips = kv.getOrDefault(stage2 ? 10 : 2, -1L);
        long base = kv.getOrDefault(stage2 ? 9 : 1, 0L);
        // TCR.TG1 encodes the granules differently from TG0 (4K 0b10, 16K 0b01, 64K 0b11): with
        // ARM_TTBR1 the published fields are the TTBR1 half's.
        boolean ttbr1 = config.has(Quirk.ARM_TTBR1);
        Granule g = ttbr1
                ? switch ((int) tg) {
                    case 2 -> Granule.G4K;
                    case 1 -> Granule.G16K;
                    case 3 -> Granule.G64K;
                    default -> null;
                }
                : switch ((int) tg) {
                    case 0 -> Granule.G4K;
                    case 1 -> Granule.G64K;
                    case 2 -> Granule.G16K;
                    default -> null;
                };
        String tcr = stage2 ? "VTCR" : "TCR";
        List<String> bad = new ArrayList<>();
        if (g != config.granule()) {
            bad.add(tcr + (ttbr1 ? ".TG1 " : ".TG0 ") + tg + " is not the " + config.granule().label() + " granule");
        }
        if (tsz != 64 - config.ias()) {
            bad.add(tcr + ".T0SZ " + tsz + " is not 64 - ias = " + (64 - config.ias()));
        }
        if (ips < 0 || ips >= IPS_BITS.length || IPS_BITS[(int) ips] < config.oas()) {
            bad.add(tcr + (stage2 ? ".PS " : ".IPS ") + ips + " does not cover oas " + config.oas());
        }
        walkAttributes(kv, tcr, bad);
        long bitmap = kv.getOrDefault(30, 0L);
        if (bitmap != config.pgsizeBitmap()) {
            bad.add("pgsize_bitmap 0x" + Long.toHexString(bitmap) + " is not the architecture's 0x" + Long.toHexString(config.pgsizeBitmap()));
        }
        if (g == null || tsz <= 0) {
            return new AllocCheck(bad, false, Optional.empty());
        }
        int oasBits = ips >= 0 && ips < IPS_BITS.length ? IPS_BITS[(int) ips] : config.oas();
        try {
            if (stage2) {
                walk = WalkConfig.stage2(g, (int) (64 - tsz), oasBits, base, stage2StartLevel(g, kv.getOrDefault(15, -1L)));
                return new AllocCheck(bad, true, Optional.of(new IoPgtableModel(config.withTopLevel(walk.startLevel()), options)));
            }
            walk = WalkConfig.stage1(g, (int) (64 - tsz), oasBits, base, kv.getOrDefault(8, 0L));
            return new AllocCheck(bad, true, Optional.empty());
        } catch (IllegalArgumentException e) {
            bad.add("not a valid VMSA configuration: " + e.getMessage());
            return new AllocCheck(bad, false, Optional.empty());
        }
    }

    /**
     * The walk's own memory attributes: a coherent walker reads the tables as the CPUs wrote
     * them, which needs write-back (write-allocate) inner and outer, inner shareable; a walker that
     * is not coherent reads memory, Non-cacheable, except that ARM_OUTER_WBWA asks for an outer
     * write-back walk. The SH of a Non-cacheable walk is treated as outer shareable whatever it
     * says, so it is not judged there.
     */
    private void walkAttributes(Map<Integer, Long> kv, String tcr, List<String> bad) {
        long sh = kv.getOrDefault(stage2 ? 12 : 4, -1L);
        long orgn = kv.getOrDefault(stage2 ? 13 : 5, -1L);
        long irgn = kv.getOrDefault(stage2 ? 14 : 6, -1L);
        boolean coherent = config.coherentWalk();
        long wantIrgn = coherent ? 1 : 0;
        long wantOrgn = coherent || config.has(Quirk.ARM_OUTER_WBWA) ? 1 : 0;
        if (irgn != wantIrgn) {
            bad.add(tcr + ".IRGN0 " + irgn + " is not " + wantIrgn + (coherent ? " (write-back for a coherent walk)" : " (Non-cacheable walk)"));
        }
        if (orgn != wantOrgn) {
            bad.add(tcr + ".ORGN0 " + orgn + " is not " + wantOrgn + (wantOrgn == 1 ? " (write-back: coherent walk or ARM_OUTER_WBWA)" : " (Non-cacheable walk)"));
        }
        if (coherent && sh != 3) {
            bad.add(tcr + ".SH0 " + sh + " is not 3 (inner shareable, as the CPUs that write the tables)");
        }
    }

    /** VTCR_EL2.SL0 to a start level: 4K counts down from level 2, 16K and 64K from level 3. */
    private static int stage2StartLevel(Granule g, long sl0) {
        if (sl0 < 0 || sl0 > 2) {
            throw new IllegalArgumentException("VTCR.SL0 " + sl0 + " is reserved");
        }
        return (g == Granule.G4K ? 2 : 3) - (int) sl0;
    }

    @Override
    public List<TableRef> roots() {
        return walk == null ? List.of() : List.of(new TableRef(walk.tableBase(), walk.startLevel(), config.inputRegionBits(),
                walk.initialTableSize(), walk.granule().blockSize(walk.startLevel())));
    }

    private final SampledClock walkerClock = new SampledClock();

    /** The model's walker at va, timed (see {@link FormatJudge#walkerNanos}). */
    private Translation walked(PhysicalMemory memory, long va) {
        long t0 = walkerClock.start();
        Translation t = Walker.walk(walk, memory, walkedAddress(va));
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

    /** With ARM_TTBR1 the input range is the top 2^ias bytes of the space. */
    @Override
    public long inputBase() {
        return config.inputRegionBits();
    }

    @Override
    public long inputLimit() {
        return config.inputLimit();
    }

    @Override
    public Judgement judge(PhysicalMemory memory, long va, Optional<Mapping> expected) {
        Translation t = walked(memory, va);
        String bin = bins.of(t);
        Decision where = decision(va, t);
        List<Stage1Semantics.Mismatch> mm = Stage1Semantics.compare(expected, va, t, options, stage2);
        if (!mm.isEmpty()) {
            return new Judgement(mm, bin, () -> detail(va, expected, t, mm), where);
        }
        if (expected.isEmpty() || !(t instanceof Translation.Translated tr)) {
            return new Judgement(bin, where);
        }
        return encoding(va, expected.get(), tr, bin, where);
    }

    /** The descriptor that decided t, the region it decides, and the tables the walk went through. */
    private Decision decision(long va, Translation t) {
        List<WalkStep> steps = t.steps();
        if (steps.isEmpty()) {
            // Decided before any read: an input out of range, or a table base the output size cannot
            // hold, which decides every input address alike (the whole range: the top 2^ias bytes
            // with ARM_TTBR1).
            return walk.acceptsInput(walkedAddress(va))
                    ? Decision.none(config.inputRegionBits(), config.inputRegionBits() + (1L << walk.inputBits()))
                    : Decision.none(va, Long.MAX_VALUE);
        }
        List<TableRef> path = new ArrayList<>(steps.size());
        for (WalkStep s : steps) {
            long span = s.level() == walk.startLevel() ? 1L << walk.inputBits() : walk.granule().blockSize(s.level() - 1);
            long bytes = s.level() == walk.startLevel() ? walk.initialTableSize() : walk.granule().size();
            path.add(new TableRef(s.tableAddress(), s.level(), va & ~(span - 1), bytes, walk.granule().blockSize(s.level())));
        }
        WalkStep last = steps.get(steps.size() - 1);
        long size = walk.granule().blockSize(last.level());
        TableRef table = path.get(path.size() - 1);
        return new Decision(va & ~(size - 1), (va & ~(size - 1)) + size, last.descriptorAddress(), last.raw(),
                table.address() + table.bytes(), t instanceof Translation.Translated, path);
    }

    /**
     * The address the walker resolves. With ARM_TTBR1 the tables serve the top 2^ias bytes
     * (TTBR1, T1SZ = 64 - ias, TTBR0 walks disabled): an address there indexes the tables by its
     * low ias bits, exactly as the same offset would under TTBR0; any other address has no table
     * and faults, which the walker shows for an address past its input range.
     */
    private long walkedAddress(long va) {
        if (!config.has(Quirk.ARM_TTBR1)) {
            return va;
        }
        return config.acceptsIova(va) ? va & (config.inputLimit() - 1) : -1L;
    }

    /** Depth 4: the leaf written against the leaf predicted, where the meaning is already right. */
    private Judgement encoding(long va, Mapping m, Translation.Translated tr, String bin, Decision where) {
        List<LpaeEncoding.FieldDiff> diffs = new ArrayList<>();
        int want = config.leafLevel(m.pgsize());
        if (!m.split() && tr.level() != want) {
            // A mapping of one pgsize is one leaf of that size: not split, not merged.
            diffs.add(new LpaeEncoding.FieldDiff("leaf level", "L" + want, "L" + tr.level()));
        }
        boolean ns = config.has(Quirk.ARM_NS);
        // The tables on the way: their attributes (the next table's address is the driver's to choose).
        for (WalkStep step : tr.steps().subList(0, tr.steps().size() - 1)) {
            if (step.descriptor() instanceof Descriptor.Table t) {
                long wantTable = LpaeEncoding.table(t.nextTableAddress(), walk, ns);
                List<LpaeEncoding.FieldDiff> td = LpaeEncoding.judged(LpaeEncoding.tableDiff(wantTable, step.raw(), step.level(), walk), options);
                if (!td.isEmpty()) {
                    String at = "L" + step.level() + " table";
                    long written = step.raw();
                    return new Judgement(List.of(), bin, () -> "", td, at, () -> {
                        StringBuilder sb = new StringBuilder();
                        sb.append("va ").append(Sizes.hex(va)).append(", mapped by ").append(m).append('\n');
                        sb.append(String.format("predicted %s: 0x%016x%n", at, wantTable));
                        sb.append(String.format("written   %s: 0x%016x%n", at, written));
                        sb.append(FormatJudge.diffTable(td));
                        sb.append("Quirks: ").append(Quirk.describe(config.quirks())).append('\n');
                        return sb.toString();
                    }, where);
                }
            }
        }
        long actual = tr.steps().get(tr.steps().size() - 1).raw();
        java.util.OptionalLong predicted = LpaeEncoding.leaf(m, va, tr.level(), walk, options, ns);
        if (predicted.isPresent()) {
            diffs.addAll(LpaeEncoding.judged(LpaeEncoding.diff(predicted.getAsLong(), actual, tr.level(), walk), options));
        }
        if (diffs.isEmpty()) {
            return new Judgement(bin, where);
        }
        String at = "L" + tr.level() + " " + tr.kind().name().toLowerCase();
        return new Judgement(List.of(), bin, () -> "", diffs, at, () -> {
            StringBuilder sb = new StringBuilder();
            sb.append("va ").append(Sizes.hex(va)).append(", mapped by ").append(m).append('\n');
            sb.append(String.format("predicted %s: 0x%016x%n", at, predicted.orElse(0)));
            sb.append(String.format("written   %s: 0x%016x%n", at, actual));
            sb.append(FormatJudge.diffTable(diffs));
            sb.append("Options in effect: nG=").append(options.nG()).append(", nonCacheableSh=").append(options.nonCacheableSh())
                    .append(", cacheableShareability=").append(options.cacheableShareability())
                    .append("; quirks: ").append(Quirk.describe(config.quirks())).append('\n');
            return sb.toString();
        }, where);
    }

    private String detail(long va, Optional<Mapping> m, Translation t, List<Stage1Semantics.Mismatch> mm) {
        StringBuilder sb = new StringBuilder();
        sb.append("va ").append(Sizes.hex(va)).append('\n');
        sb.append("contract: ").append(m.map(x -> "mapped by " + x + " -> pa " + Sizes.hex(x.translate(va))
                + ", permissions " + (stage2 ? Stage1Semantics.expectedStage2Permissions(x.prot())
                        : Stage1Semantics.expectedPermissions(x.prot(), options))
                + ", " + Stage1Semantics.expectedMemory(x.prot(), options)
                + ", " + Stage1Semantics.expectedShareability(x.prot(), options)).orElse("nothing mapped: translation fault")).append('\n');
        sb.append("walk:     ").append(describe(t)).append('\n');
        for (Stage1Semantics.Mismatch x : mm) {
            sb.append("  ").append(x.field()).append(": expected ").append(x.expected()).append(", walk gives ").append(x.actual()).append('\n');
        }
        sb.append("walk steps (level, table, index, descriptor):\n");
        for (WalkStep s : t.steps()) {
            sb.append(String.format("  L%d table 0x%x [%d] = 0x%016x  %s%n", s.level(), s.tableAddress(), s.index(), s.raw(),
                    s.descriptor().getClass().getSimpleName()));
        }
        return sb.toString();
    }

    /** The coverage bin of a walk, spelled once per kind and level. */
    private static final class WalkBins {
        private final String[] cache = new String[2 * 16 * 8];

        String of(Translation t) {
            boolean fault = t instanceof Translation.Fault;
            int kind = fault ? ((Translation.Fault) t).kind().ordinal() : ((Translation.Translated) t).kind().ordinal();
            int level = fault ? ((Translation.Fault) t).level() : ((Translation.Translated) t).level();
            boolean cached = kind < 16 && level >= -2 && level <= 5;
            int i = ((fault ? 16 : 0) + kind) * 8 + level + 2;
            String b = cached ? cache[i] : null;
            if (b == null) {
                b = fault ? "walk/fault-" + ((Translation.Fault) t).kind().name().toLowerCase() + "/L" + level
                        : "walk/" + ((Translation.Translated) t).kind().name().toLowerCase() + "/L" + level;
                if (cached) {
                    cache[i] = b;
                }
            }
            return b;
        }
    }

    private static String describe(Translation t) {
        if (t instanceof Translation.Translated tr) {
            return "pa " + Sizes.hex(tr.pa()) + " via L" + tr.level() + " " + tr.kind() + ", " + tr.permissions()
                    + ", " + Stage1Semantics.describe(tr.memoryType()) + ", " + tr.shareability()
                    + ", nG=" + tr.nG() + ", AF=" + tr.af();
        }
        Translation.Fault f = (Translation.Fault) t;
        return f.kind() + " fault at level " + f.level();
    }
}
