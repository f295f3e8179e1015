package dev.lockstep.models.iopgtable;

import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.vmsa.LeafAttributes;
import dev.lockstep.models.vmsa.MemoryType;
import dev.lockstep.models.vmsa.Shareability;
import dev.lockstep.models.vmsa.Stage;
import dev.lockstep.models.vmsa.WalkConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Depth 4 for the LPAE formats: the exact leaf descriptor a mapping should be written as, bit for
 * bit, and a field-by-field comparison with what the driver wrote. Where the architecture leaves a
 * bit to policy, the choice is a named option (nG, the SH of non-cacheable memory); where the
 * meaning fixes it, the bits follow the meaning:
 *
 * <pre>
 * stage 1 leaf                                   stage 2 leaf
 *   [1:0]   0b11 page (level 3), 0b01 block        same
 *   [4:2]   AttrIndx: first MAIR index whose       [5:2] MemAttr: 0b1111 CACHE, 0b0001 MMIO,
 *           attribute is the memory type asked           0b0101 otherwise
 *   [5]     NS: quirk ARM_NS                       -
 *   [7:6]   AP[2] read-only unless WRITE,          [7:6] S2AP: bit 0 READ, bit 1 WRITE
 *           AP[1] EL0 access unless PRIV
 *   [9:8]   SH: cacheableShareability for CACHE, nonCacheableSh otherwise (both stages)
 *   [10]    AF 1: nothing manages the access flag, a clear one faults on first use
 *   [11]    nG: option (stage 1 only)
 *   [52]    contiguous 0: no run of entries is promised to stay alike
 *   [53]    PXN: NOEXEC                            [54:53] XN: 0b10 (no fetch at any level) for
 *   [54]    UXN: NOEXEC or PRIV                            NOEXEC, else 0b00
 * </pre>
 *
 * <p>A table descriptor is the next table's address with type 0b11 and no attributes: NSTable
 * with ARM_NS (stage 1), APTable 0, UXNTable 0, PXNTable 0 (a table that took rights away would
 * override the leaves the contract describes; stage 2 tables have no attribute fields).
 */
public final class LpaeEncoding {

    /** One field that differs between the predicted and the written descriptor. */
    public record FieldDiff(String field, String expected, String actual) {}

    private LpaeEncoding() {
    }

    /**
     * The leaf the driver should have written at {@code level} for the part of {@code m} holding
     * {@code va}; empty when the published MAIR offers no index for the memory type asked (the
     * semantic depth reports that).
     */
    public static OptionalLong leaf(Mapping m, long va, int level, WalkConfig walk, ContractOptions o) {
        return leaf(m, va, level, walk, o, false);
    }

    /** As above, with NS set in stage-1 leaves when the table has the ARM_NS quirk. */
    public static OptionalLong leaf(Mapping m, long va, int level, WalkConfig walk, ContractOptions o, boolean ns) {
        long size = walk.granule().blockSize(level);
        long oa = m.translate(va) & ~(size - 1);
        Prot p = m.prot();
        int sh = shField(p.cache() && !p.mmio() ? o.cacheableShareability() : o.nonCacheableSh());
        LeafAttributes a;
        if (walk.stage() == Stage.STAGE1) {
            int index = attrIndex(walk.mair(), Stage1Semantics.expectedMemory(p, o));
            if (index < 0) {
                return OptionalLong.empty();
            }
            int ap = (p.write() ? 0 : 0b10) | (p.priv() ? 0 : 0b01);
            a = LeafAttributes.stage1(index, ap, sh).withAf(true).withNG(o.nG() == ContractOptions.NotGlobal.SET)
                    .withPxn(p.noexec()).withUxn(p.noexec() || p.priv()).withNs(ns);
        } else {
            int memAttr = p.mmio() ? 0b0001 : p.cache() ? 0b1111 : 0b0101;
            int s2ap = (p.read() ? 1 : 0) | (p.write() ? 2 : 0);
            a = LeafAttributes.stage2(memAttr, s2ap, sh).withAf(true).withS2xn(p.noexec() ? 0b10 : 0);
        }
        return OptionalLong.of(level == 3 ? Descriptor.page(oa, a, walk) : Descriptor.block(level, oa, a, walk));
    }

    /** The table descriptor pointing at {@code nextTable}: see the class comment. */
    public static long table(long nextTable, WalkConfig walk, boolean ns) {
        return Descriptor.table(nextTable, ns && walk.stage() == Stage.STAGE1, 0, false, false, walk);
    }

