package dev.lockstep.bench.engine;

import dev.lockstep.bench.m1n1.AtKind;
import dev.lockstep.bench.m1n1.AtOracle;
import dev.lockstep.bench.m1n1.HardwareWalker;
import dev.lockstep.bench.m1n1.M1n1Exception;
import dev.lockstep.bench.m1n1.ParComparison;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableContract;
import dev.lockstep.models.iopgtable.Stage1Semantics;
import dev.lockstep.models.vmsa.DescriptorKind;
import dev.lockstep.models.vmsa.FaultKind;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.MemoryType;
import dev.lockstep.models.vmsa.Permissions;
import dev.lockstep.models.vmsa.PhysicalMemory;
import dev.lockstep.models.vmsa.Shareability;
import dev.lockstep.models.vmsa.Translation;
import dev.lockstep.models.vmsa.WalkConfig;
import dev.lockstep.models.vmsa.Walker;
import dev.lockstep.reports.Category;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The architecture as judge: beside the model's walker (the {@link VmsaJudge} it wraps), QEMU's own
 * table walker is asked about every probe in the same tables (copied into guest RAM at their own
 * addresses), with the registers the driver published. Two checks follow.
 *
 * <ol>
 *   <li><b>The contract, judged by the architecture</b> ("qemu: semantics: ..."): what the AT
 *       instructions report (output address, EL0/EL1 read and write, memory type, shareability)
 *       must be what the io-pgtable contract promises for the mapping. The same comparison as the
 *       model judge's, so one cause gives the same title after the "qemu: " prefix. Execute rights
 *       are not asked (AT has no instruction-fetch form): they stay the model walker's to judge.</li>
 *   <li><b>The model's walker, judged by the architecture</b> ("qemu: model walker: ..."): each
 *       PAR_EL1 must be what the model walker's translation says it would be
 *       ({@link ParComparison}). A disagreement here is a finding against the model (or QEMU).</li>
 * </ol>
 *
 * <p>When the model judge already finds the tables wrong at a probe, its finding stands and its
 * detail says whether QEMU agrees. Named QEMU-versus-architecture facts are counted in health
 * ({@code qemu_named_*}), never dropped silently.
 */
final class QemuJudge implements FormatJudge {
    static final String FAMILY = "qemu: semantics";
    static final String MODEL_FAMILY = "qemu: model walker";

    /** QEMU could not be asked: the campaign stops as on a broken link. */
    static final class WalkerFailure extends RuntimeException {
        WalkerFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final VmsaJudge base;
    private final HardwareWalker walker;
    private final PgtableConfig config;
    /** The registers the driver published, as AT wants them; null until a walkable alloc. */
    private Registers regs;
    private final Map<Long, List<AtOracle.Answer>> answers = new HashMap<>();
    /** The tables of the batch being judged (prepared), loaded into QEMU's RAM at the first question about them. */
    private TableMirror tables;
    /** Whether QEMU's RAM holds the prepared tables yet, and which mirror it was last loaded from. */
    private boolean fresh;
    private TableMirror lastLoaded;
    /** What was last loaded, block by block: copies, reused while a block's words stay the same. */
    private Map<Long, long[]> loaded = new HashMap<>();

    private QemuJudge(VmsaJudge base, HardwareWalker walker, PgtableConfig config) {
        this.base = base;
        this.walker = walker;
        this.config = config;
    }

    /** The QEMU judge over the format's own judge; formats QEMU cannot walk keep theirs alone. */
    static FormatJudge over(FormatJudge base, HardwareWalker walker, PgtableConfig config, ModelOptions options) {
        return base instanceof VmsaJudge v ? new QemuJudge(v, walker, config) : base;
    }

    /** The translation registers: TCR_EL1, MAIR_EL1, TTBR0_EL1 at stage 1; VTCR_EL2, VTTBR_EL2 at stage 2. */
    record Registers(boolean stage2, long tcr, long mair, long ttbr) {
        AtOracle.Query query(long va, AtKind kind) {
            return stage2 ? new AtOracle.S12(tcr, ttbr, va, kind) : new AtOracle.S1(tcr, mair, ttbr, 0, va, kind);
        }

