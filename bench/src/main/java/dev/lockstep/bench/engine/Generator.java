package dev.lockstep.bench.engine;

import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableContract;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.Prot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Stimulus for the io-pgtable contract. It works inside a small iova window per case so that
 * operations collide: blocks and pages, remaps over live entries, partial unmaps that split blocks,
 * unmaps that cover smaller mappings, both ends of the input range, every prot. Everything derives
 * from the seed, so a campaign is reproducible.
 */
public final class Generator {
    private final PgtableConfig config;
    private final SplittableRandom random;
    private final double misuseRate;
    private final long[] pgsizes;
    private long windowBase;
    private long windowSize;

    public Generator(PgtableConfig config, SplittableRandom random, double misuseRate) {
        this.config = config;
        this.random = random;
        this.misuseRate = misuseRate;
        long bitmap = config.pgsizeBitmap();
        this.pgsizes = new long[Long.bitCount(bitmap)];
        int i = 0;
        for (long s = 1; s != 0; s <<= 1) {
            if ((bitmap & s) != 0) {
                pgsizes[i++] = s;
            }
        }
    }

    public Op.Alloc alloc() {
        long largest = pgsizes[pgsizes.length - 1];
        windowSize = Math.min(config.inputLimit(), largest * 4);
        long slots = config.inputLimit() / windowSize;
        int where = random.nextInt(4);
        windowBase = switch (where) {
            case 0 -> 0;
            case 1 -> config.inputLimit() - windowSize;
            default -> random.nextLong(slots) * windowSize;
        };
        return new Op.Alloc(0, config.format().wireCode(), config.quirks(), config.pgsizeBitmap(), config.ias(), config.oas(),
                config.coherentWalk());
    }

    /** A case's length in operations: long enough to build deep state, short enough to shrink. */
    public int caseLength() {
        return 64 + random.nextInt(1200);
    }

    public List<Op> batch(PgtableContract model, int n) {
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ops.add(next(model));
        }
        return ops;
    }

    Op next(PgtableContract model) {
        int live = model.extentCount();
        int roll = random.nextInt(100);
        int mapShare = live > 200 ? 25 : 45;
        if (roll < mapShare) {
            return map(model);
        }
        if (roll < 80) {
            return unmap(model);
        }
        return iovaToPhys(model);
    }

    private Op map(PgtableContract model) {
        if (random.nextDouble() < misuseRate) {
            return misuseMap();
        }
        long pgsize = pickPgsize();
        long iova;
        int where = random.nextInt(100);
        Mapping live = pickLive(model);
        if (where < 25 && live != null) {
            // Onto a live mapping: same place, inside a larger one, or over smaller ones.
            iova = alignDown(live.iova() + (live.size() > pgsize ? random.nextLong(live.size() / pgsize) * pgsize : 0), pgsize);
        } else if (where < 35) {
            iova = alignDown(windowBase + windowSize - pgsize * (1 + random.nextInt(3)), pgsize);
        } else {
            iova = windowBase + random.nextLong(windowSize / pgsize) * pgsize;
        }
        return new Op.Map(0, iova, pickPaddr(pgsize), pgsize, pickCount(pgsize), pickProt());
    }

    private Op misuseMap() {
        long pgsize = pickPgsize();
        long iova = windowBase + random.nextLong(windowSize / pgsize) * pgsize;
        long paddr = pickPaddr(pgsize);
        return switch (random.nextInt(5)) {
            case 0 -> new Op.Map(0, iova + config.granule().size() / 2, paddr, pgsize, 1, pickProt());
            case 1 -> new Op.Map(0, config.inputLimit() + iova, paddr, pgsize, 1, pickProt());
            case 2 -> new Op.Map(0, iova, config.outputLimit() + paddr, pgsize, 1, pickProt());
            case 3 -> new Op.Map(0, iova, paddr, pgsize * 2 == pgsizes[pgsizes.length - 1] ? pgsize * 4 : pgsize * 2, 1, pickProt());
            default -> new Op.Map(0, iova, paddr + 8, pgsize, 1, pickProt());
        };
    }

    private Op unmap(PgtableContract model) {
        Mapping live = pickLive(model);
        int roll = random.nextInt(100);
        if (live != null && roll < 80) {
            long pgsize;
            if (roll < 45) {
                pgsize = live.pgsize();
            } else if (roll < 65) {
                pgsize = pickPgsizeBelow(live.pgsize());
            } else {
                pgsize = pickPgsizeAbove(live.pgsize());
            }
            long iova = alignDown(live.iova() + (live.size() > pgsize ? random.nextLong(live.size() / pgsize) * pgsize : 0), pgsize);
            int count = roll < 45 ? (int) Math.max(1, Math.min(live.size() / pgsize, 1 + random.nextInt(4))) : pickCount(pgsize);
            return new Op.Unmap(0, iova, pgsize, count);
        }
        if (random.nextDouble() < misuseRate) {
            long pgsize = pickPgsize();
            return new Op.Unmap(0, windowBase + pgsize / 2 + config.granule().size(), pgsize, 1);
        }
        long pgsize = pickPgsize();
        return new Op.Unmap(0, windowBase + random.nextLong(windowSize / pgsize) * pgsize, pgsize, pickCount(pgsize));
    }

    private Op iovaToPhys(PgtableContract model) {
        Mapping live = pickLive(model);
        if (live != null && random.nextInt(100) < 70) {
            return new Op.IovaToPhys(0, live.iova() + random.nextLong(live.size()));
        }
        return new Op.IovaToPhys(0, windowBase + random.nextLong(windowSize));
    }

    private Mapping pickLive(PgtableContract model) {
        int n = model.extentCount();
        if (n == 0) {
            return null;
        }
        int k = random.nextInt(n);
        for (Mapping m : model.mappings()) {
            if (k-- == 0) {
                return m;
            }
        }
        return null;
    }

    private long pickPgsize() {
        // Pages most often, the largest blocks least: deep tables are where the interesting paths are.
        int n = pgsizes.length;
        int roll = random.nextInt(10);
        int idx = roll < 6 ? 0 : roll < 9 ? Math.min(1, n - 1) : n - 1;
        return pgsizes[idx];
    }

    private long pickPgsizeBelow(long size) {
        List<Long> below = new ArrayList<>();
        for (long s : pgsizes) {
            if (s < size) below.add(s);
        }
        return below.isEmpty() ? size : below.get(random.nextInt(below.size()));
    }

    private long pickPgsizeAbove(long size) {
        List<Long> above = new ArrayList<>();
        for (long s : pgsizes) {
            if (s > size) above.add(s);
        }
        return above.isEmpty() ? size : above.get(random.nextInt(above.size()));
    }

    private int pickCount(long pgsize) {
        int roll = random.nextInt(100);
        if (roll < 70) {
            return 1;
        }
        if (roll < 92) {
            return 2 + random.nextInt(15);
        }
        // Past the end of a table: the contract's chunking decides how many go in.
        long perTable = 1L << config.granule().bitsPerLevel();
        return (int) Math.min(4096, perTable + random.nextInt(16) - 8);
    }

    private long pickPaddr(long pgsize) {
        long slots = config.outputLimit() / pgsize;
        if (random.nextInt(100) < 5) {
            return (slots - 1 - random.nextInt(4)) * pgsize;
        }
        return random.nextLong(slots) * pgsize;
    }

    private Prot pickProt() {
        int bits = random.nextInt(Prot.ALL + 1);
        if (random.nextInt(100) < 85) {
            bits |= Prot.READ;
        }
        return Prot.of(bits);
    }

    private static long alignDown(long v, long a) {
        return v & ~(a - 1);
    }
}
