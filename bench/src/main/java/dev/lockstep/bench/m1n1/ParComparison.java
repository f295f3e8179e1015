package dev.lockstep.bench.m1n1;

import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.vmsa.FaultKind;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.MemoryType;
import dev.lockstep.models.vmsa.Permissions;
import dev.lockstep.models.vmsa.Shareability;
import dev.lockstep.models.vmsa.Translation;
import dev.lockstep.models.vmsa.WalkStep;
import java.util.Optional;

/**
 * One AT answer against the model walker's translation of the same address in the same tables:
 * what PAR_EL1 must say if the model is right, and whether it does. Used by the random-table
 * {@link OracleCheck} and by the QEMU judge of campaigns.
 *
 * <p>Two disagreements have a known cause and are returned as explained, never dropped (see
 * docs/qemu-oracle.md): PAR_EL1.SH for Device and Normal Non-cacheable memory, which the
 * architecture fixes at 0b10 and QEMU 7.2 reports from the descriptor (or, under FEAT_LPA2, from
 * TCR.SH0); and block descriptors at levels where the architecture reserves them, which QEMU 7.2
 * walks as blocks.
 */
public final class ParComparison {
    /** Named QEMU-versus-architecture facts, as they appear in {@link Disagreement#what()}. */
    public static final String PAR_SH_DEVICE_NC = "PAR.SH for Device/Normal-NC";
    public static final String RESERVED_BLOCK = "QEMU 7.2 walks a reserved block descriptor as a block";
    public static final String S2_START_REFUSED = "QEMU 7.2 refuses this stage 2 start level";

    private ParComparison() {
    }

    /** What the model predicts PAR_EL1 says: a fault code, a walk abort, or a translation. */
    public record Expected(String label, int fst, boolean walkAbort, Translation.Translated ok) {
    }

    /** A disagreement: what differs, and whether its cause is a named, documented fact. */
    public record Disagreement(String what, boolean explained) {
    }

    public static Expected expected(Translation t, AtKind kind) {
        if (t instanceof Translation.Fault f) {
            int level = f.level();
            return switch (f.kind()) {
                case TRANSLATION -> new Expected("translation fault L" + level, 0b000100 | level, false, null);
                case ADDRESS_SIZE -> new Expected("address size fault L" + level, level, false, null);
                case ACCESS_FLAG -> new Expected("access flag fault L" + level, 0b001000 | level, false, null);
                case EXTERNAL_ABORT_ON_WALK -> new Expected("external abort on walk L" + level, 0b010100 | level, true, null);
            };
        }
        Translation.Translated ok = (Translation.Translated) t;
        if (!allowed(ok.permissions(), kind)) {
            return new Expected("permission fault L" + ok.level(), 0b001100 | ok.level(), false, null);
        }
        return new Expected("translated L" + ok.level() + " " + ok.kind(), 0, false, ok);
    }

    /** Whether the access the AT instruction asks about is permitted. */
    public static boolean allowed(Permissions p, AtKind kind) {
        return kind.el0() ? (kind.write() ? p.el0Write() : p.el0Read()) : (kind.write() ? p.el1Write() : p.el1Read());
    }

    /**
     * Compares one answer with the model.
     *
     * @param stage2 the walk was stage 2's (AT S12E*, stage 1 off): its faults carry PAR.S
     * @param lpa2Sh TCR.SH0 or VTCR.SH0 when descriptors use FEAT_LPA2's layout (cacheable memory
     *     then takes its shareability from there), -1 otherwise
     */
    public static Optional<Disagreement> compare(Translation model, Expected exp, AtKind kind, AtOracle.Answer hw,
                                                 boolean stage2, int lpa2Sh) {
        if (reservedBlock(model) && !sameFault(exp, hw)) {
            // The model reads a block descriptor where the architecture permits none as reserved;
            // QEMU 7.2 walks it as a block.
            return explained(RESERVED_BLOCK);
        }
        if (exp.walkAbort()) {
            return hw instanceof AtOracle.WalkAbort ? Optional.empty() : unexplained("walk abort expected");
        }
        if (hw instanceof AtOracle.WalkAbort) {
            return unexplained("unexpected walk abort");
        }
        AtOracle.Par par = (AtOracle.Par) hw;
        if (exp.ok() == null) {
            // Stage 2's faults say so (PAR.S), and none of these is on a stage 1 walk (PAR.PTW).
            boolean origin = par.stage2Fault() == stage2 && !par.ptw();
            return !par.fault() || par.fst() != exp.fst() || !origin ? unexplained("fault status") : Optional.empty();
        }
        Translation.Translated ok = exp.ok();
        if (par.fault()) {
            return unexplained("hardware faults, model translates");
        }
        if (par.pa() != (ok.pa() & ~0xFFFL)) {
            return unexplained("output address");
        }
        MemoryType hwType = MemoryType.fromMairAttr(par.attr());
        if (!stage2 ? !hwType.equals(ok.memoryType()) : !cacheability(hwType).equals(cacheability(ok.memoryType()))) {
            return unexplained("memory type");
        }
        if (deviceOrNonCacheable(ok.memoryType())) {
            // QEMU 7.2 reports SH from the descriptor (or TCR.SH0) for Device and Normal-NC; the
            // architecture says 0b10 (shared/spec/qemu-mmu-oracle.md).
            return par.sh() != 0b10 ? explained(PAR_SH_DEVICE_NC) : Optional.empty();
        }
        Shareability want = lpa2Sh >= 0 ? Shareability.fromSh(lpa2Sh) : ok.shareability();
        if (Shareability.fromSh(par.sh()) != want) {
            return unexplained(lpa2Sh >= 0 ? "shareability (LPA2: from " + (stage2 ? "VTCR" : "TCR") + ".SH0)" : "shareability");
        }
        return Optional.empty();
    }

