package dev.lockstep.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.IoPgtableModel;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.vmsa.FaultKind;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.LeafAttributes;
import dev.lockstep.models.vmsa.SparseMemory;
import dev.lockstep.models.vmsa.Stage;
import dev.lockstep.models.vmsa.Translation;
import dev.lockstep.models.vmsa.WalkConfig;
import dev.lockstep.models.vmsa.Walker;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Model against model: a fuzzed sequence of map and unmap calls runs on the io-pgtable contract
 * model; a small reference builder here lays out VMSA tables for the extents the model ends with
 * (largest aligned leaf first, tables made on demand); then the architectural walker must
 * translate exactly the addresses the contract says are mapped, to the addresses it says, and
 * fault with a Translation fault everywhere else. A disagreement is a bug in one of the two models
 * (or in the encoders the builder uses), found without any driver.
 */
class WalkerDifferentialFuzzTest {

    private static final PgtableFormat[] FORMATS = {PgtableFormat.ARM_64_LPAE_S1, PgtableFormat.ARM_64_LPAE_S2};
    /** Where the builder puts tables: above every output address the stimulus uses, below 2^32. */
    private static final long TABLE_BASE = 0xC000_0000L;
    private static final int MAX_OPS = 24;

    @FuzzTest(maxDuration = "30s")
    void walkerAgreesWithContractModel(FuzzedDataProvider data) {
        PgtableFormat format = data.pickValue(FORMATS);
        Granule g = data.pickValue(Granule.values());
        int ias = data.consumeInt(32, 48);
        int oas = data.consumeInt(33, 48);
        PgtableConfig pc = new PgtableConfig(format, g, ias, oas, 0, true);
        WalkConfig cfg;
        if (format.stage2()) {
            // A stage 2 walk that cannot start where the stage 1 rule says starts one level lower
            // with concatenated tables, and the contract's table ends follow it there.
            int start = pc.ruleStartLevel();
            cfg = stage2(g, ias, oas, start);
            if (cfg == null) {
                cfg = stage2(g, ias, oas, start + 1);
                pc = pc.withTopLevel(start + 1);
            }
            if (cfg == null) {
                return;
            }
        } else {
            cfg = WalkConfig.stage1(g, ias, oas, TABLE_BASE, 0xffL);
        }
        IoPgtableModel model = new IoPgtableModel(pc, ContractOptions.defaults());

        List<Long> sizes = new ArrayList<>();
        for (long bits = pc.pgsizeBitmap(); bits != 0; bits &= bits - 1) {
            sizes.add(Long.lowestOneBit(bits));
        }
        long largest = sizes.get(sizes.size() - 1);
        // A window a few of the largest leaves wide, so calls collide: remaps, splits, covers.
        long window = Math.min(4 * largest, pc.inputLimit());
        long paWindow = Math.min(4 * largest, TABLE_BASE);
        int ops = data.consumeInt(0, MAX_OPS);
        for (int i = 0; i < ops && data.remainingBytes() > 0; i++) {
            long pgsize = data.pickValue(sizes);
            long iova = data.consumeLong(0, window - 1) & -pgsize;
            long pgcount = data.consumeLong(1, 8);
            if (data.consumeBoolean()) {
                long pa = data.consumeLong(0, paWindow - 1) & -pgsize;
                model.map(iova, pa, pgsize, pgcount, Prot.of(data.consumeInt(0, Prot.ALL)));
            } else {
                model.unmap(iova, pgsize, pgcount);
            }
        }

        SparseMemory mem = build(model, cfg, sizesByLevel(pc, cfg));

        List<Long> probes = new ArrayList<>();
        for (Mapping m : model.mappings()) {
            probes.addAll(List.of(m.iova(), m.iova() + m.size() / 2, m.end() - 1, m.end(), m.iova() - 1));
        }
        while (data.remainingBytes() >= 8) {
            probes.add(data.consumeLong(0, window));
        }
        for (long va : probes) {
            check(model, cfg, mem, va);
        }
    }

