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
    /**
     * The model's extents in iova order, taken once per batch: the model does not change while a
     * batch is generated, and walking its map for every pick cost more than the rest of the generator.
     */
    private Mapping[] live = new Mapping[0];
    private int liveCount;

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

    /**
     * After alloc, for a case that starts with given operations (a corpus mutant): moves the
     * window onto the first mapped iova among them, so the operations generated after the given
     * ones collide with what those built.
     */
    public void adopt(List<Op> given) {
        for (Op op : given) {
            if (op instanceof Op.Map m && config.acceptsIova(m.iova())) {
                long base = (m.iova() & (config.inputLimit() - 1)) & ~(windowSize - 1);
                if (Long.compareUnsigned(base + windowSize, config.inputLimit()) <= 0) {
                    windowBase = base;
                }
                return;
            }
        }
    }

    /** A case's length in operations: long enough to build deep state, short enough to shrink. */
    public int caseLength() {
        return 64 + random.nextInt(1200);
    }

    public List<Op> batch(PgtableContract model, int n) {
        return batch(model, n, java.util.Set.of());
    }

    /**
     * A batch in which about one operation in four is aimed at a coverage bin nobody has hit yet
     * (emptyBins, as Coverage names them), so a campaign does not keep circling what it knows.
     */
    public List<Op> batch(PgtableContract model, int n, java.util.Set<String> emptyBins) {
        List<String> targets = new ArrayList<>();
        for (String b : emptyBins) {
            if (b.startsWith("map/") || b.startsWith("unmap/") || b.startsWith("prot/")) {
                targets.add(b);
            }
        }
        java.util.Collection<Mapping> all = model.mappings();
        liveCount = all.size();
        live = all.toArray(live);
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Op steered = targets.isEmpty() || random.nextInt(4) != 0 ? null : aim(model, targets.get(random.nextInt(targets.size())));
            ops.add(inRegion(config, steered != null ? steered : next(model)));
        }
        return ops;
    }

    /**
     * The generator works in offsets into the input range; under ARM_TTBR1 that range is the top
     * 2^ias bytes of the address space, so an offset below 2^ias becomes the iova there. Addresses
     * already in the range, and those meant to be outside it, are left as they are.
     */
    public static Op inRegion(dev.lockstep.models.iopgtable.PgtableConfig config, Op op) {
        if (config.inputRegionBits() == 0) {
            return op;
        }
        long limit = config.inputLimit();
        if (op instanceof Op.Map m && Long.compareUnsigned(m.iova(), limit) < 0) {
            return new Op.Map(m.handle(), config.iovaAt(m.iova()), m.paddr(), m.pgsize(), m.pgcount(), m.prot());
        }
        if (op instanceof Op.Unmap u && Long.compareUnsigned(u.iova(), limit) < 0) {
            return new Op.Unmap(u.handle(), config.iovaAt(u.iova()), u.pgsize(), u.pgcount());
        }
        if (op instanceof Op.IovaToPhys q && Long.compareUnsigned(q.iova(), limit) < 0) {
            return new Op.IovaToPhys(q.handle(), config.iovaAt(q.iova()));
        }
        return op;
    }

    /** An operation meant to land in bin, or null when the state offers no way there now. */
    Op aim(PgtableContract model, String bin) {
        String[] parts = bin.split("/");
        if (parts[0].equals("prot")) {
            long pgsize = pickPgsize();
            return new Op.Map(0, windowBase + random.nextLong(windowSize / pgsize) * pgsize, pickPaddr(pgsize), pgsize, 1,
                    Prot.parse(parts[1]));
        }
        long size = sizeOf(parts.length > 2 ? parts[2] : "");
        if (size <= 0) {
            return null;
        }
        String situation = parts[1];
        Mapping smaller = liveWith(model, m -> m.pgsize() < size);
        Mapping same = liveWith(model, m -> m.pgsize() == size && !m.split());
        Mapping larger = liveWith(model, m -> m.pgsize() > size);
        Mapping split = liveWith(model, Mapping::split);
        long fresh = windowBase + random.nextLong(windowSize / size) * size;
        if (parts[0].equals("map")) {
            long paddr = pickPaddr(size);
            return switch (situation) {
                case "fresh" -> new Op.Map(0, fresh, paddr, size, pickCount(size), pickProt());
                case "over-same-size" -> same == null ? null : new Op.Map(0, same.iova(), paddr, size, 1, pickProt());
                case "inside-larger" -> larger == null ? null : new Op.Map(0, alignDown(larger.iova() + larger.size() / 2, size), paddr, size, 1, pickProt());
                case "over-smaller" -> smaller == null ? null : new Op.Map(0, alignDown(smaller.iova(), size), paddr, size, 1, pickProt());
                case "over-split" -> split == null ? null : new Op.Map(0, alignDown(split.iova(), size), paddr, size, 1, pickProt());
                case "misaligned" -> new Op.Map(0, fresh, paddr + config.granule().size() / 2, size, 1, pickProt());
                case "iova-out-of-range" -> new Op.Map(0, config.inputLimit() + fresh, paddr, size, 1, pickProt());
                case "paddr-out-of-range" -> new Op.Map(0, fresh, config.outputLimit() - size, size, 2, pickProt());
                case "no-access" -> new Op.Map(0, fresh, paddr, size, 1, Prot.of(pickProt().bits() & ~(Prot.READ | Prot.WRITE)));
                // 4K-aligned but not 16K-aligned: DART2 keeps no PA[13:12].
                case "paddr-unencodable" -> new Op.Map(0, fresh, (paddr & ~0x3fffL) | 0x1000L, size, 1, pickProt());
                default -> null;
            };
        }
        return switch (situation) {
            case "exact" -> same == null ? null : new Op.Unmap(0, same.iova(), size, 1);
            case "split" -> larger == null ? null : new Op.Unmap(0, alignDown(larger.iova() + larger.size() / 2, size), size, 1);
            case "covers-smaller" -> smaller == null ? null : new Op.Unmap(0, alignDown(smaller.iova(), size), size, 1);
            case "hole" -> new Op.Unmap(0, fresh, size, 1);
            case "partial-hole" -> same == null ? null : new Op.Unmap(0, same.iova(), size, (int) (same.size() / size) + 1);
            case "misaligned" -> new Op.Unmap(0, fresh + config.granule().size() / 2, size, 1);
            case "iova-out-of-range" -> new Op.Unmap(0, config.inputLimit() + fresh, size, 1);
            default -> null;
        };
    }

    private Mapping liveWith(PgtableContract model, java.util.function.Predicate<Mapping> p) {
        List<Mapping> matches = new ArrayList<>();
        for (int i = 0; i < liveCount; i++) {
            Mapping m = live[i];
            if (p.test(m)) {
                matches.add(m);
                if (matches.size() == 32) {
                    break;
                }
            }
        }
        return matches.isEmpty() ? null : matches.get(random.nextInt(matches.size()));
    }

    private static long sizeOf(String label) {
        if (label.isEmpty() || label.equals("other")) {
            return -1;
        }
        long unit = switch (label.charAt(label.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            case 'T' -> 1L << 40;
            default -> 1;
        };
        try {
            return Long.parseLong(label.substring(0, label.length() - 1)) * unit;
        } catch (NumberFormatException e) {
            return -1;
        }
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
            if (random.nextBoolean()) {
                // A size the configuration does not have (twice a page is never one), as misuseMap does for maps.
                return new Op.Unmap(0, windowBase + random.nextLong(windowSize / pgsize) * pgsize, pgsize * 2 == pgsizes[pgsizes.length - 1]
                        ? pgsize * 4 : pgsize * 2, 1);
            }
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
        int n = liveCount;
        if (n == 0) {
            return null;
        }
        return live[random.nextInt(n)];
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
