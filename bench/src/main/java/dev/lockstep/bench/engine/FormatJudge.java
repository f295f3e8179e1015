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

/**
 * What the scoreboard needs from one page-table format: its contract, a check of the
 * configuration the driver publishes at alloc (depth 2), and a judge of one iova walked in the
 * driver's tables by the format's own walker against the contract (depth 3).
 */
interface FormatJudge {

    /** A fresh contract for a table just allocated. */
    PgtableContract newContract();

    /**
     * Reads the cfg the driver filled in: the problems with it (depth 2, each one line), and
     * whether tables can be walked from it. May replace the contract when the published geometry
     * decides where a call's pages end (a stage-2 start level).
     */
    AllocCheck acceptCfg(Map<Integer, Long> cfg);

    /** Walks va in the driver's tables and compares it with what the contract expects there. */
    Judgement judge(PhysicalMemory memory, long va, Optional<Mapping> expected);

    /**
     * Called once before a batch's probes are judged, with the tables and every probe: a judge that
     * asks a slower oracle (the QEMU judge) asks about them all at once here.
     */
    default void prepare(TableMirror memory, long[] probes, int probeCount) {
    }

    record AllocCheck(List<String> problems, boolean walkable, Optional<PgtableContract> contract) {}

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
    record Judgement(List<Stage1Semantics.Mismatch> mismatches, String bin, String detail, List<LpaeEncoding.FieldDiff> encoding,
                     String encodingWhere, String encodingDetail, String family, Category category) {

        Judgement(List<Stage1Semantics.Mismatch> mismatches, String bin, String detail, List<LpaeEncoding.FieldDiff> encoding,
                  String encodingWhere, String encodingDetail) {
            this(mismatches, bin, detail, encoding, encodingWhere, encodingDetail, "semantics", Category.DRIVER_BUG);
        }

        Judgement(List<Stage1Semantics.Mismatch> mismatches, String bin, String detail) {
            this(mismatches, bin, detail, List.of(), "", "");
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
