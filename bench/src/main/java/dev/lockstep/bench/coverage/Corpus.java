package dev.lockstep.bench.coverage;

import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.engine.Reproducer;
import dev.lockstep.bench.engine.ReproducerFormatException;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.Prot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Cases that reached driver sites no earlier case had reached, on disk in OUT/corpus/ (one
 * reproducer-format file each, written atomically), and the mutations a coverage-guided campaign
 * starts new cases from: drop or duplicate an operation, change a size, a count or the prot bits.
 * The alloc that opens a case is never touched, so every mutant is a case the model can judge.
 */
public final class Corpus {
    private final Path dir;
    private final List<List<Op>> cases = new ArrayList<>();

    public Corpus(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".lst")).sorted().toList()) {
                try {
                    cases.add(List.copyOf(Reproducer.read(p).ops()));
                } catch (ReproducerFormatException e) {
                    // a file torn by hand; the atomic writes never leave one
                }
            }
        }
    }

    public int size() {
        return cases.size();
    }

    /** Keeps a case that reached newSites new driver sites. */
    public void add(List<Op> ops, int newSites, PgtableConfig config, ModelOptions options, long seed, int batch) throws IOException {
        List<Op> kept = List.copyOf(ops);
        cases.add(kept);
        String name = String.format("case-%06d-new%d.lst", cases.size(), newSites);
        new Reproducer("corpus: " + newSites + " new driver sites", 0, config, options, seed, batch, kept).write(dir.resolve(name));
    }

    /** A mutant of a corpus case, without its closing free (the campaign ends the case itself). */
    public List<Op> mutant(SplittableRandom r, PgtableConfig config) {
        List<Op> base = new ArrayList<>(cases.get(r.nextInt(cases.size())));
        while (!base.isEmpty() && base.get(base.size() - 1) instanceof Op.Free) {
            base.remove(base.size() - 1);
        }
        if (base.size() < 2) {
            return base;
        }
        int n = 1 + r.nextInt(8);
        for (int k = 0; k < n && base.size() > 1; k++) {
            int i = 1 + r.nextInt(base.size() - 1);
            switch (r.nextInt(4)) {
                case 0 -> base.remove(i);
                case 1 -> base.add(i, base.get(i));
                default -> base.set(i, tweak(base.get(i), r, config));
            }
        }
        base.subList(1, base.size()).removeIf(o -> o instanceof Op.Free || o instanceof Op.Alloc);
        return base;
    }

    private static Op tweak(Op op, SplittableRandom r, PgtableConfig config) {
        long bitmap = config.pgsizeBitmap();
        if (op instanceof Op.Map m) {
            return switch (r.nextInt(3)) {
                case 0 -> new Op.Map(m.handle(), m.iova(), m.paddr(), pick(bitmap, r, m.pgsize()), m.pgcount(), m.prot());
                case 1 -> new Op.Map(m.handle(), m.iova(), m.paddr(), m.pgsize(), count(m.pgcount(), r), m.prot());
                default -> new Op.Map(m.handle(), m.iova(), m.paddr(), m.pgsize(), m.pgcount(), new Prot(m.prot().bits() ^ (1 << r.nextInt(6))));
            };
        }
        if (op instanceof Op.Unmap u) {
            return r.nextBoolean()
                    ? new Op.Unmap(u.handle(), u.iova(), pick(bitmap, r, u.pgsize()), u.pgcount())
                    : new Op.Unmap(u.handle(), u.iova(), u.pgsize(), count(u.pgcount(), r));
        }
        return op;
    }

    private static long pick(long bitmap, SplittableRandom r, long dflt) {
        int n = Long.bitCount(bitmap);
        if (n == 0) {
            return dflt;
        }
        int k = r.nextInt(n);
        long s = bitmap;
        for (int i = 0; i < k; i++) {
            s &= s - 1;
        }
        return Long.lowestOneBit(s);
    }

    private static int count(int c, SplittableRandom r) {
        return switch (r.nextInt(3)) {
            case 0 -> Math.max(1, c / 2);
            case 1 -> Math.min(512, c * 2);
            default -> c + 1;
        };
    }
}
