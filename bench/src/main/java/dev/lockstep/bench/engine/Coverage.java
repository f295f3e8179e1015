package dev.lockstep.bench.engine;

import dev.lockstep.models.iopgtable.MapSituation;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.iopgtable.UnmapSituation;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Functional coverage: named bins counted as the scoreboard sees operations and walks. The bins a
 * configuration can reach are enumerated up front, so "hit / total" means something.
 *
 * <p>Bins are hit several times per operation, so counting is a hash lookup on a key whose hash is
 * already known, and what the generator and the status line ask for every batch (the empty bins,
 * how many are hit) is kept up to date as bins are first hit, not recomputed.
 */
public final class Coverage {
    private final boolean counting;
    private final Set<String> universe = new LinkedHashSet<>();
    private final Map<String, long[]> counts = new HashMap<>();
    /** Bins of the universe not hit yet, in the universe's order; null until first asked for. */
    private Set<String> empty;
    private long universeHit;
    /** The campaign's coverage, when this one counts the cases of one of its configurations. */
    private Coverage campaign;

    private Coverage(boolean counting) {
        this.counting = counting;
    }

    /**
     * The coverage of one configuration's cases in a campaign whose cases vary: its own bins, so
     * its generator is steered toward what this configuration has not done yet; every hit also
     * counts in campaign.
     */
    public static Coverage forConfig(PgtableConfig cfg, Coverage campaign) {
        Coverage c = forConfig(cfg);
        c.campaign = campaign;
        return c;
    }

    public static Coverage forConfig(PgtableConfig cfg) {
        Coverage c = new Coverage(true);
        long bitmap = cfg.pgsizeBitmap();
        for (long size = 1; size != 0 && size <= bitmap; size <<= 1) {
            if ((bitmap & size) == 0) {
                continue;
            }
            String s = Sizes.size(size);
            for (MapSituation m : MapSituation.values()) {
                if (m != MapSituation.BAD_PGSIZE && m != MapSituation.EMPTY && reachable(cfg, m)) {
                    c.universe.add("map/" + m.label() + "/" + s);
                }
            }
            for (UnmapSituation u : UnmapSituation.values()) {
                if (u != UnmapSituation.BAD_PGSIZE && u != UnmapSituation.EMPTY && (blocks(cfg)
                        || (u != UnmapSituation.SPLIT && u != UnmapSituation.COVERS_SMALLER))) {
                    c.universe.add("unmap/" + u.label() + "/" + s);
                }
            }
            int level = cfg.leafLevel(size);
            c.universe.add("walk/" + (level == 3 ? "page" : "block") + "/L" + level);
        }
        c.universe.add("map/bad-pgsize/other");
        c.universe.add("unmap/bad-pgsize/other");
        for (int level = cfg.startLevel(); level <= 3; level++) {
            c.universe.add("walk/fault-translation/L" + level);
        }
        for (int p = 0; p <= Prot.ALL; p++) {
            c.universe.add("prot/" + Prot.of(p));
        }
        c.universe.add("iova_to_phys/mapped");
        c.universe.add("iova_to_phys/unmapped");
        return c;
    }

    /**
     * Adds the bins of more configurations to the universe (a campaign whose cases vary their
     * ALLOC parameters): bins are named without the configuration, so a bin several configurations
     * share counts once.
     */
    public void widen(Iterable<PgtableConfig> configs) {
        for (PgtableConfig cfg : configs) {
            for (String bin : forConfig(cfg).universe) {
                if (universe.add(bin)) {
                    if (counts.containsKey(bin)) {
                        universeHit++;
                    } else if (empty != null) {
                        empty.add(bin);
                    }
                }
            }
        }
    }

    /** Formats with block mappings have splits and mappings of several sizes to collide. */
    private static boolean blocks(PgtableConfig cfg) {
        return Long.bitCount(cfg.pgsizeBitmap()) > 1;
    }

    /** Whether a situation can arise in this configuration at all: only those count toward the total. */
    private static boolean reachable(PgtableConfig cfg, MapSituation m) {
        return switch (m) {
            case OVER_SMALLER, INSIDE_LARGER, OVER_SPLIT -> blocks(cfg);
            case PADDR_UNENCODABLE -> cfg.format() == PgtableFormat.APPLE_DART2 && cfg.granule() == Granule.G4K;
            default -> true;
        };
    }

    /** A coverage that counts nothing: for replays that must not disturb a campaign's figures. */
    public static Coverage none() {
        return new Coverage(false);
    }

    public void hit(String bin) {
        if (counting) {
            long[] c = counts.get(bin);
            if (c == null) {
                firstHit(bin, 1);
            } else {
                c[0]++;
            }
        }
        if (campaign != null) {
            campaign.hit(bin);
        }
    }

    private void firstHit(String bin, long count) {
        counts.put(bin, new long[] {count});
        if (universe.contains(bin)) {
            universeHit++;
            if (empty != null) {
                empty.remove(bin);
            }
        }
    }

    /** Sets a bin's count from an earlier run of the same campaign (resume). */
    public void restore(String bin, long count) {
        if (counting && count > 0) {
            long[] c = counts.get(bin);
            if (c == null) {
                firstHit(bin, count);
            } else {
                c[0] = count;
            }
        }
    }

    public long binsTotal() {
        return universe.size();
    }

    public long binsHit() {
        return universeHit;
    }

    /** Bins of the universe not hit yet: the generator steers toward them. A live, read-only view. */
    public Set<String> empty() {
        if (empty == null) {
            empty = new LinkedHashSet<>(universe);
            empty.removeAll(counts.keySet());
        }
        return Collections.unmodifiableSet(empty);
    }

    /** Every bin hit, with its count, in name order. */
    public Map<String, Long> counts() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v[0]));
        return m;
    }
}