        AtKind[] kinds() {
            return stage2 ? new AtKind[] {AtKind.S12E1R, AtKind.S12E1W} : AtKind.STAGE1;
        }

        @Override
        public String toString() {
            return stage2 ? String.format("VTCR_EL2 0x%x VTTBR_EL2 0x%x", tcr, ttbr)
                    : String.format("TCR_EL1 0x%x MAIR_EL1 0x%016x TTBR0_EL1 0x%x", tcr, mair, ttbr);
        }
    }

    /**
     * The registers from the cfg the driver filled in (docs/protocol.md keys): every field as the
     * driver chose it, TTBR1 walks disabled (EPD1) and hardware flag updates off, so AT never writes.
     */
    static Registers registers(boolean stage2, Map<Integer, Long> kv) {
        if (stage2) {
            long vtcr = (kv.getOrDefault(16, 0L) & 0x3F) | ((kv.getOrDefault(15, 0L) & 3) << 6)
                    | ((kv.getOrDefault(14, 0L) & 3) << 8) | ((kv.getOrDefault(13, 0L) & 3) << 10)
                    | ((kv.getOrDefault(12, 0L) & 3) << 12) | ((kv.getOrDefault(11, 0L) & 3) << 14)
                    | ((kv.getOrDefault(10, 0L) & 7) << 16) | (1L << 31);
            return new Registers(true, vtcr, 0, kv.getOrDefault(9, 0L));
        }
        long tcr = (kv.getOrDefault(7, 0L) & 0x3F) | ((kv.getOrDefault(6, 0L) & 3) << 8)
                | ((kv.getOrDefault(5, 0L) & 3) << 10) | ((kv.getOrDefault(4, 0L) & 3) << 12)
                | ((kv.getOrDefault(3, 0L) & 3) << 14) | (1L << 23) | (0b10L << 30)
                | ((kv.getOrDefault(2, 0L) & 7) << 32);
        return new Registers(false, tcr, kv.getOrDefault(8, 0L), kv.getOrDefault(1, 0L));
    }

    @Override
    public PgtableContract newContract() {
        regs = null;
        answers.clear();
        pending.clear();
        tables = null;
        fresh = false;
        return base.newContract();
    }

    @Override
    public PgtableContract emptyContract() {
        return base.emptyContract();
    }

    @Override
    public boolean contractFollowsCfg() {
        return base.contractFollowsCfg();
    }

    @Override
    public Decision where(PhysicalMemory memory, long va) {
        return base.where(memory, va);
    }

    /** The model's walks (QEMU's own are the oracle's, not the model's). */
    @Override
    public long walkerNanos() {
        return base.walkerNanos() + ownWalker.nanos();
    }

    private final SampledClock ownWalker = new SampledClock();

    @Override
    public List<TableRef> roots() {
        return base.roots();
    }

    @Override
    public long inputLimit() {
        return base.inputLimit();
    }

    @Override
    public long inputBase() {
        return base.inputBase();
    }

    @Override
    public AllocCheck acceptCfg(Map<Integer, Long> kv) {
        AllocCheck c = base.acceptCfg(kv);
        regs = c.walkable() && base.walkConfig() != null ? registers(base.stage2(), kv) : null;
        WalkConfig w = base.walkConfig();
        if (regs != null && regs.stage2() && ParComparison.qemuRefusesStage2Start(w.granule(), w.startLevel(), w.outputBits())) {
            // QEMU 7.2 would fault every IPA of this table (docs/qemu-oracle.md): it cannot judge it.
            walker.named("s2_start_level_refused");
            regs = null;
        }
        return c;
    }

    /** A batch's tables are about to be judged: QEMU is given them at its first question. */
    @Override
    public void prepare(TableMirror memory) {
        answers.clear();
        pending.clear();
        tables = memory;
        fresh = true;
    }

    /**
     * The mirror's blocks as QEMU's RAM should hold them: copies (the mirror changes its own in
     * place), the same copy as last time for a block whose words did not change, so only what
     * changed is written again.
     */
    private Map<Long, long[]> snapshot(TableMirror memory) {
        Map<Long, long[]> now = new java.util.TreeMap<>();
        for (Map.Entry<Long, long[]> e : memory.blocks().entrySet()) {
            long[] before = loaded.get(e.getKey());
            now.put(e.getKey(), before != null && java.util.Arrays.equals(before, e.getValue()) ? before : e.getValue().clone());
        }
        loaded = now;
        return now;
    }

