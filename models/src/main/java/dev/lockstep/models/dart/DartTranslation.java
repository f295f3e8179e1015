package dev.lockstep.models.dart;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of walking one iova through DART tables: where it goes and with what rights, or the
 * fault that stopped it. Either way, the entries the walk read, in order.
 */
public sealed interface DartTranslation permits DartTranslation.Translated, DartTranslation.Fault {

    long iova();

    /** Every entry the walk read, from the TTBR's table down. */
    List<DartWalkStep> steps();

    /**
     * A successful translation.
     *
     * @param pa the leaf's page address plus the iova's offset in the page
     * @param ttbrIndex the TTBR the walk started from
     * @param cacheable NO_CACHE clear (always true on DART1)
     * @param subpageStart the leaf's SUBPAGE_START
     * @param subpageEnd the leaf's SUBPAGE_END
     * @param subpageEnforced SP_DIS clear (always true on DART2)
     */
    record Translated(long iova, long pa, int ttbrIndex, boolean read, boolean write, boolean cacheable,
                      int subpageStart, int subpageEnd, boolean subpageEnforced, List<DartWalkStep> steps)
            implements DartTranslation {
        public Translated {
            steps = List.copyOf(steps);
        }

        /** Whether every byte of the page is reachable: window not enforced, or 0..0xfff. */
        public boolean coversWholePage() {
            return !subpageEnforced || (subpageStart == 0 && subpageEnd == DartLayout.SUBPAGE_LAST);
        }
    }

    /**
     * A fault. Faults found before any entry is read (OUT_OF_RANGE, NO_TTBR) are reported at the
     * walk's start level with no steps; the others at the level of the entry that caused them.
     */
    record Fault(long iova, DartFaultKind kind, int level, List<DartWalkStep> steps) implements DartTranslation {
        public Fault {
            Objects.requireNonNull(kind, "kind");
            steps = List.copyOf(steps);
        }
    }
}
