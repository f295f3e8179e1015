// The value types: ids, defaults instead of null, and what they refuse.
package dev.lockstep.reports;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FindingTest {

    @Test
    void idIsTheFirst12HexDigitsOfTheTitlesSha256() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assertEquals("ba7816bf8f01", Finding.idOf("abc"));
        assertEquals(Finding.idOf("same title"), Finding.idOf("same title"));
        assertNotEquals(Finding.idOf("title a"), Finding.idOf("title b"));
    }

    @Test
    void absentTextBecomesEmptyAndAbsentIdIsDerivedFromTheTitle() {
        Finding f = Samples.healthFinding();
        assertEquals(Finding.idOf("agent restarted 2 times"), f.id());
        assertEquals("", f.knownReason());
        assertEquals("", f.knownSource());
        assertEquals("", f.reproducer());
        assertEquals("", f.replayCommand());
        assertEquals("", f.detail());
    }

    @Test
    void refusesWhatCannotBeAFinding() {
        Instant t = Instant.EPOCH;
        assertThrows(IllegalArgumentException.class, () -> new Finding(null, " ", 0, "", Category.CRASH, false, "", "", 0, t, 1, "", "", ""));
        assertThrows(NullPointerException.class, () -> new Finding(null, "x", 0, "", null, false, "", "", 0, t, 1, "", "", ""));
        assertThrows(IllegalArgumentException.class, () -> new Finding(null, "x", 0, "", Category.CRASH, false, "", "", 0, t, 0, "", "", ""));
        assertThrows(IllegalArgumentException.class, () -> new Finding(null, "x", 0, "", Category.CRASH, false, "", "", 0, t, 1, "/abs/repro", "", ""));
    }

    @Test
    void knownDivergenceIsNeverNew() {
        assertTrue(Samples.newFinding().isNew());
        assertFalse(Samples.knownFinding().isNew());
        Finding unflagged = new Finding(null, "x", 0, "", Category.KNOWN_DIVERGENCE, false, "", "", 0, Instant.EPOCH, 1, "", "", "");
        assertFalse(unflagged.isNew());
        assertEquals(List.of(Samples.newFinding(), Samples.healthFinding()), Samples.summary().newFindings());
    }

    @Test
    void categoriesAreFoundByLabelOrName() {
        assertEquals(Category.LINK_FAULT, Category.fromLabel("link fault").orElseThrow());
        assertEquals(Category.LINK_FAULT, Category.fromLabel("LINK_FAULT").orElseThrow());
        assertTrue(Category.fromLabel("linkfault").isEmpty());
        assertEquals("model error", Category.MODEL_ERROR.label());
    }

    @Test
    void summaryCopiesItsCollectionsAndSortsItsCounters() {
        List<Finding> findings = new ArrayList<>(List.of(Samples.newFinding()));
        Map<String, Long> health = new HashMap<>(Map.of("warns", 1L, "agent_restarts", 0L, "crc_errors", 3L));
        CampaignSummary s = new CampaignSummary(null, null, null, new TargetInfo("host", null, null, null), "f", "4K",
                1, 0, 0, 0, Instant.EPOCH, Instant.EPOCH, true, findings, null, health);
        findings.clear();
        health.clear();
        assertEquals(1, s.findings().size());
        assertEquals(List.of("agent_restarts", "crc_errors", "warns"), List.copyOf(s.health().keySet()));
        assertEquals(Map.of(), s.coverage());
        assertEquals(CampaignSummary.SCHEMA, s.schema());
        assertEquals("", s.target().driverVersion());
        assertThrows(UnsupportedOperationException.class, () -> s.findings().add(Samples.newFinding()));
        assertThrows(IllegalArgumentException.class, () -> new CampaignSummary(null, "", "", s.target(), "f", "4K",
                1, 0, Double.NaN, 0, Instant.EPOCH, Instant.EPOCH, true, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new CampaignSummary("lockstep.summary/2", "", "", s.target(), "f", "4K",
                1, 0, 0, 0, Instant.EPOCH, Instant.EPOCH, true, null, null, null));
    }
}
