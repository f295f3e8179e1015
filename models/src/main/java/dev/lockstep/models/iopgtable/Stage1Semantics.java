package dev.lockstep.models.iopgtable;

import dev.lockstep.models.vmsa.CachePolicy;
import dev.lockstep.models.vmsa.FaultKind;
import dev.lockstep.models.vmsa.MemoryType;
import dev.lockstep.models.vmsa.Permissions;
import dev.lockstep.models.vmsa.Shareability;
import dev.lockstep.models.vmsa.Translation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an io-pgtable prot must mean once the architecture's walker translates through the tables:
 * output address, permissions at EL0 and EL1, memory type and shareability. Stage 1 by default;
 * stage 2 (no privilege levels, write-only expressible) where asked. This is the depth-3 judge: it
 * compares a translation the architecture's walker produced against the contract, field by field.
 *
 * <p>IOMMU_READ/WRITE grant data access; IOMMU_PRIV restricts every access to the privileged level;
 * IOMMU_NOEXEC forbids instruction fetch at every level; IOMMU_MMIO asks for Device memory,
 * IOMMU_CACHE for Normal write-back memory, neither for Normal non-cacheable. Where the architecture
 * itself removes a right (a region writable at EL0 is privileged-execute-never) the expectation
 * follows the architecture.
 */
public final class Stage1Semantics {

    /** One field on which a translation disagrees with the contract. */
    public record Mismatch(String field, String expected, String actual, String relevantProt) {
        /** A title fragment that groups mismatches of one kind, whatever the addresses. */
        public String key() {
            return field + ": expected " + expected + ", walk gives " + actual
                    + (relevantProt.isEmpty() ? "" : " (prot " + relevantProt + ")");
        }
    }

    private Stage1Semantics() {
    }

    /**
     * Stage 2 has no privilege levels and can say write-only: READ and WRITE map to S2AP exactly,
     * PRIV means nothing, NOEXEC forbids fetch at EL0 and EL1 alike.
     */
    public static Permissions expectedStage2Permissions(Prot prot) {
        boolean exec = !prot.noexec();
        return new Permissions(prot.read(), prot.write(), exec, prot.read(), prot.write(), exec);
    }

    public static Permissions expectedPermissions(Prot prot, ContractOptions options) {
        boolean read = prot.read() || (prot.write() && options.writeOnly() == ContractOptions.WriteOnly.GRANTS_READ);
        boolean write = prot.write();
        boolean el0 = !prot.priv();
        boolean el0Write = el0 && write;
        boolean exec = !prot.noexec();
        return new Permissions(el0 && read, el0Write, el0 && exec, read, write, exec && !el0Write);
    }

    public static String expectedMemory(Prot prot, ContractOptions options) {
        if (prot.mmio()) {
            return "Device-" + options.mmioDevice().name();
        }
        return prot.cache() ? "Normal-WB" : "Normal-NC";
    }

    public static Shareability expectedShareability(Prot prot, ContractOptions options) {
        if (!prot.mmio() && prot.cache()) {
            return options.cacheableShareability();
        }
        return Shareability.OUTER;
    }

    /** How a walker's memory type reads in the contract's terms. */
    public static String describe(MemoryType type) {
        if (type instanceof MemoryType.Device d) {
            return "Device-" + d.kind().name();
        }
        if (type instanceof MemoryType.Normal n) {
            if (n.inner() == CachePolicy.WRITE_BACK && n.outer() == CachePolicy.WRITE_BACK) {
                return "Normal-WB";
            }
            if (n.inner() == CachePolicy.NON_CACHEABLE && n.outer() == CachePolicy.NON_CACHEABLE) {
                return "Normal-NC";
            }
            return "Normal(inner " + n.inner() + ", outer " + n.outer() + ")";
        }
        MemoryType.Reserved r = (MemoryType.Reserved) type;
        return "reserved(0x" + Integer.toHexString(r.encoding()) + ")";
    }

    /**
     * Compares the walk of va with what the contract expects there: mapping present means the
     * translation it describes; absent means a translation fault.
     */
    public static List<Mismatch> compare(Optional<Mapping> expected, long va, Translation actual, ContractOptions options) {
        return compare(expected, va, actual, options, false);
    }

    /** As {@link #compare(Optional, long, Translation, ContractOptions)}, for a stage-1 or a stage-2 walk. */
    public static List<Mismatch> compare(Optional<Mapping> expected, long va, Translation actual, ContractOptions options,
                                         boolean stage2) {
        List<Mismatch> out = new ArrayList<>();
        if (expected.isEmpty()) {
            if (actual instanceof Translation.Translated t) {
                out.add(new Mismatch("translation", "translation fault", "a " + t.kind().name().toLowerCase() + " mapping", ""));
            } else if (actual instanceof Translation.Fault f && f.kind() != FaultKind.TRANSLATION) {
                out.add(new Mismatch("translation", "translation fault", f.kind() + " fault", ""));
            }
            return out;
        }
        Mapping m = expected.get();
        if (actual instanceof Translation.Fault f) {
            out.add(new Mismatch("translation", "mapped", f.kind() + " fault at level " + f.level(), ""));
            return out;
        }
        Translation.Translated t = (Translation.Translated) actual;
        if (t.pa() != m.translate(va)) {
            out.add(new Mismatch("output address", "paddr + offset", "another address", ""));
        }
        Prot prot = m.prot();
        Permissions want = stage2 ? expectedStage2Permissions(prot) : expectedPermissions(prot, options);
        Permissions got = t.permissions();
        String access = protSubset(prot, stage2 ? Prot.READ | Prot.WRITE : Prot.READ | Prot.WRITE | Prot.PRIV);
        // Only the bits that decide a field go into its title, so one cause is one finding.
        String el1Exec = protSubset(prot, stage2 ? Prot.NOEXEC : Prot.NOEXEC | Prot.PRIV | Prot.WRITE);
        String el0Exec = protSubset(prot, stage2 ? Prot.NOEXEC : Prot.NOEXEC | Prot.PRIV);
        check(out, "EL1 read", want.el1Read(), got.el1Read(), access);
        check(out, "EL1 write", want.el1Write(), got.el1Write(), access);
        check(out, "EL0 read", want.el0Read(), got.el0Read(), access);
        check(out, "EL0 write", want.el0Write(), got.el0Write(), access);
        check(out, "EL1 execute", want.el1Exec(), got.el1Exec(), el1Exec);
        check(out, "EL0 execute", want.el0Exec(), got.el0Exec(), el0Exec);
        String memWant = expectedMemory(prot, options);
        String memGot = describe(t.memoryType());
        String memProt = protSubset(prot, Prot.CACHE | Prot.MMIO);
        if (!memWant.equals(memGot)) {
            out.add(new Mismatch("memory type", memWant, memGot, memProt));
        }
        Shareability shWant = expectedShareability(prot, options);
        if (shWant != t.shareability()) {
            out.add(new Mismatch("shareability", shWant.name(), t.shareability().name(), memProt));
        }
        return out;
    }

    private static void check(List<Mismatch> out, String field, boolean want, boolean got, String prot) {
        if (want != got) {
            out.add(new Mismatch(field, want ? "granted" : "denied", got ? "granted" : "denied", prot));
        }
    }

    private static String protSubset(Prot prot, int mask) {
        return Prot.of(prot.bits() & mask).toString();
    }
}
