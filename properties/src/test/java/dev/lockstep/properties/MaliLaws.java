package dev.lockstep.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.mali.MaliConfig;
import dev.lockstep.models.mali.MaliEncoding;
import dev.lockstep.models.mali.MaliOptions;
import dev.lockstep.models.mali.MaliPte;
import dev.lockstep.models.mali.MaliSemantics;
import dev.lockstep.models.mali.MaliTranslation;
import dev.lockstep.models.mali.MaliWalker;
import dev.lockstep.models.vmsa.SparseMemory;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Laws of the Mali model alone: a leaf the encoder predicts, placed in tables, is walked back to
 * exactly what the contract promised (encoding and walker agree), and decode is total.
 */
class MaliLaws {
    private static final long BASE = 0x4000_0000L;

    @Property(tries = 400, seed = "11")
    void anEncodedLeafWalksBackToTheContractsTranslation(@ForAll @IntRange(min = 1, max = 3) int level,
                                                        @ForAll @LongRange(min = 0, max = (1L << 48) - 1) long va,
                                                        @ForAll @LongRange(min = 0, max = (1L << 40) - 1) long pa,
                                                        @ForAll @IntRange(min = 0, max = Prot.ALL) int protBits,
                                                        @ForAll @IntRange(min = 0, max = 7) int attrIndx) {
        Prot prot = Prot.of(protBits);
        long size = MaliConfig.leafSize(level);
        long iova = va & ~(size - 1);
        long paddr = pa & ~(size - 1);
        Mapping m = new Mapping(iova, paddr, size, size, prot, false);
        long leaf = MaliEncoding.leaf(m, va, level, attrIndx, ContractOptions.defaults(), MaliOptions.defaults());
        SparseMemory mem = new SparseMemory().addPage(BASE, 0x4000);
        for (int l = 0; l < level; l++) {
            mem.writeU64(BASE + 0x1000L * l + 8L * MaliConfig.indexOf(va, l), (BASE + 0x1000L * (l + 1)) | 0b11);
        }
        mem.writeU64(BASE + 0x1000L * level + 8L * MaliConfig.indexOf(va, level), leaf);
        MaliConfig cfg = MaliConfig.fromTranstab(BASE | MaliConfig.ADRMODE_TABLE, 48, 40, 0x0706050403020100L);
        MaliTranslation t = MaliWalker.walk(cfg, mem, va, MaliOptions.AccessFlag.FAULTS);
        Statistics.label("level").collect(level);
        Statistics.label("access").collect(Prot.of(protBits & (Prot.READ | Prot.WRITE)).toString());
        assertEquals(java.util.List.of(), MaliSemantics.compare(Optional.of(m), va, t, MaliSemantics.Attributes.none()));
        assertEquals(attrIndx, ((MaliTranslation.Translated) t).attribute());
    }

    @Property(tries = 1000, seed = "12")
    void decodingIsTotalAndALeafReencodesToItself(@ForAll long raw, @ForAll @IntRange(min = 0, max = 3) int level) {
        MaliPte pte = MaliPte.decode(raw, level);
        Statistics.label("kind").collect(pte.getClass().getSimpleName());
        if (pte instanceof MaliPte.Leaf l) {
            long known = MaliPte.leaf(l.outputAddress(), l.attrIndx(), l.read(), l.write(), l.sh(), l.af(), l.nG(), l.pxn(), l.xn())
                    | (l.ns() ? MaliPte.NS : 0);
            long fields = MaliPte.OA_MASK | 0b11 | 0b111 << 2 | MaliPte.NS | MaliPte.READ | MaliPte.WRITE | 0b11 << 8
                    | MaliPte.AF | MaliPte.NG | MaliPte.PXN | MaliPte.XN;
            assertEquals(raw & fields, known);
        }
    }
}
