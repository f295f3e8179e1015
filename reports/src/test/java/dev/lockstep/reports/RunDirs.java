// Synthetic run directories for the report tests: what a campaign leaves on disk, made by hand.
package dev.lockstep.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

final class RunDirs {

    private RunDirs() {
    }

    /** A depth-3 detail as the scoreboard writes it: the found run's walk, then the minimised run's. */
    static final String SEMANTIC_DETAIL = """
            va 0xffe00238
            contract: mapped by Mapping[iova=4292870144, paddr=78820403052544, size=2097152, pgsize=2097152, prot=R|CACHE|PRIV, split=false] -> pa 0x47afce200238, permissions Permissions[el0Read=false, el0Write=false, el0Exec=false, el1Read=true, el1Write=false, el1Exec=true], Normal-WB, INNER
            walk:     pa 0x47afce200238 via L2 BLOCK, Permissions[el0Read=false, el0Write=false, el0Exec=true, el1Read=true, el1Write=false, el1Exec=true], Normal-WB, INNER, nG=true, AF=true
              EL0 execute: expected denied, walk gives granted
            walk steps (level, table, index, descriptor):
              L0 table 0x800000000 [0] = 0x0000000800001003  Table
              L1 table 0x800001000 [3] = 0x0000000800002003  Table
              L2 table 0x800002000 [511] = 0x000047afce200f85  Block

            The minimised reproducer (2 operations, 9 shrink runs) replayed the same finding twice.

            Detail of the minimised run:
            va 0xffe00b98
            contract: mapped by Mapping[iova=4292870144, paddr=78820403052544, size=2097152, pgsize=2097152, prot=R|CACHE|PRIV, split=false] -> pa 0x47afce200b98, permissions Permissions[el0Read=false, el0Write=false, el0Exec=false, el1Read=true, el1Write=false, el1Exec=true], Normal-WB, INNER
            walk:     pa 0x47afce200b98 via L2 BLOCK, Permissions[el0Read=false, el0Write=false, el0Exec=true, el1Read=true, el1Write=false, el1Exec=true], Normal-WB, INNER, nG=true, AF=true
              EL0 execute: expected denied, walk gives granted
            walk steps (level, table, index, descriptor):
              L0 table 0x800000000 [0] = 0x0000000800001003  Table
              L1 table 0x800001000 [3] = 0x0000000800002003  Table
              L2 table 0x800002000 [510] = 0x000047afce200f87  Block
            """;

    static final String REPRODUCER = """
            lockstep-reproducer 1
            # Replay with: ./lockstep replay <this file>   (exit 1: still reproduces, 0: gone)
            title semantics (L2 block): EL0 execute: expected denied, walk gives granted (prot PRIV)
            depth 3
            format arm64-lpae-s1
            granule 4k
            op alloc handle=0 format=1 quirks=0x0 pgsize_bitmap=0x40201000 ias=48 oas=48 coherent=1
            op map handle=0 iova=0xffe00000 paddr=0x47afce200000 pgsize=0x200000 pgcount=8 prot=R|CACHE|PRIV
            """;

    static Finding semanticFinding(Instant start) {
        String title = "semantics (L2 block): EL0 execute: expected denied, walk gives granted (prot PRIV)";
        String id = Finding.idOf(title);
        return new Finding(id, title, 3, "semantics", Category.DRIVER_BUG, false, "", "", 400, start.plusSeconds(2), 1,
                "findings/" + id + "/reproducer.lst", "./lockstep replay findings/" + id + "/reproducer.lst",
                SEMANTIC_DETAIL);
    }

    static Finding returnFinding(Instant start, long count) {
        String title = "map over-same-size 2M: driver returns -EINVAL, contract -EEXIST";
        String id = Finding.idOf(title);
        return new Finding(id, title, 1, "return values", Category.DRIVER_BUG, false, "", "", 33, start.plusSeconds(1),
                count, "findings/" + id + "/reproducer.lst", "./lockstep replay findings/" + id + "/reproducer.lst",
                "operation: map handle=0 iova=0xffe00000 paddr=0xa09e55400000 pgsize=0x200000 pgcount=1 prot=MMIO|PRIV\n"
                        + "contract:  status -EEXIST, value 0x0 (map over-same-size 2M)\n"
                        + "driver:    status -EINVAL, value 0x0\n");
    }

