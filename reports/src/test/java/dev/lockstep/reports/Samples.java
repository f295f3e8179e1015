// Campaign results for the tests: one with a new, a known and a health finding, and an empty one.
package dev.lockstep.reports;

import java.time.Instant;
import java.util.List;
import java.util.Map;

final class Samples {

    static final Instant START = Instant.parse("2025-03-01T10:00:00.123456789Z");

    private Samples() {
    }

    static Finding newFinding() {
        String title = "L2 unmap of a 2M block leaves the PTE valid";
        return new Finding(Finding.idOf(title), title, 2, "L2 map/unmap", Category.DRIVER_BUG, false, "", "",
                1234, START.plusSeconds(3), 7, "repro/" + Finding.idOf(title) + ".lsr",
                "lockstep replay repro/" + Finding.idOf(title) + ".lsr",
                "op 1234: unmap iova=0x200000 size=0x200000\nmodel: invalid\ndriver: 0x0000000080200f03\n");
    }

    static Finding knownFinding() {
        String title = "TLB flush granularity differs for 16K";
        return new Finding(null, title, 1, "L1 flush", Category.KNOWN_DIVERGENCE, true,
                "the driver flushes the whole range", "known.toml:12", 55, START.plusSeconds(1), 3,
                "", "", "walk differs only in flush size\n");
    }

    static Finding healthFinding() {
        return new Finding(null, "agent restarted 2 times", 0, "link", Category.HEALTH, false, null, null,
                900, START.plusSeconds(2), 2, null, null, null);
    }

    static CampaignSummary summary(List<Finding> findings, boolean complete) {
        return new CampaignSummary(CampaignSummary.SCHEMA, "0.1.0", "lockstep fuzz --format arm-lpae-s1 --granule 4K --seed 42",
                new TargetInfo("host", "6.8.0-lockstep", "agent-3f2a1c", "/dev/pts/4"),
                "arm-lpae-s1", "4K", -6_917_529_027_641_081_856L, 100_000, 12.5, 8000.0,
                START, START.plusMillis(12_500), complete, findings,
                Map.of("bins_total", 512L, "bins_hit", 317L),
                Map.of("warns", 1L, "agent_restarts", 2L, "crc_errors", 0L, "retransmits", 4L));
    }

    static CampaignSummary summary() {
        return summary(List.of(newFinding(), knownFinding(), healthFinding()), true);
    }

    static CampaignSummary empty() {
        return summary(List.of(), true);
    }
}