    private void ask(TableMirror memory, List<Long> vas) {
        List<AtOracle.Query> queries = new ArrayList<>();
        AtKind[] kinds = regs.kinds();
        for (long va : vas) {
            for (AtKind k : kinds) {
                queries.add(regs.query(va, k));
            }
        }
        try {
            TableMirror source = tables != null ? tables : memory;
            if (fresh || source != lastLoaded) {
                walker.load(snapshot(source));
                lastLoaded = source;
                fresh = false;
            }
            List<AtOracle.Answer> all = walker.translateAll(queries);
            for (int i = 0; i < vas.size(); i++) {
                answers.put(vas.get(i), all.subList(i * kinds.length, (i + 1) * kinds.length));
            }
        } catch (IOException | M1n1Exception | IllegalArgumentException e) {
            throw new WalkerFailure("the QEMU judge cannot ask " + walker.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Judgement judge(PhysicalMemory memory, long va, Optional<Mapping> expected) {
        Judgement j = base.judge(memory, va, expected);
        if (regs == null || !(memory instanceof TableMirror mirror)) {
            return j;
        }
        if (j.mismatches().isEmpty()) {
            // QEMU is asked about the batch's agreeing walks all at once, at finish().
            pending.add(new Pending(mirror, va, expected, j));
            return j;
        }
        // The model judge finds the tables wrong here: its finding says at once whether QEMU agrees.
        if (!answers.containsKey(va)) {
            ask(mirror, List.of(va));
        }
        return evaluate(mirror, va, expected, j);
    }

    /** A walk the model judge found right, for QEMU to judge at the end of the batch. */
    private record Pending(TableMirror mirror, long va, Optional<Mapping> expected, Judgement judgement) {}

    private final List<Pending> pending = new ArrayList<>();

    /**
     * Asks QEMU about every walk of the batch the model judge found right, in one go, and returns
     * the ones QEMU judges otherwise: a "qemu: semantics" finding (the architecture disagrees with
     * the contract) or a "qemu: model walker" one (with the model's walker).
     */
    @Override
    public List<Late> finish() {
        if (pending.isEmpty()) {
            return List.of();
        }
        List<Pending> all = new ArrayList<>(pending);
        pending.clear();
        java.util.LinkedHashSet<Long> vas = new java.util.LinkedHashSet<>();
        for (Pending p : all) {
            if (!answers.containsKey(p.va())) {
                vas.add(p.va());
            }
        }
        if (!vas.isEmpty()) {
            ask(all.get(0).mirror(), new ArrayList<>(vas));
        }
        List<Late> out = new ArrayList<>();
        for (Pending p : all) {
            Judgement r = evaluate(p.mirror(), p.va(), p.expected(), p.judgement());
            if (r != p.judgement()) {
                out.add(new Late(p.va(), r));
            }
        }
        return out;
    }

    /** The judgement j of the model's walker at va, with what QEMU's answers (already in) say. */
    private Judgement evaluate(TableMirror memory, long va, Optional<Mapping> expected, Judgement j) {
        List<AtOracle.Answer> a = answers.get(va);
        AtKind[] kinds = regs.kinds();
        // QEMU's -cpu max has FEAT_LPA: the model walker is told so when it is compared with QEMU.
        WalkConfig cfg = base.walkConfig().withFeatLpa(true);
        long t0 = ownWalker.start();
        Translation model = Walker.walk(cfg, memory, va);
        ownWalker.stop(t0);
        Stage1Semantics.Mismatch modelDiff = null;
        for (int i = 0; i < kinds.length; i++) {
            ParComparison.Expected exp = ParComparison.expected(model, kinds[i]);
            Optional<ParComparison.Disagreement> d = ParComparison.compare(model, exp, kinds[i], a.get(i), regs.stage2(), -1);
            if (d.isPresent() && d.get().explained()) {
                walker.named(d.get().what().equals(ParComparison.PAR_SH_DEVICE_NC) ? "par_sh_device_nc" : "reserved_block_walked");
            } else if (d.isPresent() && modelDiff == null) {
                modelDiff = new Stage1Semantics.Mismatch(kinds[i] + " " + d.get().what(), exp.label(), label(a.get(i)), "");
            }
        }
        Translation qemu = fromAnswers(va, a, kinds, model, expected);
        List<Stage1Semantics.Mismatch> mm = Stage1Semantics.compare(expected, va, qemu, base.options(), regs.stage2());
        String detail = detail(va, expected, model, a, kinds, mm, modelDiff);
        if (!j.mismatches().isEmpty()) {
            String note;
            if (!mm.isEmpty()) {
                note = "QEMU's walker agrees that the tables are wrong: " + mm.get(0).key() + "\n";
            } else if (j.mismatches().get(0).field().contains("execute")) {
                note = "QEMU's walker cannot judge this field: AT has no instruction-fetch form (it finds nothing wrong with "
                        + "what it can ask: address, EL0/EL1 read and write, memory type, shareability).\n";
            } else {
                note = "QEMU's walker finds nothing wrong here: the model's walker and the architecture's disagree on these tables.\n";
            }
            String before = j.detail();
            return new Judgement(j.mismatches(), j.bin(), () -> before + "\n" + note + detail, j.encoding(), j.encodingWhere(),
                    j.explainEncoding(), j.decision(), j.family(), j.category());
        }
        if (!mm.isEmpty()) {
            return new Judgement(mm, j.bin(), () -> detail, List.of(), "", () -> "", j.decision(), FAMILY, Category.DRIVER_BUG);
        }
        if (modelDiff != null) {
            return new Judgement(List.of(modelDiff), j.bin(), () -> detail, List.of(), "", () -> "", j.decision(), MODEL_FAMILY,
                    Category.MODEL_ERROR);
        }
        return j;
    }

    /**
     * What the AT answers say the translation is, in the model's terms, so the contract's comparison
     * applies to it unchanged. Read and write at EL0 and EL1 come from the four answers; memory type
     * from PAR.ATTR and shareability from PAR.SH by the architecture's rule (Device and Normal-NC are
     * outer shareable whatever PAR.SH says: QEMU 7.2 reports the descriptor's SH there). AT has no
     * execute form, so execute rights are the contract's own (never a finding here); PAR gives no
     * level, so the level and descriptor kind are the model walker's when it translates.
     */
    private Translation fromAnswers(long va, List<AtOracle.Answer> a, AtKind[] kinds, Translation model,
                                    Optional<Mapping> expected) {
        AtOracle.Par ok = null;
        boolean[] granted = new boolean[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            if (a.get(i) instanceof AtOracle.WalkAbort w) {
                // ESR_EL2.DFSC 0b0101LL: synchronous external abort on the walk, at level LL.
                return new Translation.Fault(va, FaultKind.EXTERNAL_ABORT_ON_WALK, (int) (w.esr() & 3), List.of());
            }
            AtOracle.Par p = (AtOracle.Par) a.get(i);
            granted[i] = !p.fault();
            if (!p.fault() && ok == null) {
                ok = p;
            }
        }
        AtOracle.Par first = (AtOracle.Par) a.get(0);
        boolean allPermission = true;
        for (AtOracle.Answer x : a) {
            AtOracle.Par p = (AtOracle.Par) x;
            allPermission &= !p.fault() || (p.fst() & 0b111100) == 0b001100;
        }
        if (ok == null && !allPermission) {
            int fst = first.fst();
            FaultKind kind = switch (fst & 0b111100) {
                case 0b000000 -> FaultKind.ADDRESS_SIZE;
                case 0b001000 -> FaultKind.ACCESS_FLAG;
                case 0b010100 -> FaultKind.EXTERNAL_ABORT_ON_WALK;
                default -> FaultKind.TRANSLATION;
            };
            return new Translation.Fault(va, kind, fst & 3, List.of());
        }
        Permissions exec = expected.map(m -> regs.stage2() ? Stage1Semantics.expectedStage2Permissions(m.prot())
                : Stage1Semantics.expectedPermissions(m.prot(), base.options())).orElse(new Permissions(false, false, false, false, false, false));
        boolean el1r = granted[0];
        boolean el1w = granted[1];
        boolean el0r = kinds.length > 2 ? granted[2] : el1r;
        boolean el0w = kinds.length > 2 ? granted[3] : el1w;
        Permissions p = new Permissions(el0r, el0w, exec.el0Exec(), el1r, el1w, exec.el1Exec());
        Translation.Translated mt = model instanceof Translation.Translated t ? t : null;
        int level = mt != null ? mt.level() : (ok != null ? Granule.PAGE_LEVEL : first.fst() & 3);
        DescriptorKind dk = mt != null ? mt.kind() : (level == Granule.PAGE_LEVEL ? DescriptorKind.PAGE : DescriptorKind.BLOCK);
        long pa;
        MemoryType type;
        int sh;
        if (ok != null) {
            pa = ok.pa() | (va & 0xFFF);
            type = MemoryType.fromMairAttr(ok.attr());
            sh = ok.sh();
        } else if (mt != null) {
            // Every access faulted on permissions: PAR carries no address; the walk's stands in.
            pa = mt.pa();
            type = mt.memoryType();
            sh = mt.sh();
        } else {
            pa = expected.map(m -> m.translate(va)).orElse(0L);
            type = new MemoryType.Device(dev.lockstep.models.vmsa.DeviceKind.nGnRnE);
            sh = 0b10;
        }
        if (regs.stage2() && type instanceof MemoryType.Normal n) {
            // Stage 1 (off, HCR_EL2.DC) lends its allocation hints; stage 2 MemAttr has none.
            type = new MemoryType.Normal(n.inner(), n.outer(), false, false, false, false);
        }
        return new Translation.Translated(va, pa, level, dk, 0, p, type, Shareability.effective(type, sh), sh,
                false, false, true, false, List.of());
    }

    private static String label(AtOracle.Answer a) {
        if (a instanceof AtOracle.WalkAbort) {
            return "external abort on walk";
        }
        AtOracle.Par p = (AtOracle.Par) a;
        if (!p.fault()) {
            return "translated";
        }
        int level = p.fst() & 3;
        return switch (p.fst() & 0b111100) {
            case 0b000000 -> "address size fault L" + level;
            case 0b000100 -> "translation fault L" + level;
            case 0b001000 -> "access flag fault L" + level;
            case 0b001100 -> "permission fault L" + level;
            case 0b010100 -> "external abort on walk L" + level;
            default -> String.format("fault FST 0x%02x", p.fst());
        } + (p.stage2Fault() ? " (stage 2)" : "");
    }

    private String detail(long va, Optional<Mapping> expected, Translation model, List<AtOracle.Answer> a, AtKind[] kinds,
                          List<Stage1Semantics.Mismatch> mm, Stage1Semantics.Mismatch modelDiff) {
        StringBuilder sb = new StringBuilder();
        sb.append("QEMU's walker (").append(walker.describe()).append("), ").append(regs).append('\n');
        sb.append("va ").append(Sizes.hex(va)).append(", contract: ")
                .append(expected.map(m -> "mapped by " + m + " -> pa " + Sizes.hex(m.translate(va))).orElse("nothing mapped"))
                .append('\n');
        for (int i = 0; i < kinds.length; i++) {
            AtOracle.Answer x = a.get(i);
            sb.append(String.format("  AT %-6s -> %s %s%n", kinds[i], x,
                    x instanceof AtOracle.Par p ? ParComparison.parText(p) : ""));
        }
        for (Stage1Semantics.Mismatch x : mm) {
            sb.append("  ").append(x.field()).append(": contract ").append(x.expected()).append(", QEMU gives ").append(x.actual()).append('\n');
        }
        sb.append("model walker: ").append(ParComparison.describe(model, ParComparison.expected(model, kinds[0])))
                .append("\n  walk: ").append(ParComparison.walkText(model)).append('\n');
        if (modelDiff != null) {
            sb.append("  the model walker and QEMU differ: ").append(modelDiff.key()).append('\n');
        }
        return sb.toString();
    }
}