    private static void check(IoPgtableModel model, WalkConfig cfg, SparseMemory mem, long va) {
        Translation t = Walker.walk(cfg, mem, va);
        Optional<Mapping> m = model.lookup(va);
        if (m.isPresent()) {
            if (!(t instanceof Translation.Translated tr)) {
                fail("contract maps 0x" + Long.toHexString(va) + " (" + m.get() + ") but the walk says " + t);
                return;
            }
            assertEquals(model.iovaToPhys(va), tr.pa(), "output address of 0x" + Long.toHexString(va));
            Prot p = m.get().prot();
            // The builder writes the prot's write permission; the walker must read it back.
            assertEquals(p.write(), tr.permissions().el1Write(), "EL1 write for " + p + " at 0x" + Long.toHexString(va));
        } else {
            assertTrue(t instanceof Translation.Fault f && f.kind() == FaultKind.TRANSLATION,
                    "nothing is mapped at 0x" + Long.toHexString(va) + " but the walk says " + t);
        }
    }

    // ---- the reference table builder ----------------------------------------------------------

    /** Leaf sizes the builder may use, each with its level: the page sizes the format offers. */
    private static List<long[]> sizesByLevel(PgtableConfig pc, WalkConfig cfg) {
        List<long[]> out = new ArrayList<>();
        for (int level = cfg.startLevel(); level <= 3; level++) {
            long size = cfg.granule().blockSize(level);
            if ((pc.pgsizeBitmap() & size) != 0 && (level == 3 || cfg.granule().allowsBlockAt(level, cfg.outputBits()))) {
                out.add(new long[] {size, level});
            }
        }
        return out;
    }

    /** Tables holding exactly the model's extents, each cut into the largest leaves alignment allows. */
    private static SparseMemory build(IoPgtableModel model, WalkConfig cfg, List<long[]> leaves) {
        SparseMemory mem = new SparseMemory();
        mem.addPage(cfg.tableBase(), cfg.initialTableSize());
        long[] next = {cfg.tableBase() + Math.max(cfg.initialTableSize(), cfg.granule().size())};
        for (Mapping m : model.mappings()) {
            long va = m.iova();
            while (va < m.end()) {
                long pa = m.translate(va);
                long[] leaf = null;
                for (long[] l : leaves) {
                    long size = l[0];
                    if (((va | pa) & (size - 1)) == 0 && va + size <= m.end()) {
                        leaf = l;
                        break;
                    }
                }
                if (leaf == null) {
                    throw new AssertionError("extent " + m + " is not made of the format's pages");
                }
                install(mem, cfg, next, va, pa, (int) leaf[1], attributes(cfg.stage(), m.prot()));
                va += leaf[0];
            }
        }
        return mem;
    }

    private static void install(SparseMemory mem, WalkConfig cfg, long[] next, long va, long pa, int leafLevel,
                                LeafAttributes a) {
        long table = cfg.tableBase();
        for (int level = cfg.startLevel(); level < leafLevel; level++) {
            long slot = table + 8L * cfg.indexOf(va, level);
            long raw = mem.readU64(slot);
            if (raw == 0) {
                long t = next[0];
                next[0] += cfg.granule().size();
                mem.addPage(t, cfg.granule().size());
                mem.writeU64(slot, Descriptor.table(t, cfg));
                table = t;
            } else {
                table = ((Descriptor.Table) Descriptor.decode(raw, level, cfg)).nextTableAddress();
            }
        }
        long slot = table + 8L * cfg.indexOf(va, leafLevel);
        if (mem.readU64(slot) != 0) {
            throw new AssertionError("the model's extents overlap at 0x" + Long.toHexString(va));
        }
        mem.writeU64(slot, leafLevel == 3 ? Descriptor.page(pa, a, cfg) : Descriptor.block(leafLevel, pa, a, cfg));
    }

    /** Leaf attributes for a prot: access flag set, write permission as asked (read always granted). */
    private static LeafAttributes attributes(Stage stage, Prot p) {
        if (stage == Stage.STAGE1) {
            // AP[2] (read-only) unless WRITE; AP[1] (EL0 access) unless PRIV.
            return LeafAttributes.stage1(0, (p.write() ? 0 : 2) | (p.priv() ? 0 : 1), 3);
        }
        return LeafAttributes.stage2(0xf, p.write() ? 3 : 1, 3);
    }

    private static WalkConfig stage2(Granule g, int ias, int oas, int start) {
        try {
            return WalkConfig.stage2(g, ias, oas, TABLE_BASE, start);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
