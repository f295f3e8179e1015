package dev.lockstep.models.dart;

import dev.lockstep.models.vmsa.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The DART translation walk, as the hardware does it (fact sheet §2.1, §2.2): checks in this order.
 *
 * <ol>
 *   <li>iova outside [0, 2^ias): OUT_OF_RANGE (the domain's aperture).</li>
 *   <li>The TTBR the iova selects is invalid: NO_TTBR.</li>
 *   <li>At each level: the entry's memory does not answer: EXTERNAL_ABORT_ON_WALK; the entry is
 *       empty or VALID is clear: NO_PGD, NO_PMD or NO_PTE by level; above the leaf level a valid
 *       entry is a table, at it a leaf.</li>
 *   <li>At the leaf: if the window is enforced (no SP_DIS) and the iova's offset lies outside
 *       [START, END]: SUBPAGE.</li>
 * </ol>
 *
 * <p>Choices where the sheet is silent, each named:
 * <ul>
 *   <li>OA bits below the page size are not address bits of a table or page: tables are one
 *       granule, aligned, and m1n1 reads DART1's OA from bit 14 when pages are 16K. They only
 *       arise on DART1 with 16K pages (bits 13:12), and are dropped.</li>
 *   <li>The subpage bounds are inclusive and count in units of 1/4096 of the page (1 byte at 4K,
 *       4 bytes at 16K). The sheet fixes only that START = 0, END = 0xfff is the whole page; any
 *       unit size agrees with that.</li>
 *   <li>No output-size check: the DART reports no such fault, and the OA field is as wide as the
 *       layout's physical addresses. The io-pgtable oas limits callers, not the hardware.</li>
 *   <li>Read and write rights are reported, not checked: the walk has no access type. The
 *       hardware's READ/WRITE errors are what a device meets where they are denied.</li>
 * </ul>
 */
public final class DartWalker {

    private DartWalker() {
    }

    /** Translates {@code iova}; never throws for any iova, table contents or memory backing. */
    public static DartTranslation walk(DartConfig cfg, PhysicalMemory mem, long iova) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(mem, "mem");
        List<DartWalkStep> steps = new ArrayList<>();
        int start = cfg.startLevel();
        if (!cfg.acceptsIova(iova)) {
            return new DartTranslation.Fault(iova, DartFaultKind.OUT_OF_RANGE, start, steps);
        }
        int ttbrIndex = cfg.ttbrIndex(iova);
        OptionalLong base = cfg.ttbr(ttbrIndex);
        if (base.isEmpty()) {
            return new DartTranslation.Fault(iova, DartFaultKind.NO_TTBR, start, steps);
        }
        long pageMask = cfg.pageSize() - 1;
        long table = base.getAsLong();
        for (int level = start; ; level++) {
            int index = cfg.indexOf(iova, level);
            long pteAddress = table + 8L * index;
            if (!mem.isBacked(pteAddress)) {
                return new DartTranslation.Fault(iova, DartFaultKind.EXTERNAL_ABORT_ON_WALK, level, steps);
            }
            long raw = mem.readU64(pteAddress);
            DartPte pte = DartPte.decode(raw, level, cfg.layout());
            steps.add(new DartWalkStep(level, table, index, pteAddress, raw, pte));
            if (pte instanceof DartPte.Table t) {
                table = t.next() & ~pageMask;
            } else if (pte instanceof DartPte.Leaf leaf) {
                return leaf(cfg, iova, ttbrIndex, leaf, steps);
            } else {
                return new DartTranslation.Fault(iova, DartFaultKind.missingAt(level), level, steps);
            }
        }
    }

    private static DartTranslation leaf(DartConfig cfg, long iova, int ttbrIndex, DartPte.Leaf leaf,
                                        List<DartWalkStep> steps) {
        long pageMask = cfg.pageSize() - 1;
        long offset = iova & pageMask;
        long unit = cfg.pageSize() >>> 12;
        long position = offset / unit;
        boolean enforced = !leaf.spDis();
        if (enforced && (position < leaf.subpageStart() || position > leaf.subpageEnd())) {
            return new DartTranslation.Fault(iova, DartFaultKind.SUBPAGE, DartConfig.LEAF_LEVEL, steps);
        }
        return new DartTranslation.Translated(iova, (leaf.pa() & ~pageMask) | offset, ttbrIndex, leaf.read(),
                leaf.write(), leaf.cacheable(), leaf.subpageStart(), leaf.subpageEnd(), enforced, steps);
    }
}
