package dev.lockstep.bench.engine;

import dev.lockstep.models.iopgtable.LpaeEncoding;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableContract;
import dev.lockstep.models.iopgtable.Stage1Semantics;
import dev.lockstep.models.vmsa.PhysicalMemory;
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

    /** Where va's walk is decided, without judging it: for finding where a table sits now. */
    Decision where(PhysicalMemory memory, long va);

    /** The tables every walk starts from (after a walkable cfg): one per TTBR in use. */
    List<TableRef> roots();

    /** The first input address outside the format's range. */
    long inputLimit();

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
     */
    record Judgement(List<Stage1Semantics.Mismatch> mismatches, String bin, Supplier<String> explain,
                     List<LpaeEncoding.FieldDiff> encoding, String encodingWhere, Supplier<String> explainEncoding,
                     Decision decision) {

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
                return mismatches.get(0).key();
            }
            if (!encoding.isEmpty()) {
                LpaeEncoding.FieldDiff f = encoding.get(0);
                return encodingWhere + " " + f.field() + " " + f.expected() + " " + f.actual();
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
        return options.isDart(config.format()) ? new DartJudge(config, options.dart()) : new VmsaJudge(config, options.vmsa());
    }
}
