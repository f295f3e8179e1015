package dev.lockstep.bench.engine;

import dev.lockstep.bench.engine.FormatJudge.Decision;
import dev.lockstep.bench.engine.FormatJudge.Judgement;
import dev.lockstep.bench.engine.FormatJudge.TableRef;
import dev.lockstep.models.iopgtable.Mapping;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Depths 3 and 4 where something changed: after each batch, every input address whose translation
 * could have changed is judged, and nothing else (docs/performance.md argues why that is at least
 * as strong as probing).
 *
 * <p>A translation is decided by the descriptors its walk reads and by what the contract expects
 * there. Between two batches it can change only where the driver wrote a descriptor on its walk
 * (the table delta names every word written, and every word of a block new to the bench) or where
 * an operation of the batch asked the contract to change something. So the judge turns each written
 * word into the input addresses that descriptor decides, using the tables earlier walks went
 * through, adds the range of every map and unmap, and walks all of it.
 *
 * <p>Walking all of it is cheap because a run of descriptors in one table that differ only by a
 * constant step (the pages of one map call; the empty entries of a fresh table) decides its
 * addresses alike. The run's first two entries are judged by the walker, which fixes the step (and
 * must give the same verdict: both agree, or both disagree alike); the entries after them must
 * follow the step exactly, and the last one and one picked at random are judged by the walker too,
 * so a field that drifts along the run (a carry out of the address field, a bit that depends on the
 * address) shows at the end. Every expected extent that starts inside a run is judged where it
 * starts, since a run must stay inside one extent.
 *
 * <p>Inside, input addresses are offsets from the start of the format's input range
 * ({@link FormatJudge#inputBase}), so the upper half of a split address space (ARM_TTBR1), whose
 * end is 2^64, is judged exactly like the lower one; the judge and the contract see real addresses.
 */
final class ChangeJudge {
    /** What the judge does with a judgement that disagrees: report it, and say whether to stop. */
    interface Verdicts {
        boolean report(Judgement j, long va);
    }

    private final FormatJudge judge;
    /** The first input address of the range: offsets inside are from here. */
    private final long base;
    private final Coverage coverage;
    private final SplittableRandom random;
    /** Tables the walks went through, by address: where they sat then. */
    private final TablesByAddress known = new TablesByAddress();
    private List<TableRef> roots = List.of();
    /** Input ranges to judge before the next batch is sent: [from[i], to[i]). */
    private long[] from = new long[64];
    private long[] to = new long[64];
    private int count;
    /** Walks run by the last judge() call, for the bench's figures. */
    private long walks;
    /** Tables found still in place during this judge() call. */
    private final java.util.Set<TableRef> checked = new java.util.HashSet<>();

    ChangeJudge(FormatJudge judge, Coverage coverage, SplittableRandom random) {
        this.judge = judge;
        this.base = judge.inputBase();
        this.coverage = coverage;
        this.random = random;
    }

    /** A new table: nothing is known about it yet. */
    void begin() {
        known.clear();
        roots = List.of();
        count = 0;
    }

    /** The driver published a walkable cfg: its tables start at the roots, and everything they map is new. */
    void rooted() {
        roots = judge.roots();
        for (TableRef r : roots) {
            known.put(r.address(), r);
        }
        asked(base, base + judge.inputLimit());
    }

    /**
     * An operation named [from, to) (input addresses; to is 0 for a range that ends at the top of
     * the space): the contract may have changed anywhere in it.
     */
    void asked(long start, long end) {
        long limit = judge.inputLimit();
        long lo = start - base;
        long hi = end - base;
        if (Long.compareUnsigned(lo, limit) >= 0 || Long.compareUnsigned(hi, lo) <= 0) {
            return;
        }
        add(lo, Long.compareUnsigned(hi, limit) > 0 ? limit : hi);
    }

    private void add(long lo, long hi) {
        if (count == from.length) {
            from = Arrays.copyOf(from, count * 2);
            to = Arrays.copyOf(to, count * 2);
        }
        from[count] = lo;
        to[count] = hi;
        count++;
    }

    long walks() {
        return walks;
    }

    /**
     * Judges every input address the last batch could have changed: the ranges its operations named,
     * and what the words the mirror's last delta wrote decide. Returns true when a verdict said stop.
     */
    boolean judge(TableMirror mirror, Expectations model, Verdicts verdicts) {
        judge.prepare(mirror);
        if (judgeChanges(mirror, model, verdicts)) {
            return true;
        }
        for (FormatJudge.Late late : judge.finish()) {
            if (verdicts.report(late.judgement(), late.va())) {
                return true;
            }
        }
        return false;
    }

    private boolean judgeChanges(TableMirror mirror, Expectations model, Verdicts verdicts) {
        walks = 0;
        checked.clear();
        // A table the walks knew that is gone: whatever still points at it now walks into nothing.
        for (int i = 0; i < mirror.freedBlocks(); i++) {
            TableRef t = known.remove(mirror.freedAt(i));
            if (t != null) {
                asked(t.vaBase(), t.vaBase() + t.entrySpan() * (t.bytes() / 8));
            }
        }
        int runs = mirror.writtenRuns();
        long[] at = new long[runs];
        int[] words = new int[runs];
        for (int i = 0; i < runs; i++) {
            at[i] = mirror.writtenAt(i);
            words[i] = mirror.writtenWords(i);
        }
        // Words in tables the walks know first; judging their addresses walks through the tables
        // below them, which makes those known for the next round. What is never reached is in no
        // table a walk can meet, and decides nothing.
        for (int round = 0; round < 8; round++) {
            boolean progress = false;
            for (int i = 0; i < runs; i++) {
                if (words[i] == 0) {
                    continue;
                }
                TableRef t = tableOf(at[i]);
                if (t == null || !still(mirror, t)) {
                    continue;
                }
                long first = (at[i] - t.address()) / 8;
                long last = Math.min(first + words[i], t.bytes() / 8);
                if (first < last) {
                    asked(t.vaBase() + first * t.entrySpan(), t.vaBase() + last * t.entrySpan());
                }
                // Words past the table's end belong to whatever follows it in the block.
                long done = last - first;
                at[i] += 8 * done;
                words[i] -= (int) done;
                if (done == 0) {
                    words[i] = 0;
                }
                progress = true;
            }
            if (judgeAsked(mirror, model, verdicts)) {
                return true;
            }
            if (!progress) {
                break;
            }
        }
        return false;
    }

    /** The known table holding the word at pa, or null. */
    private TableRef tableOf(long pa) {
        for (TableRef r : roots) {
            if (pa >= r.address() && pa < r.address() + r.bytes()) {
                return r;
            }
        }
        for (TableRef r : roots) {
            // The rest of a root's block holds no descriptors any walk reads.
            if (pa >= r.address() && pa < r.address() + Math.max(r.bytes(), 4096)) {
                return null;
            }
        }
        // Every other table is one granule, aligned; try the granules a table may start at.
        for (long size = 4096; size <= 65536; size <<= 1) {
            TableRef t = known.get(pa & ~(size - 1));
            if (t != null && pa < t.address() + t.bytes()) {
                return t;
            }
        }
        return null;
    }

    /** Whether a table is still where the walks met it: roots always are; others, a walk says. */
    private boolean still(TableMirror mirror, TableRef t) {
        if (roots.contains(t) || checked.contains(t)) {
            return true;
        }
        walks++;
        for (TableRef p : judge.where(mirror, t.vaBase()).path()) {
            if (p.address() == t.address()) {
                if (p.equals(t)) {
                    checked.add(t);
                    return true;
                }
                break;
            }
        }
        known.remove(t.address());
        return false;
    }

    private boolean judgeAsked(TableMirror mirror, Expectations model, Verdicts verdicts) {
        int n = count;
        count = 0;
        if (n == 0) {
            return false;
        }
        // Sorted and merged, so no address is walked twice.
        long[][] pairs = new long[n][];
        for (int i = 0; i < n; i++) {
            pairs[i] = new long[] {from[i], to[i]};
        }
        Arrays.sort(pairs, (a, b) -> Long.compareUnsigned(a[0], b[0]));
        long lo = pairs[0][0];
        long hi = pairs[0][1];
        for (int i = 1; i <= n; i++) {
            if (i < n && Long.compareUnsigned(pairs[i][0], hi) <= 0) {
                hi = Long.compareUnsigned(pairs[i][1], hi) > 0 ? pairs[i][1] : hi;
                continue;
            }
            if (judgeRange(mirror, model, lo, hi, verdicts)) {
                return true;
            }
            if (i < n) {
                lo = pairs[i][0];
                hi = pairs[i][1];
            }
        }
        return false;
    }

    /** Judges every address of [lo, hi) (offsets); true when a verdict said stop. */
    private boolean judgeRange(TableMirror mirror, Expectations model, long lo, long hi, Verdicts verdicts) {
        long va = lo;
        // The last walked descriptor, when it agreed: a run may follow it.
        long prevAddress = -1;
        long prevRaw = 0;
        boolean prevLeaf = false;
        String prevVerdict = "";
        Mapping prevExtent = null;
        while (Long.compareUnsigned(va, hi) < 0) {
            long real = base + va;
            Optional<Mapping> expected = model.lookup(real);
            Judgement j = walk(mirror, real, expected);
            if (!j.agrees() && verdicts.report(j, real)) {
                return true;
            }
            Decision d = j.decision();
            long regionEnd = d.regionEnd() - base;
            long end = Long.compareUnsigned(regionEnd, hi) < 0 ? regionEnd : hi;
            // Inside one descriptor's region the contract must expect one thing throughout.
            long pieceEnd = expected.isPresent() ? Math.min(end, expected.get().end() - base) : firstExtent(model, va, end);
            if (Long.compareUnsigned(pieceEnd, end) < 0) {
                va = pieceEnd;
                prevAddress = -1;
                continue;
            }
            va = end;
            Mapping extent = expected.orElse(null);
            if (d.descriptorAddress() < 0 || end != regionEnd) {
                prevAddress = -1;
                continue;
            }
            // A disagreement repeats along a run as an agreement does: neighbours with the same
            // verdict fix the step either way.
            String verdict = j.verdict();
            if (prevAddress >= 0 && d.descriptorAddress() == prevAddress + 8 && extent == prevExtent && d.leaf() == prevLeaf
                    && verdict.equals(prevVerdict)) {
                va = run(mirror, model, d, prevRaw, extent, hi, verdicts);
                if (va == STOP) {
                    return true;
                }
                prevAddress = -1;
                continue;
            }
            prevAddress = d.descriptorAddress();
            prevRaw = d.raw();
            prevLeaf = d.leaf();
            prevVerdict = verdict;
            prevExtent = extent;
        }
        return false;
    }

    private static final long STOP = -1;

    /**
     * Two walked neighbours agree and fix the step: scans the descriptors after the second while
     * they keep it and the expectation stays the same, judges the last scanned and one in between
     * with the walker, and returns where judging goes on (an offset, or STOP).
     */
    private long run(TableMirror mirror, Expectations model, Decision second, long firstRaw, Mapping extent,
                     long hi, Verdicts verdicts) {
        long size = second.regionEnd() - second.regionStart();
        long secondEnd = second.regionEnd() - base;
        long step = second.leaf() ? second.raw() - firstRaw : 0;
        if (!second.leaf() && second.raw() != firstRaw) {
            return secondEnd;
        }
        // Where the expectation changes: the extent's end, or the next extent after a fault run.
        long limit = extent != null ? extent.end() - base : firstExtent(model, secondEnd, hi);
        if (Long.compareUnsigned(limit, hi) > 0) {
            limit = hi;
        }
        long address = second.descriptorAddress() + 8;
        long va = secondEnd;
        long expect = second.raw() + step;
        long scanned = 0;
        while (address < second.tableEnd() && Long.compareUnsigned(va + size, limit) <= 0 && va + size > va
                && mirror.isBacked(address) && mirror.readU64(address) == expect) {
            address += 8;
            va += size;
            expect += step;
            scanned++;
        }
        if (scanned == 0 || !second.leaf()) {
            // A walk that ends without a leaf (an invalid entry, or one it cannot follow) faults for
            // what the descriptor is, never for where in its table it sits: a run of identical ones,
            // all reached through the same parent, decides every address of it as its first two did.
            return va;
        }
        // The last of the run, and one of the rest: a field drifting along the run shows there.
        long lastVa = base + va - size;
        Judgement last = walk(mirror, lastVa, model.lookup(lastVa));
        if (!last.agrees() && verdicts.report(last, lastVa)) {
            return STOP;
        }
        if (scanned > 1) {
            long middle = base + secondEnd + random.nextLong(scanned - 1) * size;
            Judgement m = walk(mirror, middle, model.lookup(middle));
            if (!m.agrees() && verdicts.report(m, middle)) {
                return STOP;
            }
        }
        return va;
    }

    /**
     * Where the contract first expects a mapping in [from, end) (offsets): from itself if one
     * covers it, else end.
     */
    private long firstExtent(Expectations model, long from, long end) {
        if (Long.compareUnsigned(from, end) >= 0) {
            return end;
        }
        List<Mapping> in = model.mappingsIn(base + from, base + end);
        return in.isEmpty() ? end : Math.max(in.get(0).iova() - base, from);
    }

    private Judgement walk(TableMirror mirror, long va, Optional<Mapping> expected) {
        walks++;
        Judgement j = judge.judge(mirror, va, expected);
        coverage.hit(j.bin());
        for (TableRef t : j.decision().path()) {
            known.put(t.address(), t);
        }
        return j;
    }
}
