package dev.lockstep.bench.engine;

import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableContract;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the contract expects to be mapped, as the judge of depths 3 and 4 asks it: at an address,
 * and across a range. Either the contract itself, or a copy of its extents taken after a batch was
 * predicted, so that the batch can be judged once its answer comes back although later batches
 * were predicted meanwhile.
 */
interface Expectations {

    /** The extent holding va, if any. */
    Optional<Mapping> lookup(long va);

    /** The extents overlapping [from, to), in iova order. */
    List<Mapping> mappingsIn(long from, long to);

    static Expectations of(PgtableContract contract) {
        return new Expectations() {
            @Override
            public Optional<Mapping> lookup(long va) {
                return contract.lookup(va);
            }

            @Override
            public List<Mapping> mappingsIn(long from, long to) {
                return contract.mappingsIn(from, to);
            }
        };
    }

    /** The contract's extents as they stand now, kept apart from it (extents never change in place). */
    static Expectations copyOf(PgtableContract contract) {
        return new Snapshot(contract.mappings());
    }

    /** Extents in iova order, searched by halving. */
    final class Snapshot implements Expectations {
        private final Mapping[] extents;
        private final long[] starts;

        Snapshot(Collection<Mapping> mappings) {
            extents = mappings.toArray(new Mapping[0]);
            starts = new long[extents.length];
            for (int i = 0; i < extents.length; i++) {
                starts[i] = extents[i].iova();
            }
        }

        /** The last extent starting at or below va, or -1. */
        private int floor(long va) {
            int i = Arrays.binarySearch(starts, va);
            return i >= 0 ? i : -i - 2;
        }

        @Override
        public Optional<Mapping> lookup(long va) {
            int i = floor(va);
            return i >= 0 && extents[i].contains(va) ? Optional.of(extents[i]) : Optional.empty();
        }

        @Override
        public List<Mapping> mappingsIn(long from, long to) {
            List<Mapping> out = new ArrayList<>();
            int i = floor(from);
            if (i >= 0 && extents[i].end() > from) {
                out.add(extents[i]);
            }
            for (int k = i + 1; k < extents.length && starts[k] < to; k++) {
                out.add(extents[k]);
            }
            return out;
        }
    }
}