    /**
     * Whether QEMU 7.2 refuses a stage 2 walk that starts at {@code startLevel}, faulting every IPA
     * with a stage 2 Translation fault at level 0, where the architecture walks it. The architecture
     * bounds the start level by the implemented PA size (PAMax, 52 bits on -cpu max:
     * {@code AArch64.S2InvalidSL}); QEMU 7.2 checks VTCR_EL2.PS instead (4K level 0 with PS up to
     * 42 bits, 16K level 1 up to 40, 64K level 1 up to 42), and refuses a 16K start at level 0
     * (VTCR.SL0 = 0b11, which FEAT_LPA2 permits with DS = 1) whatever PS says.
     */
    public static boolean qemuRefusesStage2Start(Granule g, int startLevel, int outputBits) {
        return switch (g) {
            case G4K -> startLevel == 0 && outputBits <= 42;
            case G16K -> startLevel == 0 || (startLevel == 1 && outputBits <= 40);
            case G64K -> startLevel == 1 && outputBits <= 42;
        };
    }

    /** The answer QEMU 7.2 gives for every IPA of a start level it refuses: stage 2 Translation fault, level 0. */
    public static boolean isRefusedStart(AtOracle.Answer hw) {
        return hw instanceof AtOracle.Par p && p.fault() && p.stage2Fault() && p.fst() == 0b000100;
    }

    public static boolean deviceOrNonCacheable(MemoryType t) {
        return t instanceof MemoryType.Device || (t instanceof MemoryType.Normal n && n.isNonCacheable());
    }

    /**
     * A stage 2 PAR reports stage 1 and 2 combined; stage 1 (off, HCR_EL2.DC = 1) is Normal
     * write-back with its allocation hints, so the combination has stage 2's type and cacheability
     * and stage 1's hints. Stage 2 MemAttr carries no hints, so only type and cacheability compare.
     */
    public static String cacheability(MemoryType t) {
        if (t instanceof MemoryType.Normal n) {
            return "Normal(inner " + n.inner() + ", outer " + n.outer() + ")";
        }
        return t.toString();
    }

    /** Whether the walk ended on a block-form descriptor the model reads as reserved (above level 3). */
    static boolean reservedBlock(Translation t) {
        if (!(t instanceof Translation.Fault f) || f.kind() != FaultKind.TRANSLATION || f.steps().isEmpty()) {
            return false;
        }
        WalkStep last = f.steps().get(f.steps().size() - 1);
        return last.level() < Granule.PAGE_LEVEL && last.descriptor() instanceof Descriptor.Reserved;
    }

    private static boolean sameFault(Expected exp, AtOracle.Answer hw) {
        return hw instanceof AtOracle.Par p && p.fault() && p.fst() == exp.fst();
    }

    private static Optional<Disagreement> explained(String what) {
        return Optional.of(new Disagreement(what, true));
    }

    private static Optional<Disagreement> unexplained(String what) {
        return Optional.of(new Disagreement(what, false));
    }

    public static String describe(Translation t, Expected e) {
        if (t instanceof Translation.Translated ok) {
            return String.format("%s: pa 0x%x %s sh %d (%s) %s", e.label(), ok.pa(), ok.memoryType(), ok.sh(),
                    ok.shareability(), ok.permissions());
        }
        return e.label();
    }

    public static String parText(AtOracle.Par p) {
        if (p.fault()) {
            return String.format("(fault FST 0x%02x%s%s)", p.fst(), p.stage2Fault() ? " stage 2" : "", p.ptw() ? " PTW" : "");
        }
        return String.format("(pa 0x%x attr 0x%02x %s sh %d)", p.pa(), p.attr(), MemoryType.fromMairAttr(p.attr()), p.sh());
    }

    public static String walkText(Translation t) {
        StringBuilder sb = new StringBuilder();
        for (WalkStep st : t.steps()) {
            sb.append(String.format("L%d[%d]@0x%x=0x%016x ", st.level(), st.index(), st.descriptorAddress(), st.raw()));
        }
        return sb.toString().strip();
    }
}
