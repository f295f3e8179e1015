package dev.lockstep.models.mali;

import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.iopgtable.Stage1Semantics.Mismatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What an io-pgtable prot must mean once the Mali walker translates through the tables: the
 * depth-3 judge for ARM_MALI_LPAE. Mismatches have the shape of the LPAE ones, so the scoreboard
 * titles all formats alike.
 *
 * <ul>
 *   <li><b>unmapped</b>: a translation fault.</li>
 *   <li><b>output address</b>: paddr plus the offset.</li>
 *   <li><b>read, write</b>: exactly IOMMU_READ and IOMMU_WRITE: bits 6 and 7 say each on its own,
 *       so write-only is expressible and nothing beside what was asked is granted.</li>
 *   <li><b>execute</b>: exactly without IOMMU_NOEXEC. PRIV means nothing: the GPU has one level.</li>
 *   <li><b>memory attribute</b>: the MEMATTR byte encodings are not published, so the model
 *       claims only what holds whatever they are: every cacheable mapping (CACHE without MMIO)
 *       selects the same attribute, every other mapping one attribute, and the two differ
 *       ({@link Attributes} carries what a table has shown so far).</li>
 * </ul>
 */
public final class MaliSemantics {

    private MaliSemantics() {
    }

    /** Whether a mapping with {@code prot} asks for cacheable memory. */
    public static boolean cacheable(Prot prot) {
        return prot.cache() && !prot.mmio();
    }

    /** The attribute bytes a table's cacheable and other mappings have selected so far. */
    public record Attributes(OptionalInt cacheable, OptionalInt other) {
        public static Attributes none() {
            return new Attributes(OptionalInt.empty(), OptionalInt.empty());
        }

        /** These attributes with the byte a translation of a mapping with {@code prot} selected. */
        public Attributes seen(Prot prot, int attribute) {
            if (MaliSemantics.cacheable(prot)) {
                return cacheable.isPresent() ? this : new Attributes(OptionalInt.of(attribute), other);
            }
            return other.isPresent() ? this : new Attributes(cacheable, OptionalInt.of(attribute));
        }
    }

    /**
     * Compares the walk of {@code va} with what the contract expects there, given the attributes
     * earlier translations of the same table selected.
     */
    public static List<Mismatch> compare(Optional<Mapping> expected, long va, MaliTranslation actual, Attributes seen) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(actual, "actual");
        List<Mismatch> out = new ArrayList<>();
        if (expected.isEmpty()) {
            if (actual instanceof MaliTranslation.Translated t) {
                out.add(new Mismatch("translation", "translation fault", "a level-" + t.level() + " leaf", ""));
            } else if (actual instanceof MaliTranslation.Fault f && f.kind() != MaliTranslation.FaultKind.TRANSLATION) {
                out.add(new Mismatch("translation", "translation fault", f.kind() + " fault", ""));
            }
            return out;
        }
        Mapping m = expected.get();
        if (actual instanceof MaliTranslation.Fault f) {
            out.add(new Mismatch("translation", "mapped", f.kind() + " fault at level " + f.level(), ""));
            return out;
        }
        MaliTranslation.Translated t = (MaliTranslation.Translated) actual;
        if (t.pa() != m.translate(va)) {
            out.add(new Mismatch("output address", "paddr + offset", "another address", ""));
        }
        Prot prot = m.prot();
        String access = Prot.of(prot.bits() & (Prot.READ | Prot.WRITE)).toString();
        check(out, "read", prot.read(), t.read(), access);
        check(out, "write", prot.write(), t.write(), access);
        check(out, "execute", !prot.noexec(), t.execute(), Prot.of(prot.bits() & Prot.NOEXEC).toString());
        String memProt = Prot.of(prot.bits() & (Prot.CACHE | Prot.MMIO)).toString();
        boolean cacheable = cacheable(prot);
        OptionalInt same = cacheable ? seen.cacheable() : seen.other();
        OptionalInt different = cacheable ? seen.other() : seen.cacheable();
        String mine = cacheable ? "cacheable" : "non-cacheable";
        if (same.isPresent() && same.getAsInt() != t.attribute()) {
            out.add(new Mismatch("memory attribute", "the attribute of every " + mine + " mapping",
                    "another attribute", memProt));
        } else if (different.isPresent() && different.getAsInt() == t.attribute()) {
            out.add(new Mismatch("memory attribute", "an attribute apart from the "
                    + (cacheable ? "non-cacheable" : "cacheable") + " one", "the same attribute", memProt));
        }
        return out;
    }

    private static void check(List<Mismatch> out, String field, boolean want, boolean got, String prot) {
        if (want != got) {
            out.add(new Mismatch(field, want ? "granted" : "denied", got ? "granted" : "denied", prot));
        }
    }
}
