package dev.lockstep.models.mali;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of walking one va through Mali tables: where it goes and with what rights, or the
 * fault that stopped it; either way the entries the walk read, in order.
 */
public sealed interface MaliTranslation permits MaliTranslation.Translated, MaliTranslation.Fault {

    long va();

    List<Step> steps();

    /** One entry the walk read. */
    record Step(int level, long tableAddress, int index, long raw, MaliPte pte) {}

    /** Why a walk stopped. */
    enum FaultKind { TRANSLATION, ACCESS_FLAG, ADDRESS_SIZE, EXTERNAL_ABORT }

    /**
     * @param level     the level of the leaf (1 block of 1G, 2 block of 2M, 3 page)
     * @param attribute the MEMATTR byte the leaf's AttrIndx selects
     */
    record Translated(long va, long pa, int level, boolean read, boolean write, boolean execute, int attrIndx,
                      int attribute, int sh, boolean nG, List<Step> steps) implements MaliTranslation {
        public Translated {
            steps = List.copyOf(steps);
        }
    }

    record Fault(long va, FaultKind kind, int level, List<Step> steps) implements MaliTranslation {
        public Fault {
            Objects.requireNonNull(kind, "kind");
            steps = List.copyOf(steps);
        }
    }
}
