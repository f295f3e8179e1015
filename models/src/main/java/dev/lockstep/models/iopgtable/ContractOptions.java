package dev.lockstep.models.iopgtable;

import dev.lockstep.models.vmsa.DeviceKind;
import dev.lockstep.models.vmsa.Shareability;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The choices the io-pgtable contract leaves open, each named so a user can see and change it
 * ({@code --model-option name=value}). Defaults are argued in docs/model.md; none was chosen by
 * looking at what a driver does.
 *
 * @param noAccessMap         a map with neither READ nor WRITE: IGNORE (succeeds, maps nothing:
 *                            VMSA stage 1 has no access-less leaf to install) or REJECT (-EINVAL)
 * @param writeOnly           WRITE without READ: GRANTS_READ (stage 1 AP cannot encode write-only,
 *                            so read comes with it) or EXACT (read must not be granted)
 * @param cacheableShareability the shareability a CACHE mapping must have
 * @param mmioDevice          the Device memory kind an MMIO mapping must have
 * @param nG                  depth 4: leaves of a stage-1 table are non-global (SET: each io-pgtable
 *                            table is one address space among many sharing a TLB, so its entries must
 *                            not match every ASID) or global (CLEAR)
 * @param nonCacheableSh      depth 4: the SH field written for Device and Normal non-cacheable
 *                            memory, which the architecture treats as outer shareable whatever it says
 * @param softwareBits        depth 4: bits [58:55] of leaf and table descriptors, which the
 *                            architecture leaves to software (a walk ignores them): IGNORED (no
 *                            claim: what a driver keeps there is its own business) or ZERO
 * @param chunk               how many pages one map/unmap call handles: UP_TO_TABLE_END (at least
 *                            one, at most up to the end of the leaf table holding the first page: the
 *                            contract lets map_pages map fewer than asked and say so), TABLE_END
 *                            (exactly up to that end) or ALL (every page)
 */
public record ContractOptions(NoAccessMap noAccessMap, WriteOnly writeOnly, Shareability cacheableShareability,
                              DeviceKind mmioDevice, Chunk chunk, NotGlobal nG, Shareability nonCacheableSh,
                              SoftwareBits softwareBits) {

    /** Whether depth 4 judges the software-use bits of descriptors. */
    public enum SoftwareBits { IGNORED, ZERO }

    public ContractOptions(NoAccessMap noAccessMap, WriteOnly writeOnly, Shareability cacheableShareability,
                           DeviceKind mmioDevice, Chunk chunk, NotGlobal nG, Shareability nonCacheableSh) {
        this(noAccessMap, writeOnly, cacheableShareability, mmioDevice, chunk, nG, nonCacheableSh, SoftwareBits.IGNORED);
    }

    /** Whether leaves are non-global (tagged with the context's ASID): the encoding depth's choice. */
    public enum NotGlobal { SET, CLEAR }

    public enum NoAccessMap { IGNORE, REJECT }

    public enum WriteOnly { GRANTS_READ, EXACT }

    public enum Chunk { UP_TO_TABLE_END, TABLE_END, ALL }

    public static ContractOptions defaults() {
        return new ContractOptions(NoAccessMap.IGNORE, WriteOnly.GRANTS_READ, Shareability.INNER,
                DeviceKind.nGnRE, Chunk.UP_TO_TABLE_END, NotGlobal.SET, Shareability.OUTER);
    }

    /** Returns a copy with one option set from its command-line spelling, e.g. "noAccessMap=REJECT". */
    public ContractOptions with(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("model option '" + assignment + "' is not name=value; known: " + names());
        }
        String name = assignment.substring(0, eq).trim();
        String value = assignment.substring(eq + 1).trim();
        try {
            return switch (name) {
                case "noAccessMap" -> new ContractOptions(NoAccessMap.valueOf(value), writeOnly, cacheableShareability, mmioDevice, chunk, nG, nonCacheableSh, softwareBits);
                case "writeOnly" -> new ContractOptions(noAccessMap, WriteOnly.valueOf(value), cacheableShareability, mmioDevice, chunk, nG, nonCacheableSh, softwareBits);
                case "cacheableShareability" -> new ContractOptions(noAccessMap, writeOnly, Shareability.valueOf(value), mmioDevice, chunk, nG, nonCacheableSh, softwareBits);
                case "mmioDevice" -> new ContractOptions(noAccessMap, writeOnly, cacheableShareability, DeviceKind.valueOf(value), chunk, nG, nonCacheableSh, softwareBits);
                case "chunk" -> new ContractOptions(noAccessMap, writeOnly, cacheableShareability, mmioDevice, Chunk.valueOf(value), nG, nonCacheableSh, softwareBits);
                case "nG" -> new ContractOptions(noAccessMap, writeOnly, cacheableShareability, mmioDevice, chunk, NotGlobal.valueOf(value), nonCacheableSh, softwareBits);
                case "nonCacheableSh" -> new ContractOptions(noAccessMap, writeOnly, cacheableShareability, mmioDevice, chunk, nG, Shareability.valueOf(value), softwareBits);
                case "softwareBits" -> new ContractOptions(noAccessMap, writeOnly, cacheableShareability, mmioDevice, chunk, nG, nonCacheableSh, SoftwareBits.valueOf(value));
                default -> throw new IllegalArgumentException("unknown model option '" + name + "'; known: " + names());
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("unknown model option")) {
                throw e;
            }
            throw new IllegalArgumentException("model option " + name + " has no value '" + value + "'; see docs/model.md");
        }
    }

    /** The options and their values, in a stable order, for summary.json and reproducers. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("noAccessMap", noAccessMap.name());
        m.put("writeOnly", writeOnly.name());
        m.put("cacheableShareability", cacheableShareability.name());
        m.put("mmioDevice", mmioDevice.name());
        m.put("chunk", chunk.name());
        m.put("nG", nG.name());
        m.put("nonCacheableSh", nonCacheableSh.name());
        m.put("softwareBits", softwareBits.name());
        return m;
    }

    private static String names() {
        return String.join(", ", defaults().asMap().keySet());
    }
}
