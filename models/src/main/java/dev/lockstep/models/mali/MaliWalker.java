package dev.lockstep.models.mali;

import dev.lockstep.models.vmsa.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Mali LPAE walk: four levels from level 0, 9 bits each, 4K pages. In order: a va at or above
 * 2^48 is a translation fault before any read; at each level an entry whose memory does not answer
 * is an external abort, an invalid or reserved entry a translation fault, a table or leaf address
 * at or above 2^oas an address-size fault; a leaf with AF clear an access-flag fault when the
 * option says the GPU checks it (MaliOptions.maliAf).
 *
 * <p>Read and write come from bits 6 and 7 and execute from XN (bit 54) alone: bit 53 is not a
 * field of Arm's LPAE-mode entry (stage 1's PXN names a privilege level the GPU lacks). Memory attributes are reported as the MEMATTR byte the
 * leaf selects; their encoding is not published, so the walk does not interpret them.
 */
public final class MaliWalker {

    private MaliWalker() {
    }

    /** Translates {@code va}; never throws for any va, table contents or memory backing. */
    public static MaliTranslation walk(MaliConfig cfg, PhysicalMemory mem, long va, MaliOptions.AccessFlag af) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(mem, "mem");
        Objects.requireNonNull(af, "af");
        List<MaliTranslation.Step> steps = new ArrayList<>();
        if ((va >>> MaliConfig.INPUT_BITS) != 0) {
            return new MaliTranslation.Fault(va, MaliTranslation.FaultKind.TRANSLATION, MaliConfig.START_LEVEL, steps);
        }
        long limit = 1L << cfg.oas();
        long table = cfg.base();
        for (int level = MaliConfig.START_LEVEL; level <= 3; level++) {
            int index = MaliConfig.indexOf(va, level);
            long address = table + 8L * index;
            if (!mem.isBacked(address)) {
                return new MaliTranslation.Fault(va, MaliTranslation.FaultKind.EXTERNAL_ABORT, level, steps);
            }
            long raw = mem.readU64(address);
            MaliPte pte = MaliPte.decode(raw, level);
            steps.add(new MaliTranslation.Step(level, table, index, raw, pte));
            if (pte instanceof MaliPte.Table t) {
                if (Long.compareUnsigned(t.next(), limit) >= 0) {
                    return new MaliTranslation.Fault(va, MaliTranslation.FaultKind.ADDRESS_SIZE, level, steps);
                }
                table = t.next();
            } else if (pte instanceof MaliPte.Leaf leaf) {
                return leaf(cfg, va, level, leaf, limit, af, steps);
            } else {
                return new MaliTranslation.Fault(va, MaliTranslation.FaultKind.TRANSLATION, level, steps);
            }
        }
        throw new AssertionError("a level-3 entry is a leaf or a fault");
    }

    private static MaliTranslation leaf(MaliConfig cfg, long va, int level, MaliPte.Leaf leaf, long limit,
                                        MaliOptions.AccessFlag af, List<MaliTranslation.Step> steps) {
        long size = MaliConfig.leafSize(level);
        long oa = leaf.outputAddress() & ~(size - 1);
        if (Long.compareUnsigned(leaf.outputAddress(), limit) >= 0) {
            return new MaliTranslation.Fault(va, MaliTranslation.FaultKind.ADDRESS_SIZE, level, steps);
        }
        if (!leaf.af() && af == MaliOptions.AccessFlag.FAULTS) {
            return new MaliTranslation.Fault(va, MaliTranslation.FaultKind.ACCESS_FLAG, level, steps);
        }
        return new MaliTranslation.Translated(va, oa | (va & (size - 1)), level, leaf.read(), leaf.write(), !leaf.xn(),
                leaf.attrIndx(), cfg.attribute(leaf.attrIndx()), leaf.sh(), leaf.nG(), steps);
    }
}