    /** The fields in which two table descriptors differ. */
    public static List<FieldDiff> tableDiff(long expected, long actual, int level, WalkConfig walk) {
        List<FieldDiff> out = new ArrayList<>();
        Descriptor e = Descriptor.decode(expected, level, walk);
        Descriptor a = Descriptor.decode(actual, level, walk);
        if (!(e instanceof Descriptor.Table x) || !(a instanceof Descriptor.Table y)) {
            out.add(new FieldDiff("descriptor type", e.getClass().getSimpleName(), a.getClass().getSimpleName()));
            return out;
        }
        if (x.nextTableAddress() != y.nextTableAddress()) {
            out.add(new FieldDiff("next-level table address", hex(x.nextTableAddress()), hex(y.nextTableAddress())));
        }
        field(out, "NSTable", x.nsTable(), y.nsTable());
        field(out, "APTable", x.apTable(), y.apTable());
        field(out, "UXNTable", x.uxnTable(), y.uxnTable());
        field(out, "PXNTable", x.pxnTable(), y.pxnTable());
        field(out, "software bits", (int) (expected >>> 55) & 0xf, (int) (actual >>> 55) & 0xf);
        if (out.isEmpty() && expected != actual) {
            out.add(new FieldDiff("other bits", hex(expected & ~actual), hex(actual & ~expected)));
        }
        return out;
    }

    /** The differences the options judge: software-use bits only under softwareBits=ZERO. */
    public static List<FieldDiff> judged(List<FieldDiff> diffs, ContractOptions o) {
        if (o.softwareBits() == ContractOptions.SoftwareBits.ZERO) {
            return diffs;
        }
        return diffs.stream().filter(d -> !d.field().equals("software bits")).toList();
    }

    /** The fields in which two leaf descriptors differ, named as the architecture names them. */
    public static List<FieldDiff> diff(long expected, long actual, int level, WalkConfig walk) {
        List<FieldDiff> out = new ArrayList<>();
        Descriptor e = Descriptor.decode(expected, level, walk);
        Descriptor a = Descriptor.decode(actual, level, walk);
        if (!e.getClass().equals(a.getClass())) {
            out.add(new FieldDiff("descriptor type", e.getClass().getSimpleName(), a.getClass().getSimpleName()));
            return out;
        }
        LeafAttributes x = attributes(e);
        LeafAttributes y = attributes(a);
        if (x == null || y == null) {
            return out;
        }
        if (outputAddress(e) != outputAddress(a)) {
            out.add(new FieldDiff("output address", hex(outputAddress(e)), hex(outputAddress(a))));
        }
        field(out, "AttrIndx", x.attrIndx(), y.attrIndx());
        field(out, "MemAttr", x.s2MemAttr(), y.s2MemAttr());
        field(out, "NS", x.ns(), y.ns());
        field(out, "AP[2:1]", x.ap(), y.ap());
        field(out, "S2AP", x.s2ap(), y.s2ap());
        field(out, "SH", x.sh(), y.sh());
        field(out, "AF", x.af(), y.af());
        field(out, "nG", x.nG(), y.nG());
        field(out, "Contiguous", x.contiguous(), y.contiguous());
        field(out, "DBM", x.dbm(), y.dbm());
        field(out, "PXN", x.pxn(), y.pxn());
        field(out, "UXN/XN", x.uxn(), y.uxn());
        field(out, "XN[1:0]", x.s2xn(), y.s2xn());
        field(out, "software bits", x.software(), y.software());
        if (out.isEmpty() && expected != actual) {
            // Bits the decoder does not name (RES0, ignored): still a difference, shown raw.
            out.add(new FieldDiff("other bits", hex(expected & ~actual), hex(actual & ~expected)));
        }
        return out;
    }

    private static LeafAttributes attributes(Descriptor d) {
        if (d instanceof Descriptor.Block b) {
            return b.attributes();
        }
        return d instanceof Descriptor.Page p ? p.attributes() : null;
    }

    private static long outputAddress(Descriptor d) {
        if (d instanceof Descriptor.Block b) {
            return b.outputAddress();
        }
        return d instanceof Descriptor.Page p ? p.outputAddress() : -1;
    }

    private static void field(List<FieldDiff> out, String name, Object e, Object a) {
        if (!e.equals(a)) {
            out.add(new FieldDiff(name, String.valueOf(e), String.valueOf(a)));
        }
    }

    private static int attrIndex(long mair, String memoryType) {
        for (int i = 0; i < 8; i++) {
            if (Stage1Semantics.describe(MemoryType.fromMairAttr(MemoryType.mairAttr(mair, i))).equals(memoryType)) {
                return i;
            }
        }
        return -1;
    }

    private static int shField(Shareability s) {
        return switch (s) {
            case NON -> 0b00;
            case OUTER -> 0b10;
            case INNER -> 0b11;
        };
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
