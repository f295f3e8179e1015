package dev.lockstep.models.uat;

import dev.lockstep.models.vmsa.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The UAT translation walk, checked in this order:
 *
 * <ol>
 *   <li>VA in neither half: OUT_OF_RANGE. Its half's TTB invalid: TTB_INVALID. The TTB's table at
 *       or beyond 2^oas: ADDRESS_SIZE.</li>
 *   <li>At each level 1..3: the entry's memory does not answer: EXTERNAL_ABORT_ON_WALK; VALID
 *       clear, or TYPE clear: TRANSLATION; a table at or beyond 2^oas: ADDRESS_SIZE.</li>
 *   <li>At the page: output address at or beyond 2^oas: ADDRESS_SIZE; AF clear: ACCESS_FLAG.</li>
 * </ol>
 *
 * <p>The sheet calls the tables ARMv8-style and gives no fault codes, so the address size and Access
 * flag checks follow ARMv8; that is the model's assumption, named here. Both halves index the same
 * way, from VA[38:14]. Rights are reported, not checked: the walk has no access type or agent.
 * There is no UAT in Linux 6.1; this walker is checked by its tests only.
 */
public final class UatWalker {

    private UatWalker() {
    }

    /** Translates {@code va}; never throws for any VA, table contents or memory backing. */
    public static UatTranslation walk(UatConfig cfg, PhysicalMemory mem, long va) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(mem, "mem");
        List<UatWalkStep> steps = new ArrayList<>();
        Optional<UatHalf> half = UatHalf.of(va);
        if (half.isEmpty()) {
            return new UatTranslation.Fault(va, UatFaultKind.OUT_OF_RANGE, UatConfig.START_LEVEL, steps);
        }
        UatTtbatEntry ttb = cfg.ttb(half.get());
        if (!ttb.valid()) {
            return new UatTranslation.Fault(va, UatFaultKind.TTB_INVALID, UatConfig.START_LEVEL, steps);
        }
        if (!cfg.acceptsOutput(ttb.tablePa())) {
            return new UatTranslation.Fault(va, UatFaultKind.ADDRESS_SIZE, UatConfig.START_LEVEL, steps);
        }
        long table = ttb.tablePa();
        for (int level = UatConfig.START_LEVEL; ; level++) {
            int index = UatConfig.indexOf(va, level);
            long entryAddress = table + 8L * index;
            if (!mem.isBacked(entryAddress)) {
                return new UatTranslation.Fault(va, UatFaultKind.EXTERNAL_ABORT_ON_WALK, level, steps);
            }
            long raw = mem.readU64(entryAddress);
            UatPte pte = UatPte.decode(raw, level);
            steps.add(new UatWalkStep(level, table, index, entryAddress, raw, pte));
            if (pte instanceof UatPte.Table t) {
                if (!cfg.acceptsOutput(t.next())) {
                    return new UatTranslation.Fault(va, UatFaultKind.ADDRESS_SIZE, level, steps);
                }
                table = t.next();
            } else if (pte instanceof UatPte.Page p) {
                if (!cfg.acceptsOutput(p.pa())) {
                    return new UatTranslation.Fault(va, UatFaultKind.ADDRESS_SIZE, level, steps);
                }
                if (!p.af()) {
                    return new UatTranslation.Fault(va, UatFaultKind.ACCESS_FLAG, level, steps);
                }
                return new UatTranslation.Translated(va, half.get(), ttb.asid(), p.pa() | (va & (UatConfig.PAGE_SIZE - 1)),
                        p.attrIndex(), p.ap(), p.sh(), p.nG(), p.pxn(), p.uxn(), p.gpuAccess(), p.access(), steps);
            } else {
                return new UatTranslation.Fault(va, UatFaultKind.TRANSLATION, level, steps);
            }
        }
    }
}
