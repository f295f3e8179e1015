package dev.lockstep.models.mali;

import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.LpaeEncoding.FieldDiff;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Shareability;
import java.util.ArrayList;
import java.util.List;

/**
 * Depth 4 for ARM_MALI_LPAE: the leaf a mapping should be written as, bit for bit, and a
 * field-by-field comparison with the one the driver wrote.
 *
 * <pre>
 *   [1:0]   0b01 at every leaf level (the level-3 page too)
 *   [4:2]   AttrIndx: not predicted; the byte it selects is judged at depth 3 (encodings unpublished)
 *   [5]     NS 0
 *   [6]     READ        [7] WRITE
 *   [9:8]   SH: cacheableShareability for cacheable memory, nonCacheableSh otherwise
 *   [10]    AF 1: nothing manages the access flag
 *   [11]    nG: option maliNG
 *   [53]    0, or NOEXEC under maliPxn=AS_XN (stage 1's PXN)
 *   [54]    XN: NOEXEC
 * </pre>
 */
public final class MaliEncoding {

    private MaliEncoding() {
    }

    /** The leaf for the part of {@code m} holding {@code va} at {@code level}, with the AttrIndx given. */
    public static long leaf(Mapping m, long va, int level, int attrIndx, ContractOptions o, MaliOptions mo) {
        long size = MaliConfig.leafSize(level);
        long oa = m.translate(va) & ~(size - 1);
        Prot p = m.prot();
        Shareability sh = MaliSemantics.cacheable(p) ? o.cacheableShareability() : o.nonCacheableSh();
        return MaliPte.leaf(oa, attrIndx, p.read(), p.write(), shField(sh), true, mo.maliNG() == MaliOptions.NotGlobal.SET,
                p.noexec() && mo.maliPxn() == MaliOptions.Pxn.AS_XN, p.noexec());
    }

    /** The fields in which two entries found at {@code level} differ. */
    public static List<FieldDiff> diff(long expected, long actual, int level) {
        List<FieldDiff> out = new ArrayList<>();
        MaliPte e = MaliPte.decode(expected, level);
        MaliPte a = MaliPte.decode(actual, level);
        if (!(e instanceof MaliPte.Leaf x) || !(a instanceof MaliPte.Leaf y)) {
            if (!e.getClass().equals(a.getClass())) {
                out.add(new FieldDiff("descriptor type", e.getClass().getSimpleName(), a.getClass().getSimpleName()));
            }
            return out;
        }
        field(out, "output address", hex(x.outputAddress()), hex(y.outputAddress()));
        field(out, "AttrIndx", x.attrIndx(), y.attrIndx());
        field(out, "NS", x.ns(), y.ns());
        field(out, "READ", x.read(), y.read());
        field(out, "WRITE", x.write(), y.write());
        field(out, "SH", x.sh(), y.sh());
        field(out, "AF", x.af(), y.af());
        field(out, "nG", x.nG(), y.nG());
        field(out, "bit 53 (stage-1 PXN)", x.pxn(), y.pxn());
        field(out, "XN", x.xn(), y.xn());
        if (out.isEmpty() && expected != actual) {
            out.add(new FieldDiff("other bits", hex(expected & ~actual), hex(actual & ~expected)));
        }
        return out;
    }

    private static int shField(Shareability s) {
        return switch (s) {
            case NON -> 0b00;
            case OUTER -> 0b10;
            case INNER -> 0b11;
        };
    }

    private static void field(List<FieldDiff> out, String name, Object e, Object a) {
        if (!e.equals(a)) {
            out.add(new FieldDiff(name, String.valueOf(e), String.valueOf(a)));
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
