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
import dev.lockstep.models.iopgtable.UnmapSituation;
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
    /** Shared by every case: the spellings do not depend on it. */
    private static final Names names = new Names();
    private String lastLabel = "";

    /** Judged semantic divergences a batch reports at most: a driver this wrong has given its titles. */
    private static final int MAX_SEMANTIC_REPORTS = 8;

    private final ChangeJudge changes;

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
        // Seeded alike for every case, so a case replayed alone judges the same entries.
        this.changes = new ChangeJudge(judge, coverage, new java.util.SplittableRandom(0x10c5));
    }

    /** A fresh contract of this format, mapping nothing. */
    PgtableContract emptyModel() {
        return judge.emptyContract();
    }

    /** The contract as it stands after the operations judged so far, or null outside a table's life. */
    public PgtableContract model() {
        return model;
    }

    /** Time inside the contract's own calls so far: the model's part of predicting. */
    private final SampledClock contractClock = new SampledClock();

    long contractNanos() {
        return contractClock.nanos();
    }

    /** Applies op to the model and returns what the target must answer. */
    Prediction predict(Op op) {
        long t0 = contractClock.start();
        if (op instanceof Op.Map m) {
            MapOutcome o = model.map(m.iova(), m.paddr(), m.pgsize(), m.pgcount(), m.prot());
            contractClock.stop(t0);
            int size = sizeIndex(o.leafLevel(), m.pgsize());
            coverage.hit(names.mapBin(o.situation(), size));
            coverage.hit(names.protBin(m.prot()));
            // A call with no access rights says so first: its outcome hangs on the noAccessMap choice.
            boolean noAccess = m.prot().noAccess() && o.situation() != MapSituation.NO_ACCESS;
            return new Prediction(names.mapLabel(noAccess, o.situation(), m.pgsize()), o.status(), o.mappedBytes(),
                    o.misuse(), o.acceptable());
        }
        if (op instanceof Op.Unmap u) {
            UnmapOutcome o = model.unmap(u.iova(), u.pgsize(), u.pgcount());
            contractClock.stop(t0);
            coverage.hit(names.unmapBin(o.situation(), sizeIndex(o.leafLevel(), u.pgsize())));
            return new Prediction(names.unmapLabel(o.situation(), u.pgsize()), 0, o.unmappedBytes(), o.misuse());
        }
        if (op instanceof Op.IovaToPhys q) {
            long pa = model.iovaToPhys(q.iova());
            contractClock.stop(t0);
            coverage.hit(pa == 0 ? "iova_to_phys/unmapped" : "iova_to_phys/mapped");
            return new Prediction(pa == 0 ? "iova_to_phys unmapped" : "iova_to_phys mapped", 0, pa, false);
        }
        // Whether the tables can be walked is the judging side's to say (compare): a FREE predicted
        // as it is sent comes before the tables of its own batch are judged.
        if (op instanceof Op.Alloc) {
            model = judge.newContract();
            contractClock.stop(t0);
            return new Prediction("alloc", 0, 0, false);
        }
        model = null;
        return new Prediction("free", 0, 0, false);
    }

    /** The size bin of a call: its pgsize as log2, or 64 ("other") when the format has no leaf of it. */
    private static int sizeIndex(int leafLevel, long pgsize) {
        return leafLevel < 0 ? 64 : Long.numberOfTrailingZeros(pgsize);
    }

    /**
     * Coverage bins and operation labels, spelled once per kind of outcome and size and then reused:
     * an operation is judged in a fraction of a microsecond, and building these strings each time
     * cost more than the model. Filled as met; two threads filling one slot write the same string.
     */
    private static final class Names {
        private final String[][] mapBins = new String[MapSituation.values().length][65];
        private final String[][] unmapBins = new String[UnmapSituation.values().length][65];
        private final String[][][] mapLabels = new String[2][MapSituation.values().length][65];
        private final String[][] unmapLabels = new String[UnmapSituation.values().length][65];
        private final String[] protBins = new String[Prot.ALL + 1];

        String mapBin(MapSituation s, int size) {
            String b = mapBins[s.ordinal()][size];
            if (b == null) {
                b = "map/" + s.label() + "/" + (size == 64 ? "other" : Sizes.size(1L << size));
                mapBins[s.ordinal()][size] = b;
            }
            return b;
        }

        String unmapBin(UnmapSituation s, int size) {
            String b = unmapBins[s.ordinal()][size];
            if (b == null) {
                b = "unmap/" + s.label() + "/" + (size == 64 ? "other" : Sizes.size(1L << size));
                unmapBins[s.ordinal()][size] = b;
            }
            return b;
        }

        String protBin(Prot p) {
            String b = protBins[p.bits()];
            if (b == null) {
                b = "prot/" + p;
                protBins[p.bits()] = b;
            }
            return b;
        }

        /** "map [no-access ]SITUATION SIZE"; sizes that are not one power of two are spelled each time. */
        String mapLabel(boolean noAccess, MapSituation s, long pgsize) {
            if (Long.bitCount(pgsize) != 1) {
                return "map " + (noAccess ? "no-access " : "") + s.label() + " " + Sizes.size(pgsize);
            }
            int size = Long.numberOfTrailingZeros(pgsize);
            String l = mapLabels[noAccess ? 1 : 0][s.ordinal()][size];
            if (l == null) {
                l = "map " + (noAccess ? "no-access " : "") + s.label() + " " + Sizes.size(pgsize);
                mapLabels[noAccess ? 1 : 0][s.ordinal()][size] = l;
            }
            return l;
        }

        String unmapLabel(UnmapSituation s, long pgsize) {
            if (Long.bitCount(pgsize) != 1) {
                return "unmap " + s.label() + " " + Sizes.size(pgsize);
            }
            int size = Long.numberOfTrailingZeros(pgsize);
            String l = unmapLabels[s.ordinal()][size];
            if (l == null) {
                l = "unmap " + s.label() + " " + Sizes.size(pgsize);
                unmapLabels[s.ordinal()][size] = l;
            }
            return l;
        }
    }

    /** Predicts op, compares the target's result and events with it, and returns every divergence. */
    public List<Divergence> check(int opIndex, Op op, OpResult r, List<AgentEvent> events) {
        return compare(opIndex, op, predict(op), r, events);
    }

    /**
     * Whether the contract's later predictions would have to change because of this answer: the
     * driver mapped less than the contract's chunk, which the contract allows and then follows
     * (acceptShorterMap). A session that predicted ahead cannot follow it after the fact.
     */
    static boolean shortensTheContract(Op op, Prediction p, OpResult r) {
        return op instanceof Op.Map && r.status() == 0 && p.status() == 0 && r.value() < p.value() && r.value() > 0;
    }

    /**
     * Whether the contract's state depends on what the driver publishes at alloc (a stage-2 start
     * level): then nothing after an alloc can be predicted before the alloc's answer is in.
     */
    boolean contractFollowsCfg() {
        return judge.contractFollowsCfg();
    }

    /** Compares the target's result and events for op with what the contract predicted for it. */
    List<Divergence> compare(int opIndex, Op op, Prediction p, OpResult r, List<AgentEvent> events) {
        lastLabel = p.label();
        List<Divergence> out = new ArrayList<>();
        if (r.status() == OpResult.BENCH_ERROR) {
            out.add(new Divergence("bench error: the agent refused " + op.kind(), 1, Category.MODEL_ERROR, opIndex,
                    "The agent rejected " + Reproducer.format(op) + " as malformed: a bench bug, not a driver finding."));
            return out;
        }
        if (walkable && op instanceof Op.Map m) {
            changes.asked(m.iova(), m.iova() + m.pgsize() * Math.max(1, m.pgcount()));
        } else if (walkable && op instanceof Op.Unmap u) {
            changes.asked(u.iova(), u.iova() + u.pgsize() * Math.max(1, u.pgcount()));
        }
        if (op instanceof Op.Alloc a) {
            walkable = false;
            checkAlloc(opIndex, a, r, out);
        } else if (op instanceof Op.Free) {
            walkable = false;
            if (r.value() != 0) {
                out.add(new Divergence("leak: blocks still allocated after free_io_pgtable_ops", 5, Category.HEALTH, opIndex,
                        r.value() + " arena blocks allocated by this table were not freed by free_io_pgtable_ops."));
            }
        } else if (op instanceof Op.Map) {
            boolean shorter = r.status() == 0 && p.status() == 0 && r.value() < p.value() && model.acceptShorterMap(r.value());
            if (!shorter && !p.accepts(r.status(), r.value())) {
                out.add(Divergence.lazy(p.label() + ": driver returns " + answer(r.status(), r.value(), p)
                        + ", contract " + Errno.name(p.status()) + (p.status() == 0 ? " mapping " + sizeWord(p.value()) : ""),
                        1, Category.DRIVER_BUG, opIndex, () -> detail(op, p, r)));
            }
        } else if (op instanceof Op.Unmap) {
            if (r.value() != p.value()) {
                out.add(Divergence.lazy(p.label() + ": driver unmaps " + relation(r.value(), p.value())
                        + " than the contract (" + sizeWord(p.value()) + ")", 1, Category.DRIVER_BUG, opIndex, () -> detail(op, p, r)));
            }
        } else if (op instanceof Op.IovaToPhys) {
            if (r.value() != p.value()) {
                String what = p.value() == 0 ? "an address where nothing is mapped"
                        : r.value() == 0 ? "0 for a mapped iova" : "the wrong address";
                out.add(Divergence.lazy("iova_to_phys: driver answers " + what, 2, Category.DRIVER_BUG, opIndex, () -> detail(op, p, r)));
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
        changes.begin();
        if (walkable) {
            changes.rooted();
        }
        if (!c.problems().isEmpty()) {
            out.add(new Divergence("alloc: the cfg the driver fills in disagrees (" + c.problems().get(0).replaceAll("[0-9]+|0x[0-9a-f]+", "N") + ")",
                    2, Category.DRIVER_BUG, opIndex, String.join("\n", c.problems()) + "\ncfg: " + r.cfg()));
        }
    }

    /**
     * Depths 3 and 4 over everything the batch just judged could have changed ({@link ChangeJudge}).
     * With {@code afterOneOperation} the titles name the operation the tables were read after, which
     * is only meaningful when a single operation ran since the last check.
     */
    public List<Divergence> checkChanges(int opIndex, TableMirror memory, boolean afterOneOperation) {
        return model == null ? new ArrayList<>() : checkChanges(opIndex, memory, Expectations.of(model), afterOneOperation);
    }

    /** As above, against the contract's extents as they stood after the batch (a copy, when later batches were predicted). */
    List<Divergence> checkChanges(int opIndex, TableMirror memory, Expectations expected, boolean afterOneOperation) {
        List<Divergence> out = new ArrayList<>();
        if (!walkable) {
            return out;
        }
        changes.judge(memory, expected, (j, va) -> {
            boolean stop = false;
            for (Divergence d : divergences(j, va, expected, opIndex, afterOneOperation)) {
                boolean seen = false;
                for (Divergence x : out) {
                    if (x.title().equals(d.title())) {
                        seen = true;
                        break;
                    }
                }
                if (!seen) {
                    out.add(d);
                    stop |= d.fatal();
                }
            }
            return stop || out.size() >= MAX_SEMANTIC_REPORTS;
        });
        return out;
    }

    /** Time spent in the model's walker by this case's judging so far (nanoseconds). */
    long walkerNanos() {
        return judge.walkerNanos();
    }

    /** Walks the last judge ran, for the bench's figures. */
    long walks() {
        return changes.walks();
    }

    /**
     * The findings of a judgement that disagrees: a semantic one titled by its first mismatch (and
     * by the walker that judged it: the model's, or QEMU's), or one per differing field at depth 4,
     * since each field's cause is its own and a known one must not hide the others.
     */
    private List<Divergence> divergences(FormatJudge.Judgement j, long va, Expectations expected, int opIndex,
                                         boolean afterOneOperation) {
        String after = afterOneOperation ? " after " + lastLabel : "";
        List<Stage1Semantics.Mismatch> mm = j.mismatches();
        if (!mm.isEmpty()) {
            Divergence d = Divergence.lazy(j.family() + after + ": " + mm.get(0).key(), 3, j.category(), opIndex, j::detail);
            // Wrong attributes on a right translation leave the address spaces in step.
            boolean sameSpace = mm.stream().noneMatch(x -> x.field().equals("translation") || x.field().equals("output address"));
            return List.of(sameSpace ? d.survivable() : d);
        }
        List<Divergence> out = new ArrayList<>();
        Prot prot = null;
        for (LpaeEncoding.FieldDiff f : j.encoding()) {
            if (prot == null) {
                prot = expected.lookup(va).map(Mapping::prot).orElse(Prot.of(0));
            }
            boolean address = f.field().equals("output address") || f.field().equals("other bits");
            out.add(Divergence.lazy("encoding" + after + " (" + j.encodingWhere() + "): " + f.field() + ": predicted "
                    + (address ? "other bits" : f.expected()) + ", driver wrote " + (address ? "these" : f.actual())
                    + relevantProt(f.field(), prot), 4, Category.DRIVER_BUG, opIndex, j::encodingDetail).survivable());
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
