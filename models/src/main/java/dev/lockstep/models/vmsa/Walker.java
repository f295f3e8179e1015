package dev.lockstep.models.vmsa;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The translation table walk: from the initial table down to a leaf, checking at each level what
 * the architecture checks, in the order it checks it.
 *
 * <ol>
 *   <li>Input address outside [0, 2^inputBits): Translation fault, level 0.</li>
 *   <li>Initial table base beyond the output size: Address size fault, level 0.</li>
 *   <li>At each level: descriptor fetch fails: External abort on the walk at that level; invalid or
 *       reserved descriptor: Translation fault; table address beyond the output size: Address size
 *       fault.</li>
 *   <li>At the leaf: output address beyond the output size: Address size fault; then Access flag
 *       clear: Access flag fault, both at the leaf's level.</li>
 * </ol>
 *
 * <p>Permissions, stage 1: AP[2:1] give EL1 read/write (AP[2] = 0) or read-only, and EL0 the same
 * access when AP[1] = 1 and none otherwise. On the way down, APTable[0] takes EL0 access away and
 * APTable[1] takes write access away at every later level; UXNTable and PXNTable force UXN and PXN.
 * EL0 may execute when UXN is clear, whatever its data access; EL1 may execute when PXN is clear and
 * the region is not writable at EL0 (the architecture makes EL0-writable memory privileged
 * execute-never).
 *
 * <p>Permissions, stage 2: S2AP[0] permits reads and S2AP[1] writes, alike for EL0 and EL1. XN[1:0]
 * (FEAT_XNX): 0b00 executable at EL0 and EL1, 0b01 at EL0 only, 0b10 at neither, 0b11 at EL1 only.
 * Stage 2 table descriptors carry no restrictions.
 */
public final class Walker {

    private Walker() {
    }

    /**
     * Translates {@code va} through the tables {@code cfg} describes, reading them from {@code mem}.
     * Never throws for any {@code va}, table contents or memory backing.
     */
    public static Translation walk(WalkConfig cfg, PhysicalMemory mem, long va) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(mem, "mem");
        List<WalkStep> steps = new ArrayList<>();
        if (!cfg.acceptsInput(va)) {
            return new Translation.Fault(va, FaultKind.TRANSLATION, 0, steps);
        }
        if (!cfg.acceptsOutput(cfg.tableBase())) {
            return new Translation.Fault(va, FaultKind.ADDRESS_SIZE, 0, steps);
        }
        Limits limits = Limits.NONE;
        long table = cfg.tableBase();
        for (int level = cfg.startLevel(); ; level++) {
            int index = cfg.indexOf(va, level);
            long descriptorAddress = table + 8L * index;
            if (!mem.isBacked(descriptorAddress)) {
                return new Translation.Fault(va, FaultKind.EXTERNAL_ABORT_ON_WALK, level, steps);
            }
            long raw = mem.readU64(descriptorAddress);
            Descriptor descriptor = Descriptor.decode(raw, level, cfg);
            steps.add(new WalkStep(level, table, index, descriptorAddress, raw, descriptor));

            if (descriptor instanceof Descriptor.Table t) {
                if (!cfg.acceptsOutput(t.nextTableAddress())) {
                    return new Translation.Fault(va, FaultKind.ADDRESS_SIZE, level, steps);
                }
                limits = limits.below(t);
                table = t.nextTableAddress();
            } else if (descriptor instanceof Descriptor.Block b) {
                return leaf(cfg, va, level, DescriptorKind.BLOCK, b.outputAddress(), b.attributes(), limits, steps);
            } else if (descriptor instanceof Descriptor.Page p) {
                return leaf(cfg, va, level, DescriptorKind.PAGE, p.outputAddress(), p.attributes(), limits, steps);
            } else {
                return new Translation.Fault(va, FaultKind.TRANSLATION, level, steps);
            }
        }
    }

    private static Translation leaf(WalkConfig cfg, long va, int level, DescriptorKind kind, long outputAddress,
                                    LeafAttributes a, Limits limits, List<WalkStep> steps) {
        if (!cfg.acceptsOutput(outputAddress)) {
            return new Translation.Fault(va, FaultKind.ADDRESS_SIZE, level, steps);
        }
        if (!a.af()) {
            return new Translation.Fault(va, FaultKind.ACCESS_FLAG, level, steps);
        }
        long regionSize = cfg.granule().blockSize(level);
        long pa = outputAddress | (va & (regionSize - 1));
        MemoryType type;
        Permissions permissions;
        if (cfg.stage() == Stage.STAGE1) {
            type = MemoryType.fromMairAttr(MemoryType.mairAttr(cfg.mair(), a.attrIndx()));
            permissions = stage1Permissions(a, limits);
        } else {
            type = MemoryType.fromStage2MemAttr(a.s2MemAttr());
            permissions = stage2Permissions(a);
        }
        return new Translation.Translated(va, pa, level, kind, regionSize, permissions, type,
                Shareability.effective(type, a.sh()), a.sh(), a.nG(), a.ns() || limits.nsTable(),
                a.af(), a.contiguous(), steps);
    }

    private static Permissions stage1Permissions(LeafAttributes a, Limits limits) {
        boolean readOnly = (a.ap() & 0b10) != 0 || (limits.apTable() & 0b10) != 0;
        boolean el0Access = (a.ap() & 0b01) != 0 && (limits.apTable() & 0b01) == 0;
        boolean el0Write = el0Access && !readOnly;
        boolean uxn = a.uxn() || limits.uxnTable();
        boolean pxn = a.pxn() || limits.pxnTable() || el0Write;
        return new Permissions(el0Access, el0Write, !uxn, true, !readOnly, !pxn);
    }

    private static Permissions stage2Permissions(LeafAttributes a) {
        boolean read = (a.s2ap() & 0b01) != 0;
        boolean write = (a.s2ap() & 0b10) != 0;
        boolean el0Exec = a.s2xn() == 0b00 || a.s2xn() == 0b01;
        boolean el1Exec = a.s2xn() == 0b00 || a.s2xn() == 0b11;
        return new Permissions(read, write, el0Exec, read, write, el1Exec);
    }

    /** The stage 1 table-level restrictions gathered on the way down; each only ever tightens. */
    private record Limits(boolean nsTable, int apTable, boolean uxnTable, boolean pxnTable) {
        static final Limits NONE = new Limits(false, 0, false, false);

        Limits below(Descriptor.Table t) {
            return new Limits(nsTable || t.nsTable(), apTable | t.apTable(),
                    uxnTable || t.uxnTable(), pxnTable || t.pxnTable());
        }
    }
}
