package dev.lockstep.bench.engine;

import dev.lockstep.bench.wire.AgentEvent;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.OpResult;
import dev.lockstep.models.iopgtable.Errno;
import dev.lockstep.models.iopgtable.MapOutcome;
import dev.lockstep.models.iopgtable.LpaeEncoding;
import dev.lockstep.models.iopgtable.MapSituation;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableContract;
import dev.lockstep.models.iopgtable.Stage1Semantics;
import dev.lockstep.models.iopgtable.UnmapOutcome;
import dev.lockstep.reports.Category;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares what the target did with what the model predicts, at the depths of design.md:
 * 1 return values and sizes, 2 the driver's own answers (iova_to_phys, the cfg it fills in),
 * 3 semantics of the tables it built (walked by the architecture's walker), 5 health (WARN, leaks).
 * Crashes and hangs (also depth 5) come from the session, which sees the target fail.
 */
public final class Scoreboard {
    private final PgtableConfig config;
    private final FormatJudge judge;
    private final Coverage coverage;
    private PgtableContract model;
    private boolean walkable;
    private String lastLabel = "";

    public Scoreboard(PgtableConfig config, ModelOptions options, Coverage coverage) {
        this(config, options, coverage, java.util.Optional.empty());
    }

    /** With a hardware walker (QEMU), which judges the tables' semantics beside the model's walker. */
    public Scoreboard(PgtableConfig config, ModelOptions options, Coverage coverage,
                      java.util.Optional<dev.lockstep.bench.m1n1.HardwareWalker> walker) {
        this.config = config;
        FormatJudge base = FormatJudge.of(config, options);
        this.judge = walker.map(w -> QemuJudge.over(base, w, config, options)).orElse(base);
        this.coverage = coverage;
    }

    /** The contract as it stands after the operations judged so far, or null outside a table's life. */
    public PgtableContract model() {
        return model;
    }

    /** Applies op to the model and returns what the target must answer. */
    Prediction predict(Op op) {
        if (op instanceof Op.Alloc) {
            model = judge.newContract();
            walkable = false;
            return new Prediction("alloc", 0, 0, false);
        }
        if (op instanceof Op.Free) {
            model = null;
            walkable = false;
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
            // A non-coherent walk is named: it is the one request callers of some formats never make.
            out.add(new Divergence("alloc_io_pgtable_ops fails for a valid " + config.format().cliName() + " "
                    + config.granule().label() + " configuration"
                    + (config.quirks() != 0 ? " (quirks " + dev.lockstep.models.iopgtable.Quirk.describe(config.quirks()) + ")" : "")
                    + (config.coherentWalk() ? "" : " (non-coherent walk)"), 1, Category.DRIVER_BUG, opIndex,
                    "status " + Errno.name(r.status()) + " for " + Reproducer.format(a)));
            return;
        }
        FormatJudge.AllocCheck c = judge.acceptCfg(r.cfg());
        walkable = c.walkable();
        c.contract().ifPresent(m -> model = m);
        if (!c.problems().isEmpty()) {
            out.add(new Divergence("alloc: the cfg the driver fills in disagrees (" + c.problems().get(0).replaceAll("[0-9]+|0x[0-9a-f]+", "N") + ")",
                    2, Category.DRIVER_BUG, opIndex, String.join("\n", c.problems()) + "\ncfg: " + r.cfg()));
        }
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
        if (!walkable || model == null) {
            return out;
        }
        judge.prepare(memory, probes, probeCount);
        for (int i = 0; i < probeCount; i++) {
            long va = probes[i];
            FormatJudge.Judgement j = judge.judge(memory, va, model.lookup(va));
            coverage.hit(j.bin());
            List<Stage1Semantics.Mismatch> mm = j.mismatches();
            if (!mm.isEmpty()) {
                String after = afterOneOperation ? " after " + lastLabel : "";
                Divergence d = new Divergence(j.family() + after + ": " + mm.get(0).key(), 3, j.category(), opIndex, j.detail());
                // Wrong attributes on a right translation leave the address spaces in step.
                boolean sameSpace = mm.stream().noneMatch(x -> x.field().equals("translation") || x.field().equals("output address"));
                out.add(sameSpace ? d.survivable() : d);
                return out;
            }
            if (!j.encoding().isEmpty()) {
                // One finding per field: each field's cause is its own, and a known one must not hide the others.
                String after = afterOneOperation ? " after " + lastLabel : "";
                for (LpaeEncoding.FieldDiff f : j.encoding()) {
                    out.add(new Divergence("encoding" + after + " (" + j.encodingWhere() + "): " + f.field() + ": predicted "
                            + (f.field().equals("output address") || f.field().equals("other bits") ? "other bits" : f.expected())
                            + ", driver wrote " + (f.field().equals("output address") || f.field().equals("other bits") ? "these" : f.actual())
                            + relevantProt(f.field(), model.lookup(probes[i]).map(Mapping::prot).orElse(Prot.of(0))),
                            4, Category.DRIVER_BUG, opIndex, j.encodingDetail()).survivable());
                }
                return out;
            }
        }
        return out;
    }

    /** The prot bits a descriptor field encodes, so one cause is one finding and different causes are not. */
    private static String relevantProt(String field, Prot prot) {
        int mask = switch (field) {
            case "SH", "AttrIndx", "MemAttr", "NO_CACHE" -> Prot.CACHE | Prot.MMIO;
            case "AP[2:1]", "S2AP" -> Prot.READ | Prot.WRITE | Prot.PRIV;
            case "NO_READ", "NO_WRITE", "READ", "WRITE" -> Prot.READ | Prot.WRITE;
            case "XN", "bit 53 (stage-1 PXN)" -> Prot.NOEXEC;
            case "PXN", "UXN/XN", "XN[1:0]" -> Prot.NOEXEC | Prot.PRIV;
            default -> 0;
        };
        return mask == 0 ? "" : " (prot " + Prot.of(prot.bits() & mask) + ")";
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
