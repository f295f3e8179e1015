package dev.lockstep.bench.coverage;

import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.engine.Reproducer;
import dev.lockstep.bench.engine.ReproducerFormatException;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Cases that reached driver sites no earlier case had reached, on disk in OUT/corpus/ (one
 * reproducer-format file each, written atomically, so a resumed campaign starts from the same
 * corpus), with the energy a coverage-guided campaign gives each: how likely it is to be the parent
 * of the next mutant. As in AFL's and libFuzzer's schedules, a case that found more new sites, and
 * found them recently, gets more; every mutant of it that finds nothing takes some away.
 *
 * <p>Each case keeps the configuration it was allocated with (as its reproducer says), so its
 * mutants are judged by the model for that configuration.
 */
public final class Corpus {
    private static final Pattern NEW_SITES = Pattern.compile("^corpus: (\\d+) new driver sites");
    private static final Pattern PART = Pattern.compile("part at operation (\\d+)");
    /** Entries found among the last this many are "recent" and get four times the energy. */
    private static final int RECENT = 8;

    /** One kept case: its configuration, its operations from alloc on, and what it and its mutants found. */
    public static final class Entry {
        private final PgtableConfig config;
        private final List<Op> ops;
        private final int newSites;
        private final int serial;
        private final int parted;
        private int fruitless;

        Entry(PgtableConfig config, List<Op> ops, int newSites, int serial, int parted) {
            this.config = config;
            this.ops = List.copyOf(ops);
            this.newSites = newSites;
            this.serial = serial;
            this.parted = parted < 0 ? ops.size() : parted;
        }

        public PgtableConfig config() {
            return config;
        }

        /** The case's operations, alloc first. */
        public List<Op> ops() {
            return ops;
        }

        /**
         * The operations after the alloc, before the closing free and before the one where model
         * and driver parted (past it their states differ, and the case would end there again): what
         * mutations work on.
         */
        public List<Op> body() {
            List<Op> b = new ArrayList<>(ops.subList(0, parted));
            b.removeIf(o -> o instanceof Op.Alloc || o instanceof Op.Free);
            return b;
        }

        public int newSites() {
            return newSites;
        }
    }

    private final Path dir;
    private final List<Entry> entries = new ArrayList<>();

    public Corpus(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".lst")).sorted().toList()) {
                try {
                    Reproducer r = Reproducer.read(p);
                    Matcher m = NEW_SITES.matcher(r.title());
                    Matcher part = PART.matcher(r.title());
                    entries.add(new Entry(r.config(), r.ops(), m.find() ? Integer.parseInt(m.group(1)) : 1, entries.size(),
                            part.find() ? Integer.parseInt(part.group(1)) : -1));
                } catch (ReproducerFormatException | NumberFormatException e) {
                    // a file torn by hand; the atomic writes never leave one
                }
            }
        }
    }

    public int size() {
        return entries.size();
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /**
     * Keeps a case that reached newSites new driver sites; parted is the index of the operation
     * after which model and driver no longer agree on the tables (-1 when they always did).
     */
    public Entry add(List<Op> ops, int newSites, int parted, PgtableConfig config, ModelOptions options, long seed, int batch)
            throws IOException {
        Entry e = new Entry(config, ops, newSites, entries.size(), parted);
        entries.add(e);
        String name = String.format("case-%06d-new%d.lst", entries.size(), newSites);
        String title = "corpus: " + newSites + " new driver sites" + (parted < 0 ? "" : "; model and driver part at operation " + parted);
        new Reproducer(title, 0, config, options, seed, batch, e.ops()).write(dir.resolve(name));
        return e;
    }

    /**
     * How likely e is to be the next parent: more for more new sites (logarithmically, so one
     * case that opened a new format does not starve the rest), four times more while it is among
     * the most recent, and 0.7 times less for every mutant of it that found nothing.
     */
    double energy(Entry e) {
        double base = 1 + Math.log(1 + e.newSites) / Math.log(2);
        double recency = e.serial >= entries.size() - RECENT ? 4 : 1;
        return Math.max(0.02, base * recency * Math.pow(0.7, e.fruitless));
    }

    /** A parent drawn in proportion to energy, among the entries that accept (all when none is filtered). */
    public Entry pick(SplittableRandom r, java.util.function.Predicate<Entry> accept) {
        double total = 0;
        for (Entry e : entries) {
            if (accept.test(e)) {
                total += energy(e);
            }
        }
        if (total == 0) {
            throw new IllegalStateException("no corpus entry to pick");
        }
        double x = r.nextDouble() * total;
        Entry last = null;
        for (Entry e : entries) {
            if (accept.test(e)) {
                last = e;
                x -= energy(e);
                if (x < 0) {
                    return e;
                }
            }
        }
        return last;
    }

    /** Whether any entry is accepted. */
    public boolean any(java.util.function.Predicate<Entry> accept) {
        return entries.stream().anyMatch(accept);
    }

    /** What a case derived from parent found: nothing costs the parent energy. */
    public void outcome(Entry parent, int newSites) {
        if (newSites == 0) {
            parent.fruitless++;
        } else {
            parent.fruitless = Math.max(0, parent.fruitless - 2);
        }
    }
}
