package dev.lockstep.models.iopgtable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What a contract believes is mapped: disjoint extents keyed by iova. Every format's contract keeps
 * one; the formats differ in what they allow, not in how an address space is written down.
 *
 * <p>Kept as two arrays in iova order (signed, as a map keyed by {@code Long} orders them), searched
 * by halving: a case's address space holds tens of extents, and the scoreboard looks an address up
 * for every walk it judges, so boxing a key and chasing tree nodes cost more than shifting a short
 * array on the rare insert.
 */
public final class AddressSpace {
    private long[] starts = new long[16];
    private Mapping[] extents = new Mapping[16];
    private int count;

    /** Index of the extent starting at va, or -(insertion point) - 1. */
    private int search(long va) {
        return Arrays.binarySearch(starts, 0, count, va);
    }

    /** Index of the last extent starting at or below va, or -1. */
    private int floor(long va) {
        int i = search(va);
        return i >= 0 ? i : -i - 2;
    }

    /** Adds m; an extent starting at the same iova is replaced. */
    public void add(Mapping m) {
        int i = search(m.iova());
        if (i >= 0) {
            extents[i] = m;
            return;
        }
        i = -i - 1;
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            extents = Arrays.copyOf(extents, count * 2);
        }
        System.arraycopy(starts, i, starts, i + 1, count - i);
        System.arraycopy(extents, i, extents, i + 1, count - i);
        starts[i] = m.iova();
        extents[i] = m;
        count++;
    }

    private void remove(long iova) {
        int i = search(iova);
        if (i < 0) {
            return;
        }
        System.arraycopy(starts, i + 1, starts, i, count - i - 1);
        System.arraycopy(extents, i + 1, extents, i, count - i - 1);
        count--;
        extents[count] = null;
    }

    /** The live extent holding va, if any. */
    public Optional<Mapping> lookup(long va) {
        int i = floor(va);
        return i >= 0 && extents[i].contains(va) ? Optional.of(extents[i]) : Optional.empty();
    }

    /** The extents that overlap [from, to), in iova order. */
    public List<Mapping> overlapping(long from, long to) {
        List<Mapping> out = new ArrayList<>();
        int i = floor(from);
        if (i >= 0 && extents[i].iova() < from && extents[i].end() > from) {
            out.add(extents[i]);
        }
        // Extents starting in [from, to).
        for (int k = i >= 0 && starts[i] >= from ? i : i + 1; k < count && starts[k] < to; k++) {
            out.add(extents[k]);
        }
        return out;
    }

    /**
     * Removes [from, to) from m, keeping what lies outside it. {@code split} marks the remainders as
     * cut out of one larger leaf (a block split), not merely out of a run of pages.
     */
    public void cut(Mapping m, long from, long to, boolean split) {
        remove(m.iova());
        if (m.iova() < from) {
            add(m.slice(m.iova(), from, split));
        }
        if (m.end() > to) {
            add(m.slice(to, m.end(), split));
        }
    }

    /** The extents in iova order, as they stand now (a copy: later changes do not show in it). */
    public Collection<Mapping> all() {
        return Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(extents, count)));
    }

    public int size() {
        return count;
    }
}
