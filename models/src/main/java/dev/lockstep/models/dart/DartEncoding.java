package dev.lockstep.models.dart;

import dev.lockstep.models.iopgtable.LpaeEncoding;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.Prot;
import java.util.ArrayList;
import java.util.List;

/**
 * Depth 4 for DART and DART2: the exact leaf a page of a mapping should be written as, and a
 * field-by-field comparison with what the driver wrote. VALID, the output address, NO_READ and
 * NO_WRITE from the prot, DART2's NO_CACHE as {@link DartSemantics#expectedCacheable} says, the
 * subpage window 0..0xfff (the whole page), and DART1's SP_DIS as the option spDis says.
 */
public final class DartEncoding {
    private DartEncoding() {
    }

    /** The leaf for the page of m holding iova. */
    public static long leaf(Mapping m, long iova, DartLayout layout, long pageSize, DartOptions o) {
        long pa = m.translate(iova) & ~(pageSize - 1);
        Prot p = m.prot();
        boolean cacheable = DartSemantics.expectedCacheable(p, layout);
        boolean spDis = layout.hasSpDis() && o.spDis() == DartOptions.SubpageDisable.SET;
        return layout.leafEntry(pa, p.read(), p.write(), cacheable, 0, DartLayout.SUBPAGE_LAST, spDis);
    }

    /** The fields in which two leaves differ. */
    public static List<LpaeEncoding.FieldDiff> diff(long expected, long actual, DartLayout layout) {
        List<LpaeEncoding.FieldDiff> out = new ArrayList<>();
        DartPte e = DartPte.decode(expected, DartConfig.LEAF_LEVEL, layout);
        DartPte a = DartPte.decode(actual, DartConfig.LEAF_LEVEL, layout);
        if (!(e instanceof DartPte.Leaf x) || !(a instanceof DartPte.Leaf y)) {
            if (expected != actual) {
                out.add(new LpaeEncoding.FieldDiff("entry kind", e.getClass().getSimpleName(), a.getClass().getSimpleName()));
            }
            return out;
        }
        field(out, "output address", "0x" + Long.toHexString(x.pa()), "0x" + Long.toHexString(y.pa()));
        field(out, "NO_READ", !x.read(), !y.read());
        field(out, "NO_WRITE", !x.write(), !y.write());
        if (layout.hasNoCache()) {
            field(out, "NO_CACHE", !x.cacheable(), !y.cacheable());
        }
        field(out, "SUBPAGE_START", x.subpageStart(), y.subpageStart());
        field(out, "SUBPAGE_END", x.subpageEnd(), y.subpageEnd());
        if (layout.hasSpDis()) {
            field(out, "SP_DIS", x.spDis(), y.spDis());
        }
        if (out.isEmpty() && expected != actual) {
            out.add(new LpaeEncoding.FieldDiff("other bits", "0x" + Long.toHexString(expected & ~actual),
                    "0x" + Long.toHexString(actual & ~expected)));
        }
        return out;
    }

    private static void field(List<LpaeEncoding.FieldDiff> out, String name, Object e, Object a) {
        if (!e.equals(a)) {
            out.add(new LpaeEncoding.FieldDiff(name, String.valueOf(e), String.valueOf(a)));
        }
    }
}