    static Finding knownFinding(Instant start) {
        String title = "map misaligned 4K: driver returns 0 and maps pages, contract -EINVAL";
        return new Finding(null, title, 1, "return values", Category.KNOWN_DIVERGENCE, true,
                "the driver does not check paddr alignment", "known-divergences.ini:12", 90, start.plusSeconds(1), 5,
                "", "", "operation: map ...\n");
    }

    static Map<String, Long> coverage() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("bin:map/fresh/4K", 1813L);
        c.put("bin:map/fresh/2M", 845L);
        c.put("bin:map/fresh/1G", 144L);
        c.put("bin:map/over-split/2M", 35L);
        c.put("bin:unmap/hole/4K", 1684L);
        c.put("bin:walk/page/L3", 231L);
        c.put("bin:walk/block/L2", 313L);
        c.put("bin:iova_to_phys/mapped", 134L);
        c.put("bins_hit", 8L);
        c.put("bins_total", 12L);
        return c;
    }

    static CampaignSummary summary(String granule, long seed, Instant start, List<Finding> findings) {
        return new CampaignSummary(CampaignSummary.SCHEMA, "0.1.0",
                "lockstep fuzz --format arm64-lpae-s1 --granule " + granule + " --seed " + seed,
                new TargetInfo("host", "linux 6.1.192", "agent-1", "/dev/pts/3"), "arm64-lpae-s1", granule, seed,
                2000, 20.0, 100.0, start, start.plusSeconds(20), true, findings, coverage(), Map.of("warns", 0L));
    }

    /** A timeline of {@code n} points a second apart, ~100 ops/s, coverage growing to 8 of 12 bins. */
    static String timeline(int n) {
        StringBuilder sb = new StringBuilder();
        long ops = 0;
        for (int i = 1; i <= n; i++) {
            ops += 90 + (i % 3) * 10;
            sb.append(String.format(Locale.ROOT,
                    "{\"t\":%.3f,\"ops\":%d,\"findings\":%d,\"known\":%d,\"bins_hit\":%d,\"bins_total\":12,\"driver_edges_hit\":0}%n",
                    (double) i, ops, Math.min(3, i / 5), Math.min(1, i / 8), Math.min(8, 2 + i / 2)));
        }
        return sb.toString();
    }

    /**
     * Writes a run directory as a campaign does: summary.json, findings/ID/{reproducer.lst,detail.txt},
     * allure-results/ and, unless null, timeline.jsonl.
     */
    static Path write(Path dir, CampaignSummary s, String timeline) throws IOException {
        Files.createDirectories(dir);
        SummaryJson.write(dir.resolve("summary.json"), s);
        AllureResults allure = new AllureResults(dir.resolve("allure-results"));
        for (Finding f : s.findings()) {
            Path fd = dir.resolve("findings").resolve(f.id());
            Files.createDirectories(fd);
            Files.writeString(fd.resolve("detail.txt"), f.title() + "\n\n" + f.detail(), StandardCharsets.UTF_8);
            if (!f.reproducer().isEmpty()) {
                Files.createDirectories(dir.resolve(f.reproducer()).getParent());
                Files.writeString(dir.resolve(f.reproducer()), REPRODUCER.replace("semantics (L2 block): EL0 execute: expected denied, walk gives granted (prot PRIV)", f.title()),
                        StandardCharsets.UTF_8);
            }
            allure.writeFinding(s, f, Map.of());
        }
        allure.writeCampaign(s);
        if (timeline != null) {
            Files.writeString(dir.resolve(CampaignTimeline.FILE_NAME), timeline, StandardCharsets.UTF_8);
        }
        return dir;
    }

    /** A standard run of campaign arm64-lpae-s1/{granule}: a semantic, a return-value and a known finding. */
    static Path standard(Path dir, String granule, long seed, Instant start) throws IOException {
        List<Finding> f = new ArrayList<>(List.of(semanticFinding(start), returnFinding(start, 4), knownFinding(start)));
        return write(dir, summary(granule, seed, start, f), timeline(30));
    }
}
