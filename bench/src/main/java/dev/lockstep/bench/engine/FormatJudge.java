package dev.lockstep.bench.engine;

import dev.lockstep.models.iopgtable.LpaeEncoding;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableContract;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Stage1Semantics;
import dev.lockstep.models.vmsa.PhysicalMemory;
import dev.lockstep.reports.Category;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the scoreboard needs from one page-table format: its contract, a check of the
 * configuration the driver publishes at alloc (depth 2), and a judge of one iova walked in the
 * driver's tables by the format's own walker against the contract (depth 3).
 */
interface FormatJudge {

    /** A fresh contract for a table just allocated (and the judge forgets the last table's geometry). */
    PgtableContract newContract();

    /** A contract mapping nothing, changing nothing in the judge: what a generator sees before an alloc. */
    PgtableContract emptyContract();

    /** Whether acceptCfg may replace the contract (the geometry the driver publishes decides it). */
    default boolean contractFollowsCfg() {
        return false;
    }

    /**
     * Reads the cfg the driver filled in: the problems with it (depth 2, each one line), and
     * whether tables can be walked from it. May replace the contract when the published geometry
     * decides where a call's pages end (a stage-2 start level).
     */
    AllocCheck acceptCfg(Map<Integer, Long> cfg);

    /** Walks va in the driver's tables and compares it with what the contract expects there. */
    Judgement judge(PhysicalMemory memory, long va, Optional<Mapping> expected);

    /**
     * Called once before a batch's changes are judged, with the tables as they stand: a judge that
     * asks a slower oracle (the QEMU judge) gives it the tables here, once, rather than per walk.
     */
    default void prepare(TableMirror memory) {
    }

    /**
     * Called once after a batch's changes are judged: judgements a judge made late (the QEMU judge
     * asks its slower oracle about all of the batch's walks at once here), with their addresses.
     */
    default List<Late> finish() {
        return List.of();
    }

    /** A judgement made after the walk it is about, at {@link #finish}. */
    record Late(long va, Judgement judgement) {}

    /** Where va's walk is decided, without judging it: for finding where a table sits now. */
    Decision where(PhysicalMemory memory, long va);

    /**
     * Time this judge spent inside the model's walker so far (nanoseconds): the reference model's
     * part of judging, told apart from the scoreboard's comparing around it.
     */
    long walkerNanos();

    /** The tables every walk starts from (after a walkable cfg): one per TTBR in use. */
    List<TableRef> roots();

    /** The first input address outside the format's range, as an offset from {@link #inputBase}. */
    long inputLimit();

    /**
     * The first input address of the format's range: 0, or the top 2^ias bytes of the space for the
     * upper half of a split address space (ARM_TTBR1).
     */
    default long inputBase() {
        return 0;
    }

    record AllocCheck(List<String> problems, boolean walkable, Optional<PgtableContract> contract) {}

    /**
     * A translation table as walks meet it: its address, the level of its descriptors, the first
     * input address it maps, its size in bytes, and the input addresses each of its descriptors
     * decides.
     */
    record TableRef(long address, int level, long vaBase, long bytes, long entrySpan) {}

    /**
     * Where a walk was decided: the descriptor that gave the translation or the fault, and the
     * input addresses that descriptor decides alike, [regionStart, regionEnd). Every other input
     * address of that region walks the same descriptors, so its judgement differs only by the
     * offset. {@code path} holds the tables the walk went through, root first.
     *
     * @param descriptorAddress -1 when the walk was decided before any read (an input out of
     *                          range, a TTBR not set)
     * @param tableEnd          the first byte after the table holding the descriptor
     * @param leaf              a translation (not a fault)
     */
    record Decision(long regionStart, long regionEnd, long descriptorAddress, long raw, long tableEnd, boolean leaf,
                    List<TableRef> path) {
        static Decision none(long va, long end) {
            return new Decision(va, end, -1, 0, -1, false, List.of());
        }
    }

    /**
     * @param mismatches what disagrees (empty when the walk is what the contract says)
     * @param bin        the coverage bin of what the walk met, e.g. "walk/page/L3"
     * @param detail     the walk and the expectation, for a finding's detail
     * @param encoding   depth 4: how the leaf the driver wrote differs from the predicted one (only
     *                   judged where the semantics agree)
     * @param family     the start of a mismatch's finding title: "semantics" for the model's walker,
     *                   "qemu: semantics" when QEMU's walker judged the tables
     * @param category   what a mismatch is a finding of
     */
    record Judgement(List<Stage1Semantics.Mismatch> mismatches, String bin, Supplier<String> explain,
                     List<LpaeEncoding.FieldDiff> encoding, String encodingWhere, Supplier<String> explainEncoding,
                     Decision decision, String family, Category category) {

        Judgement(List<Stage1Semantics.Mismatch> mismatches, String bin, Supplier<String> explain,
                  List<LpaeEncoding.FieldDiff> encoding, String encodingWhere, Supplier<String> explainEncoding,
                  Decision decision) {
            this(mismatches, bin, explain, encoding, encodingWhere, explainEncoding, decision, "semantics", Category.DRIVER_BUG);
        }

        private static final Supplier<String> NOTHING = () -> "";

        /** A judgement of depth 3 only: the detail is written only if someone reads it. */
        Judgement(List<Stage1Semantics.Mismatch> mismatches, String bin, Supplier<String> explain, Decision decision) {
            this(mismatches, bin, explain, List.of(), "", NOTHING, decision);
        }

        /** A judgement that agrees. */
        Judgement(String bin, Decision decision) {
            this(List.of(), bin, NOTHING, List.of(), "", NOTHING, decision);
        }

        boolean agrees() {
            return mismatches.isEmpty() && encoding.isEmpty();
        }

        /** The walk and the expectation, for a finding's detail (depth 3). */
        String detail() {
            return explain.get();
        }

        /** The leaf predicted beside the leaf written (depth 4). */
        String encodingDetail() {
            return explainEncoding.get();
        }

        /**
         * What decides a title: empty when the judgement agrees, else its first disagreement. Two
         * judgements with the same verdict read the same finding.
         */
        String verdict() {
            if (!mismatches.isEmpty()) {
                return family + ": " + mismatches.get(0).key();
            }
            if (!encoding.isEmpty()) {
                // Every field: each differing field is a finding of its own.
                StringBuilder sb = new StringBuilder(encodingWhere);
                for (LpaeEncoding.FieldDiff f : encoding) {
                    sb.append(' ').append(f.field()).append(' ').append(f.expected()).append(' ').append(f.actual());
                }
                return sb.toString();
            }
            return "";
        }
    }

    /** The depth-4 detail's table: each differing field, predicted beside written. */
    static String diffTable(List<LpaeEncoding.FieldDiff> diffs) {
        StringBuilder sb = new StringBuilder(String.format("  %-16s %-20s %-20s%n", "field", "predicted", "written"));
        for (LpaeEncoding.FieldDiff d : diffs) {
            sb.append(String.format("  %-16s %-20s %-20s%n", d.field(), d.expected(), d.actual()));
        }
        return sb.toString();
    }

    static FormatJudge of(PgtableConfig config, ModelOptions options) {
        if (options.isDart(config.format())) {
            return new DartJudge(config, options.dart());
        }
        if (config.format() == PgtableFormat.ARM_MALI_LPAE) {
            return new MaliJudge(config, options.maliContract(), options.mali());
        }
        return new VmsaJudge(config, options.vmsa());
    }
}
