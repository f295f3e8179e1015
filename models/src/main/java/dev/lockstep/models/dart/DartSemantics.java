package dev.lockstep.models.dart;

import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.iopgtable.Stage1Semantics.Mismatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an io-pgtable prot must mean once the DART walker translates through the tables: the
 * depth-3 judge for APPLE_DART and APPLE_DART2, comparing a walk with the contract field by field.
 * Mismatches have the shape of {@link dev.lockstep.models.iopgtable.Stage1Semantics}'s, so the
 * scoreboard titles both alike.
 *
 * <ul>
 *   <li><b>unmapped</b>: the walk must stop at a missing entry (NO_PGD, NO_PMD, NO_PTE), or at the
 *       aperture (OUT_OF_RANGE). NO_TTBR means the domain has no table there at all, an external
 *       abort that the tables point at memory that is not there, and SUBPAGE that a live leaf is
 *       in place: each is a mismatch.</li>
 *   <li><b>output address</b>: paddr plus the offset.</li>
 *   <li><b>read, write</b>: exactly IOMMU_READ and IOMMU_WRITE. The format has NO_READ and NO_WRITE
 *       separately, so unlike VMSA it can express write-only and no access, and nothing is
 *       granted beside what was asked.</li>
 *   <li><b>cacheable</b> (DART2, option {@code cacheBit}): cacheable exactly when the prot asks for
 *       cacheable memory, CACHE without MMIO, as docs/model.md reads the prot; otherwise NO_CACHE
 *       must be set. This is the sheet's reading of bit 1 ("NO_CACHE if !IOMMU_CACHE"), with MMIO
 *       meaning device memory, never cached. DART1 has no cache bit, so there is nothing to
 *       judge: the format makes every page cacheable.</li>
 *   <li><b>subpage window</b>: the whole page must be reachable (START 0, END 0xfff, or SP_DIS on
 *       DART1); io-pgtable has no way to ask for less.</li>
 * </ul>
 * PRIV and NOEXEC are not judged: a DART has neither privilege levels nor instruction fetch.
 */
public final class DartSemantics {

    private DartSemantics() {
    }

    /** Whether a page mapped with {@code prot} must be cacheable. */
    public static boolean expectedCacheable(Prot prot, DartLayout layout) {
        return !layout.hasNoCache() || (prot.cache() && !prot.mmio());
    }

    /**
     * Compares the walk of {@code iova} with what the contract expects there: a mapping present
     * means the translation it describes, absent means a missing-entry fault. {@code layout} is the
     * walk's: it decides whether a cache bit exists to judge.
     */
    public static List<Mismatch> compare(Optional<Mapping> expected, long iova, DartTranslation actual,
                                         DartLayout layout, DartOptions options) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(actual, "actual");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(options, "options");
        List<Mismatch> out = new ArrayList<>();
        if (expected.isEmpty()) {
            if (actual instanceof DartTranslation.Translated) {
                out.add(new Mismatch("translation", "no-PTE fault", "a translation", ""));
            } else if (actual instanceof DartTranslation.Fault f
                    && !f.kind().isMissingEntry() && f.kind() != DartFaultKind.OUT_OF_RANGE) {
                out.add(new Mismatch("translation", "no-PTE fault", f.kind() + " fault", ""));
            }
            return out;
        }
        Mapping m = expected.get();
        if (actual instanceof DartTranslation.Fault f) {
            out.add(new Mismatch("translation", "mapped", f.kind() + " fault at level " + f.level(), ""));
            return out;
        }
        DartTranslation.Translated t = (DartTranslation.Translated) actual;
        if (t.pa() != m.translate(iova)) {
            out.add(new Mismatch("output address", "paddr + offset", "another address", ""));
        }
        Prot prot = m.prot();
        String access = Prot.of(prot.bits() & (Prot.READ | Prot.WRITE)).toString();
        check(out, "read", prot.read(), t.read(), access);
        check(out, "write", prot.write(), t.write(), access);
        if (options.cacheBit() == DartOptions.CacheBit.CHECKED) {
            boolean want = expectedCacheable(prot, layout);
            if (want != t.cacheable()) {
                out.add(new Mismatch("cacheable", cacheWord(want), cacheWord(t.cacheable()),
                        Prot.of(prot.bits() & (Prot.CACHE | Prot.MMIO)).toString()));
            }
        }
        if (!t.coversWholePage()) {
            out.add(new Mismatch("subpage window", "whole page", "part of the page", ""));
        }
        return out;
    }

    private static void check(List<Mismatch> out, String field, boolean want, boolean got, String prot) {
        if (want != got) {
            out.add(new Mismatch(field, want ? "granted" : "denied", got ? "granted" : "denied", prot));
        }
    }

    private static String cacheWord(boolean cacheable) {
        return cacheable ? "cacheable" : "NO_CACHE";
    }
}
