package dev.lockstep.bench.engine;

import dev.lockstep.bench.wire.AgentEvent;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.OpResult;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.Errno;
import dev.lockstep.models.iopgtable.IoPgtableModel;
import dev.lockstep.models.iopgtable.MapOutcome;
import dev.lockstep.models.iopgtable.MapSituation;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.Stage1Semantics;
import dev.lockstep.models.iopgtable.UnmapOutcome;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.Translation;
import dev.lockstep.models.vmsa.WalkConfig;
import dev.lockstep.models.vmsa.WalkStep;
import dev.lockstep.models.vmsa.Walker;
import dev.lockstep.reports.Category;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares what the target did with what the model predicts, at the depths of design.md:
 * 1 return values and sizes, 2 the driver's own answers (iova_to_phys, the cfg it fills in),
 * 3 semantics of the tables it built (walked by the architecture's walker), 5 health (WARN, leaks).
 * Crashes and hangs (also depth 5) come from the session, which sees the target fail.
 */
public final class Scoreboard {
    private static final int[] IPS_BITS = {32, 36, 40, 42, 44, 48, 52};

    private final PgtableConfig config;
    private final ContractOptions options;
    private final Coverage coverage;
    private IoPgtableModel model;
    private WalkConfig walk;
    private String lastLabel = "";

    public Scoreboard(PgtableConfig config, ContractOptions options, Coverage coverage) {
        this.config = config;
        this.options = options;
        this.coverage = coverage;
    }

    public IoPgtableModel model() {
        return model;
    }

    public Optional<WalkConfig> walkConfig() {
        return Optional.ofNullable(walk);
    }

    /** Applies op to the model and returns what the target must answer. */
    Prediction predict(Op op) {
        if (op instanceof Op.Alloc) {
            model = new IoPgtableModel(config, options);
            walk = null;
            return new Prediction("alloc", 0, 0, false);
        }
        if (op instanceof Op.Free) {
            model = null;
            walk = null;
            return new Prediction("free", 0, 0, false);
        }
        if (op instanceof Op.Map m) {
            MapOutcome o = model.map(m.iova(), m.paddr(), m.pgsize(), m.pgcount(), m.prot());
            coverage.hit("map/" + o.situation().label() + "/" + sizeBin(o.leafLevel(), m.pgsize()));
            coverage.hit("prot/" + m.prot());
            // A call with no access rights says so first: its outcome hangs on the noAccessMap choice.
            String noAccess = m.prot().noAccess() && o.situation() != MapSituation.NO_ACCESS ? "no-access " : "";
            return new Prediction("map " + noAccess + o.situation().label() + " " + Sizes.size(m.pgsize()), o.status(), o.mappedBytes(),
                    o.misuse(), o.acceptable());
        }
        if (op instanceof Op.Unmap u) {
            UnmapOutcome o = model.unmap(u.iova(), u.pgsize(), u.pgcount());
            coverage.hit("unmap/" + o.situation().label() + "/" + sizeBin(o.leafLevel(), u.pgsize()));
            return new Prediction("unmap " + o.situation().label() + " " + Sizes.size(u.pgsize()), 0, o.unmappedBytes(), o.misuse());
        }
        Op.IovaToPhys q = (Op.IovaToPhys) op;
        long pa = model.iovaToPhys(q.iova());
        coverage.hit("iova_to_phys/" + (pa == 0 ? "unmapped" : "mapped"));
        return new Prediction("iova_to_phys " + (pa == 0 ? "unmapped" : "mapped"), 0, pa, false);
    }

    private static String sizeBin(int leafLevel, long pgsize) {
        return leafLevel < 0 ? "other" : Sizes.size(pgsize);
    }

    /** Predicts op, compares the target's result and events with it, and returns every divergence. */
    public List<Divergence> check(int opIndex, Op op, OpResult r, List<AgentEvent> events) {
        Prediction p = predict(op);
        lastLabel = p.label();
        List<Divergence> out = new ArrayList<>();
        if (r.status() == OpResult.BENCH_ERROR) {
            out.add(new Divergence("bench error: the agent refused " + op.kind(), 1, Category.MODEL_ERROR, opIndex,
                    "The agent rejected " + Reproducer.format(op) + " as malformed: a bench bug, not a driver finding."));
            return out;
        }
        if (op instanceof Op.Alloc a) {
            checkAlloc(opIndex, a, r, out);
        } else if (op instanceof Op.Free) {
            if (r.value() != 0) {
                out.add(new Divergence("leak: blocks still allocated after free_io_pgtable_ops", 5, Category.HEALTH, opIndex,
                        r.value() + " arena blocks allocated by this table were not freed by free_io_pgtable_ops."));
            }
        } else if (op instanceof Op.Map) {
            boolean shorter = r.status() == 0 && p.status() == 0 && r.value() < p.value() && model.acceptShorterMap(r.value());
            if (!shorter && !p.accepts(r.status(), r.value())) {
                out.add(new Divergence(p.label() + ": driver returns " + answer(r.status(), r.value(), p)
                        + ", contract " + Errno.name(p.status()) + (p.status() == 0 ? " mapping " + sizeWord(p.value()) : ""),
                        1, Category.DRIVER_BUG, opIndex, detail(op, p, r)));
            }
        } else if (op instanceof Op.Unmap) {
            if (r.value() != p.value()) {
                out.add(new Divergence(p.label() + ": driver unmaps " + relation(r.value(), p.value())
                        + " than the contract (" + sizeWord(p.value()) + ")", 1, Category.DRIVER_BUG, opIndex, detail(op, p, r)));
            }
        } else if (op instanceof Op.IovaToPhys) {
            if (r.value() != p.value()) {
                String what = p.value() == 0 ? "an address where nothing is mapped"
                        : r.value() == 0 ? "0 for a mapped iova" : "the wrong address";
                out.add(new Divergence("iova_to_phys: driver answers " + what, 2, Category.DRIVER_BUG, opIndex, detail(op, p, r)));
            }
        }
        for (AgentEvent e : events) {
            if (e.kind() == AgentEvent.Kind.WARN && !p.misuse()) {
                out.add(new Divergence("WARN " + warnSite(e.text()) + " on " + p.label(), 5, Category.HEALTH, opIndex,
                        "The driver warned on a call the contract allows:\n  " + e.text() + "\n" + detail(op, p, r)).survivable());
            } else if (e.kind() == AgentEvent.Kind.BUG) {
                out.add(new Divergence("BUG " + warnSite(e.text()) + " on " + p.label(), 5, Category.CRASH, opIndex, e.text()));
            }
        }
        return out;
    }

    private void checkAlloc(int opIndex, Op.Alloc a, OpResult r, List<Divergence> out) {
        if (r.status() != 0) {
            out.add(new Divergence("alloc_io_pgtable_ops fails for a valid " + config.format().cliName() + " "
                    + config.granule().label() + " configuration", 1, Category.DRIVER_BUG, opIndex,
                    "status " + Errno.name(r.status()) + " for " + Reproducer.format(a)));
            return;
        }
        Map<Integer, Long> kv = r.cfg();
        boolean s2 = config.format().stage2();
        // Stage 1 publishes TTBR/TCR/MAIR, stage 2 VTTBR/VTCR: the same fields under other keys.
        long tg = kv.getOrDefault(s2 ? 11 : 3, -1L);
        long tsz = kv.getOrDefault(s2 ? 16 : 7, -1L);
        long ips = kv.getOrDefault(s2 ? 10 : 2, -1L);
        long base = kv.getOrDefault(s2 ? 9 : 1, 0L);
        Granule g = switch ((int) tg) {
            case 0 -> Granule.G4K;
            case 1 -> Granule.G64K;
            case 2 -> Granule.G16K;
            default -> null;
        };
        String tcr = s2 ? "VTCR" : "TCR";
        List<String> bad = new ArrayList<>();
        if (g != config.granule()) {
            bad.add(tcr + ".TG0 " + tg + " is not the " + config.granule().label() + " granule");
        }
        if (tsz != 64 - config.ias()) {
            bad.add(tcr + ".T0SZ " + tsz + " is not 64 - ias = " + (64 - config.ias()));
        }
        if (ips < 0 || ips >= IPS_BITS.length || IPS_BITS[(int) ips] < config.oas()) {
            bad.add(tcr + (s2 ? ".PS " : ".IPS ") + ips + " does not cover oas " + config.oas());
        }
        long bitmap = kv.getOrDefault(30, 0L);
        if (bitmap != config.pgsizeBitmap()) {
            bad.add("pgsize_bitmap 0x" + Long.toHexString(bitmap) + " is not the architecture's 0x" + Long.toHexString(config.pgsizeBitmap()));
        }
        if (!bad.isEmpty()) {
            out.add(new Divergence("alloc: the cfg the driver fills in disagrees (" + bad.get(0).replaceAll("[0-9]+|0x[0-9a-f]+", "N") + ")",
                    2, Category.DRIVER_BUG, opIndex, String.join("\n", bad)));
        }
        if (g == null || tsz <= 0) {
            return;
        }
        int oasBits = ips >= 0 && ips < IPS_BITS.length ? IPS_BITS[(int) ips] : config.oas();
        try {
            if (s2) {
                int startLevel = stage2StartLevel(g, kv.getOrDefault(15, -1L));
                walk = WalkConfig.stage2(g, (int) (64 - tsz), oasBits, base, startLevel);
                model = new IoPgtableModel(config.withTopLevel(walk.startLevel()), options);
            } else {
                walk = WalkConfig.stage1(g, (int) (64 - tsz), oasBits, base, kv.getOrDefault(8, 0L));
            }
        } catch (IllegalArgumentException e) {
            out.add(new Divergence("alloc: the cfg the driver fills in is not a valid VMSA configuration", 2,
                    Category.DRIVER_BUG, opIndex, e.getMessage() + "\ncfg: " + kv));
        }
    }

    /** VTCR_EL2.SL0 to a start level: 4K counts down from level 2, 16K and 64K from level 3. */
    private static int stage2StartLevel(Granule g, long sl0) {
        if (sl0 < 0 || sl0 > 2) {
            throw new IllegalArgumentException("VTCR.SL0 " + sl0 + " is reserved");
        }
        return (g == Granule.G4K ? 2 : 3) - (int) sl0;
    }

    /** Walks the driver's tables at each probe and compares with the contract (depth 3). */
    public List<Divergence> checkSemantics(int opIndex, TableMirror memory, long[] probes, int probeCount) {
        return checkSemantics(opIndex, memory, probes, probeCount, false);
    }

    /**
     * As above; with {@code afterOneOperation} the title names the operation the tables were read
     * after, which is only meaningful when a single operation ran since the last check.
     */
    public List<Divergence> checkSemantics(int opIndex, TableMirror memory, long[] probes, int probeCount, boolean afterOneOperation) {
        List<Divergence> out = new ArrayList<>();
        if (walk == null || model == null) {
            return out;
        }
        for (int i = 0; i < probeCount; i++) {
            long va = probes[i];
            Translation t = Walker.walk(walk, memory, va);
            Optional<Mapping> m = model.lookup(va);
            if (t instanceof Translation.Translated tr) {
                coverage.hit("walk/" + tr.kind().name().toLowerCase() + "/L" + tr.level());
            } else if (t instanceof Translation.Fault f) {
                coverage.hit("walk/fault-" + f.kind().name().toLowerCase() + "/L" + f.level());
            }
            List<Stage1Semantics.Mismatch> mm = Stage1Semantics.compare(m, va, t, options, config.format().stage2());
            if (!mm.isEmpty()) {
                String after = afterOneOperation ? " after " + lastLabel : "";
                Divergence d = new Divergence("semantics" + after + ": " + mm.get(0).key(), 3, Category.DRIVER_BUG, opIndex,
                        walkDetail(va, m, t, mm));
                // Wrong attributes on a right translation leave the address spaces in step.
                boolean sameSpace = mm.stream().noneMatch(x -> x.field().equals("translation") || x.field().equals("output address"));
                out.add(sameSpace ? d.survivable() : d);
                return out;
            }
        }
        return out;
    }

    private String walkDetail(long va, Optional<Mapping> m, Translation t, List<Stage1Semantics.Mismatch> mm) {
        StringBuilder sb = new StringBuilder();
        sb.append("va ").append(Sizes.hex(va)).append('\n');
        sb.append("contract: ").append(m.map(x -> "mapped by " + x + " -> pa " + Sizes.hex(x.translate(va))
                + ", permissions " + (config.format().stage2() ? Stage1Semantics.expectedStage2Permissions(x.prot())
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

    private static String describe(Translation t) {
        if (t instanceof Translation.Translated tr) {
            return "pa " + Sizes.hex(tr.pa()) + " via L" + tr.level() + " " + tr.kind() + ", " + tr.permissions()
                    + ", " + Stage1Semantics.describe(tr.memoryType()) + ", " + tr.shareability()
                    + ", nG=" + tr.nG() + ", AF=" + tr.af();
        }
        Translation.Fault f = (Translation.Fault) t;
        return f.kind() + " fault at level " + f.level();
    }

    private static String detail(Op op, Prediction p, OpResult r) {
        return "operation: " + Reproducer.format(op) + "\n"
                + "contract:  status " + Errno.name(p.status()) + ", value " + Sizes.hex(p.value()) + " (" + p.label() + ")\n"
                + "driver:    status " + Errno.name(r.status()) + ", value " + Sizes.hex(r.value())
                + ", tlb flush_all " + r.tlbFlushAll() + " flush_walk " + r.tlbFlushWalk() + " add_page " + r.tlbAddPage()
                + ", warns " + r.warns() + "\n";
    }

    private static String answer(int status, long value, Prediction p) {
        if (status != 0) {
            return Errno.name(status);
        }
        if (p.status() != 0) {
            return value == 0 ? "0 mapping nothing" : "0 and maps pages";
        }
        return "0 mapping " + (value == p.value() ? sizeWord(value) : relation(value, p.value()) + " bytes");
    }

    private static String relation(long got, long want) {
        if (got == 0) return "nothing";
        return got < want ? "fewer" : "more";
    }

    private static String sizeWord(long bytes) {
        return bytes == 0 ? "nothing" : "the chunk";
    }

    /** "file:line func(): cond" becomes "in func() (file)" so one WARN site is one title across trees. */
    static String warnSite(String text) {
        String t = text.strip();
        int colon = t.indexOf(':');
        int paren = t.indexOf("()");
        if (colon > 0 && paren > colon) {
            String file = t.substring(0, colon);
            int slash = file.lastIndexOf('/');
            String func = t.substring(t.lastIndexOf(' ', paren) + 1, paren);
            return "in " + func + "() (" + file.substring(slash + 1) + ")";
        }
        return "'" + (t.length() > 60 ? t.substring(0, 60) : t) + "'";
    }
}
