package dev.lockstep.models.dart;

import dev.lockstep.models.iopgtable.ContractOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The choices the io-pgtable contract leaves open for the DART formats, each named so a user can
 * see and change it ({@code --model-option name=value}). Defaults are argued in
 * docs/model-dart-uat.md from the contract and the entry format, not from what a driver does.
 *
 * @param noAccessMap a map with neither READ nor WRITE. MAP_NONE (default): the pages are mapped
 *     with no access, since a DART leaf can say exactly that (NO_READ | NO_WRITE); REJECT: -EINVAL;
 *     IGNORE: success with nothing mapped, the VMSA model's reading, whose premise (no leaf can
 *     grant nothing) does not hold for DART
 * @param chunk how many pages one map/unmap call handles at most: TABLE_END (default: up to the end
 *     of the leaf table holding the first page) or ALL
 * @param cacheBit whether DART2's NO_CACHE is judged: CHECKED (default: NO_CACHE must be set exactly
 *     when the prot asks for non-cacheable memory, that is without CACHE or with MMIO) or UNCHECKED
 *     (m1n1 also calls the bit REALTIME, so its meaning is not settled beyond doubt)
 */
public record DartOptions(NoAccessMap noAccessMap, ContractOptions.Chunk chunk, CacheBit cacheBit, SubpageDisable spDis) {

    /**
     * Depth 4, DART1 only: whether a whole-page leaf sets SP_DIS. SET (default): a mapping of the
     * whole page has no subpage window to enforce, and saying so keeps the hardware from depending
     * on the START/END fields; CLEAR: the window 0..0xfff alone grants the page.
     */
    public enum SubpageDisable { SET, CLEAR }

    public DartOptions(NoAccessMap noAccessMap, ContractOptions.Chunk chunk, CacheBit cacheBit) {
        this(noAccessMap, chunk, cacheBit, SubpageDisable.SET);
    }

    public enum NoAccessMap { MAP_NONE, REJECT, IGNORE }

    public enum CacheBit { CHECKED, UNCHECKED }

    public DartOptions {
        Objects.requireNonNull(noAccessMap, "noAccessMap");
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(cacheBit, "cacheBit");
        Objects.requireNonNull(spDis, "spDis");
    }

    public static DartOptions defaults() {
        return new DartOptions(NoAccessMap.MAP_NONE, ContractOptions.Chunk.TABLE_END, CacheBit.CHECKED);
    }

    /** Returns a copy with one option set from its command-line spelling, e.g. "noAccessMap=REJECT". */
    public DartOptions with(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("model option '" + assignment + "' is not name=value; known: " + names());
        }
        String name = assignment.substring(0, eq).trim();
        String value = assignment.substring(eq + 1).trim();
        if (!asMap().containsKey(name)) {
            throw new IllegalArgumentException("unknown model option '" + name + "'; known: " + names());
        }
        try {
            return switch (name) {
                case "noAccessMap" -> new DartOptions(NoAccessMap.valueOf(value), chunk, cacheBit, spDis);
                case "chunk" -> new DartOptions(noAccessMap, ContractOptions.Chunk.valueOf(value), cacheBit, spDis);
                case "spDis" -> new DartOptions(noAccessMap, chunk, cacheBit, SubpageDisable.valueOf(value));
                default -> new DartOptions(noAccessMap, chunk, CacheBit.valueOf(value), spDis);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model option " + name + " has no value '" + value
                    + "'; see docs/model-dart-uat.md");
        }
    }

    /** The options and their values, in a stable order, for summary.json and reproducers. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("noAccessMap", noAccessMap.name());
        m.put("chunk", chunk.name());
        m.put("cacheBit", cacheBit.name());
        m.put("spDis", spDis.name());
        return m;
    }

    private static String names() {
        return String.join(", ", defaults().asMap().keySet());
    }
}
