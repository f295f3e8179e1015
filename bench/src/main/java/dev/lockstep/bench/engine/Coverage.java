package dev.lockstep.bench.engine;

import dev.lockstep.models.iopgtable.MapSituation;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.iopgtable.UnmapSituation;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Functional coverage: named bins counted as the scoreboard sees operations and walks. The bins a
 * configuration can reach are enumerated up front, so "hit / total" means something.
 */
public final class Coverage {
    private final boolean counting;
    private final Set<String> universe = new LinkedHashSet<>();
    private final Map<String, Long> counts = new TreeMap<>();
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
            universe.addAll(forConfig(cfg).universe);
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
            counts.merge(bin, 1L, Long::sum);
        }
        if (campaign != null) {
            campaign.hit(bin);
        }
    }

    /** Sets a bin's count from an earlier run of the same campaign (resume). */
    public void restore(String bin, long count) {
        if (counting && count > 0) {
            counts.put(bin, count);
        }
    }

    public long binsTotal() {
        return universe.size();
    }

    public long binsHit() {
        return universe.stream().filter(counts::containsKey).count();
    }

    /** Bins of the universe not hit yet: the generator steers toward them. */
    public Set<String> empty() {
        Set<String> e = new LinkedHashSet<>(universe);
        e.removeAll(counts.keySet());
        return e;
    }

    public Map<String, Long> counts() {
        return counts;
    }
}
