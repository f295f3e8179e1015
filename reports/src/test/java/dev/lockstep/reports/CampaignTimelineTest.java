// timeline.jsonl: read while written, after a kill, damaged, or missing.
package dev.lockstep.reports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CampaignTimelineTest {

    @TempDir
    Path dir;

    private static final String LINE1 =
            "{\"t\":0.046,\"ops\":33,\"findings\":0,\"known\":0,\"bins_hit\":13,\"bins_total\":106,\"driver_edges_hit\":0}\n";
    private static final String LINE2 =
            "{\"t\":1.002,\"ops\":20016,\"findings\":26,\"known\":11,\"bins_hit\":98,\"bins_total\":106,\"driver_edges_hit\":5}\n";

    @Test
    void readsEveryField() throws Exception {
        Path f = dir.resolve("timeline.jsonl");
        Files.writeString(f, LINE1 + LINE2);
        CampaignTimeline t = CampaignTimeline.read(f);
        assertEquals(List.of(new TimelinePoint(0.046, 33, 0, 0, 13, 106, 0),
                new TimelinePoint(1.002, 20016, 26, 11, 98, 106, 5)), t.points());
        assertEquals(List.of(), t.notes());
        assertTrue(t.hasDriverCoverage());
        assertEquals(20016, t.last().ops());
    }

    @Test
    void aTruncatedLastLineIsDroppedQuietly() throws Exception {
        // A campaign killed (or still running) in the middle of writing its third line.
        Path f = dir.resolve("timeline.jsonl");
        Files.writeString(f, LINE1 + LINE2 + "{\"t\":2.01,\"ops\":400");
        CampaignTimeline t = CampaignTimeline.read(f);
        assertEquals(2, t.points().size());
        assertEquals(1.002, t.last().t());
        assertEquals(List.of(), t.notes());
    }

    @Test
    void aLineCutShortWithinAWordIsDroppedToo() {
        CampaignTimeline t = CampaignTimeline.parse(LINE1 + "{\"t\":2.01,\"ops\":400,\"findings\":3,\"kn");
        assertEquals(1, t.points().size());
        assertEquals(List.of(), t.notes());
    }

    @Test
    void aDamagedLineInTheMiddleIsSkippedWithANote() {
        CampaignTimeline t = CampaignTimeline.parse(LINE1 + "garbage\n" + "{\"ops\":5}\n" + LINE2);
        assertEquals(2, t.points().size());
        assertEquals(2, t.notes().size(), t.notes().toString());
        assertTrue(t.notes().get(0).startsWith("timeline line 2 "), t.notes().get(0));
        assertTrue(t.notes().get(1).startsWith("timeline line 3 "), t.notes().get(1));
    }

    @Test
    void aCompleteButUnreadableLastLineGetsANote() {
        // Ends with a line break: written whole, so it is damage, not a cut.
        CampaignTimeline t = CampaignTimeline.parse(LINE1 + "{\"t\":\"soon\",\"ops\":1}\n");
        assertEquals(1, t.points().size());
        assertEquals(1, t.notes().size());
    }

    @Test
    void missingCountersAreZero() {
        CampaignTimeline t = CampaignTimeline.parse("{\"t\":1,\"ops\":10}\n");
        assertEquals(new TimelinePoint(1, 10, 0, 0, 0, 0, 0), t.points().get(0));
        assertTrue(!t.hasDriverCoverage());
    }

    @Test
    void aMissingFileIsAnEmptyTimelineWithANote() {
        CampaignTimeline t = CampaignTimeline.read(dir.resolve("timeline.jsonl"));
        assertTrue(t.isEmpty());
        assertNull(t.last());
        assertEquals(1, t.notes().size());
        assertTrue(t.notes().get(0).contains("not found"), t.notes().get(0));
    }

    @Test
    void manyBadLinesAreSummarised() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            sb.append("x\n");
        }
        CampaignTimeline t = CampaignTimeline.parse(sb + LINE1);
        assertEquals(1, t.points().size());
        assertEquals(4, t.notes().size(), t.notes().toString());
        assertTrue(t.notes().get(3).startsWith("7 more"), t.notes().get(3));
    }
}
