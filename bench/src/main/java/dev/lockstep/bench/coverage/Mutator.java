package dev.lockstep.bench.coverage;

import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.Prot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mutations of a case's operations (the part after its alloc), for a coverage-guided campaign:
 * the moves of a byte-level fuzzer carried over to io-pgtable calls. Deletion, repetition of a
 * run of calls, swapping, splicing with another case of the same configuration, turning a map into
 * the unmap of the same range and back, and perturbing one field: pgsize (to another size the
 * configuration has, or one it has not), pgcount (halved, doubled, one more, or to the end of a
 * table), prot (one bit flipped), iova (a page or a block further, aligned to another size, to the
 * top of the input range or past it) and paddr (to the top of the output range or past it, or off
 * by a page).
 *
 * <p>A mutant is still a case of the same configuration: nothing here knows a model's answer, and
 * calls the contract refuses are as welcome as any (they reach the driver's error paths). Like the
 * generator's misuse, a pgcount is never 0.
 *
 * <p>{@link #probes} are those refused calls on their own, one of each kind the contract names: the
 * caller's side broken in every way the generator breaks it only once in a hundred calls. Each is
 * an argument check of its own in the driver (a WARN_ON branch per condition), so a configuration's
 * error paths are found in one short case, not after thousands of operations; a mutant may also
 * have one inserted anywhere, so the checks are met again in the states the corpus reached.
 */
public final class Mutator {
    /** How many of {@link #probes} come first and leave the tables alone, whatever the driver answers. */
    public static final int QUIET_PROBES = 5;

    private final PgtableConfig config;
    private final long[] pgsizes;

    public Mutator(PgtableConfig config) {
        this.config = config;
        long bitmap = config.pgsizeBitmap();
        if (bitmap == 0) {
            throw new IllegalArgumentException("configuration without page sizes: " + config);
        }
        pgsizes = new long[Long.bitCount(bitmap)];
        int i = 0;
        for (long s = 1; s != 0; s <<= 1) {
            if ((bitmap & s) != 0) {
                pgsizes[i++] = s;
            }
        }
    }

    /**
     * A mutant of ops (no alloc, no free): one to eight stacked mutations, as AFL's havoc stage
     * stacks them. other is another case of the same configuration to splice with (may be empty).
     */
    public List<Op> mutate(List<Op> ops, List<Op> other, SplittableRandom r) {
        List<Op> m = new ArrayList<>(ops);
        int n = 1 + r.nextInt(8);
        for (int k = 0; k < n; k++) {
            mutateOnce(m, other, r);
        }
        m.removeIf(o -> o instanceof Op.Alloc || o instanceof Op.Free);
        return m;
    }

    private void mutateOnce(List<Op> m, List<Op> other, SplittableRandom r) {
        if (m.isEmpty()) {
            if (!other.isEmpty()) {
                m.addAll(other);
            }
            return;
        }
        int i = r.nextInt(m.size());
        switch (r.nextInt(11)) {
            case 0 -> m.remove(i);
            case 1 -> {
                // A run of calls again, once or a few times: repeated maps over live entries, repeated unmaps of holes.
                int len = 1 + r.nextInt(Math.min(8, m.size() - i));
                List<Op> run = new ArrayList<>(m.subList(i, i + len));
                int times = 1 + r.nextInt(3);
                for (int t = 0; t < times; t++) {
                    m.addAll(i + len, run);
                }
            }
            case 2 -> {
                int j = r.nextInt(m.size());
                Op a = m.get(i);
                m.set(i, m.get(j));
                m.set(j, a);
            }
            case 3 -> {
                if (!other.isEmpty()) {
                    // Splice: this case up to i, then the other from a point of its own.
                    int j = r.nextInt(other.size());
                    List<Op> tail = new ArrayList<>(other.subList(j, other.size()));
                    m.subList(i, m.size()).clear();
                    m.addAll(tail);
                }
            }
            case 4 -> m.set(i, invert(m.get(i)));
            case 5 -> {
                // A refused call in the middle of the case: the argument checks meet live state too.
                List<Op> p = probes(anchor(m.get(i)), r);
                m.add(i, p.get(r.nextInt(p.size())));
            }
            default -> m.set(i, perturb(m.get(i), r));
        }
    }

    /**
     * One call of each kind the contract refuses, at the offset base into the input range (made a
     * granule-aligned offset below the input limit): a page size the configuration lacks, for map
     * and for unmap; a paddr past the output range; an iova past the input range for iova_to_phys,
     * unmap and map; no access at all; a paddr and an iova off the page. The first {@link
     * #QUIET_PROBES} leave the tables alone on both sides whatever the driver answers; the rest
     * are calls a driver may carry out where the contract refuses them (io-pgtable-dart maps an
     * iova past its input range, io-pgtable-arm a misaligned paddr), after which model and driver
     * no longer agree on the tables and the case ends. Offsets are what the campaign turns into
     * iovas of the configuration's input range, so these work under ARM_TTBR1 too.
     */
    public List<Op> probes(long base, SplittableRandom r) {
        long page = config.granule().size();
        long at = (base & (config.inputLimit() - 1)) & ~(page - 1);
        long paddr = (r.nextLong(config.outputLimit()) & ~(page - 1)) & (config.outputLimit() - 1);
        long missing = missingSize();
        Prot rw = Prot.of(Prot.READ | Prot.WRITE);
        List<Op> p = new ArrayList<>();
        p.add(new Op.Map(0, at, paddr, missing, 1, rw));
        p.add(new Op.Unmap(0, at, missing, 1));
        p.add(new Op.Map(0, at, config.outputLimit() + paddr, page, 1, rw));
        p.add(new Op.IovaToPhys(0, config.inputLimit() + at + r.nextLong(page)));
        // Past the input range on an empty table: nothing to alias onto, whatever the driver checks.
        p.add(new Op.Unmap(0, config.inputLimit() + at, page, 1));
        p.add(new Op.Map(0, config.inputLimit() + at, paddr, page, 1, rw));
        p.add(new Op.Map(0, at, paddr, page, 1, Prot.of(Prot.CACHE)));
        p.add(new Op.Map(0, at, paddr + 8, page, 1, rw));
        p.add(new Op.Map(0, at + page / 2, paddr, page, 1, rw));
        return p;
    }

    /** A page size the configuration does not have: twice the page is never one (each level's block is 2^9 to 2^13 pages). */
    private long missingSize() {
        return config.granule().size() * 2;
    }

    /** Where a call works, as an offset into the input range, for a probe next to it. */
    private long anchor(Op op) {
        if (op instanceof Op.Map mp) {
            return mp.iova();
        }
        if (op instanceof Op.Unmap u) {
            return u.iova();
        }
        return op instanceof Op.IovaToPhys q ? q.iova() : 0;
    }

    /** The unmap of what a map would map, or a map of what an unmap would unmap. */
    Op invert(Op op) {
        if (op instanceof Op.Map mp) {
            return new Op.Unmap(mp.handle(), mp.iova(), mp.pgsize(), mp.pgcount());
        }
        if (op instanceof Op.Unmap u) {
            return new Op.Map(u.handle(), u.iova(), u.iova() & (config.outputLimit() - 1), u.pgsize(), u.pgcount(), Prot.of(Prot.READ | Prot.WRITE));
        }
        return op;
    }

    /** One field of one call changed. */
    Op perturb(Op op, SplittableRandom r) {
        if (op instanceof Op.Map mp) {
            return switch (r.nextInt(5)) {
                case 0 -> new Op.Map(mp.handle(), mp.iova(), mp.paddr(), otherSize(mp.pgsize(), r), mp.pgcount(), mp.prot());
                case 1 -> new Op.Map(mp.handle(), mp.iova(), mp.paddr(), mp.pgsize(), count(mp.pgcount(), r), mp.prot());
                case 2 -> new Op.Map(mp.handle(), mp.iova(), mp.paddr(), mp.pgsize(), mp.pgcount(), Prot.of(mp.prot().bits() ^ (1 << r.nextInt(6))));
                case 3 -> new Op.Map(mp.handle(), iova(mp.iova(), mp.pgsize(), r), mp.paddr(), mp.pgsize(), mp.pgcount(), mp.prot());
                default -> new Op.Map(mp.handle(), mp.iova(), paddr(mp.paddr(), mp.pgsize(), r), mp.pgsize(), mp.pgcount(), mp.prot());
            };
        }
        if (op instanceof Op.Unmap u) {
            return switch (r.nextInt(3)) {
                case 0 -> new Op.Unmap(u.handle(), u.iova(), otherSize(u.pgsize(), r), u.pgcount());
                case 1 -> new Op.Unmap(u.handle(), u.iova(), u.pgsize(), count(u.pgcount(), r));
                default -> new Op.Unmap(u.handle(), iova(u.iova(), u.pgsize(), r), u.pgsize(), u.pgcount());
            };
        }
        if (op instanceof Op.IovaToPhys q) {
            return new Op.IovaToPhys(q.handle(), iova(q.iova(), config.granule().size(), r) + r.nextLong(config.granule().size()));
        }
        return op;
    }

    private long otherSize(long size, SplittableRandom r) {
        if (r.nextInt(4) == 0) {
            // Not a size of this configuration: twice the page (a hole in every bitmap) or twice the largest.
            return r.nextBoolean() ? config.granule().size() * 2 : pgsizes[pgsizes.length - 1] * 2;
        }
        return pgsizes[r.nextInt(pgsizes.length)];
    }

    private int count(int c, SplittableRandom r) {
        long perTable = 1L << config.granule().bitsPerLevel();
        return switch (r.nextInt(4)) {
            case 0 -> Math.max(1, c / 2);
            case 1 -> (int) Math.min(4096, (long) c * 2);
            case 2 -> c + 1;
            // One short of, at, or past the end of a table: where the driver's chunking turns.
            default -> (int) Math.min(4096, perTable - 1 + r.nextInt(3));
        };
    }

    private long iova(long iova, long size, SplittableRandom r) {
        long step = pgsizes.length == 0 ? size : pgsizes[r.nextInt(pgsizes.length)];
        return switch (r.nextInt(5)) {
            case 0 -> iova + step;
            case 1 -> iova - step;
            case 2 -> iova & ~(step - 1);
            case 3 -> config.inputLimit() + (iova & (config.inputLimit() - 1));
            default -> (config.inputLimit() - step * (1 + r.nextInt(2))) & ~(step - 1);
        };
    }

    private long paddr(long paddr, long size, SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> (config.outputLimit() - size * (1 + r.nextInt(2))) & ~(size - 1);
            case 1 -> paddr + config.granule().size();
            case 2 -> config.outputLimit() + (paddr & (config.outputLimit() - 1));
            default -> paddr ^ (1L << r.nextInt(Math.max(1, config.oas())));
        };
    }
}
