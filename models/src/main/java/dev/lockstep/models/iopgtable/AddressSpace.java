package dev.lockstep.models.iopgtable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a contract believes is mapped: disjoint extents keyed by iova. Every format's contract keeps
 * one; the formats differ in what they allow, not in how an address space is written down.
 */
public final class AddressSpace {
    private final TreeMap<Long, Mapping> extents = new TreeMap<>();

    public void add(Mapping m) {
        extents.put(m.iova(), m);
    }

    /** The live extent holding va, if any. */
    public Optional<Mapping> lookup(long va) {
        Map.Entry<Long, Mapping> e = extents.floorEntry(va);
        if (e != null && e.getValue().contains(va)) {
            return Optional.of(e.getValue());
        }
        return Optional.empty();
    }

    /** The extents that overlap [from, to), in iova order. */
    public List<Mapping> overlapping(long from, long to) {
        List<Mapping> out = new ArrayList<>();
        Map.Entry<Long, Mapping> before = extents.lowerEntry(from);
        if (before != null && before.getValue().end() > from) {
            out.add(before.getValue());
        }
        // One by one: addAll would first count the view, walking it twice.
        for (Mapping m : extents.subMap(from, true, to, false).values()) {
            out.add(m);
        }
        return out;
    }

    /**
     * Removes [from, to) from m, keeping what lies outside it. {@code split} marks the remainders as
     * cut out of one larger leaf (a block split), not merely out of a run of pages.
     */
    public void cut(Mapping m, long from, long to, boolean split) {
        extents.remove(m.iova());
        if (m.iova() < from) {
            add(m.slice(m.iova(), from, split));
        }
        if (m.end() > to) {
            add(m.slice(to, m.end(), split));
        }
    }

    public Collection<Mapping> all() {
        return Collections.unmodifiableCollection(extents.values());
    }

    public int size() {
        return extents.size();
    }
}
