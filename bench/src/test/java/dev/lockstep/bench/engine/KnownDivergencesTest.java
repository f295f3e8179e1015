package dev.lockstep.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownDivergencesTest {
    @TempDir
    Path dir;

    @Test
    void matchesByPatternAndCarriesReasonAndSource() throws Exception {
        Path f = dir.resolve("k.ini");
        Files.writeString(f, "# comment\n[misaligned]\npattern = ^map misaligned\nreason = the core checks alignment\nsource = iommu.c\n");
        KnownDivergences k = KnownDivergences.load(f);
        assertEquals("the core checks alignment", k.match("map misaligned 4K: driver returns 0").orElseThrow().reason());
        assertTrue(k.match("map fresh 4K: driver returns -EEXIST").isEmpty());
    }

    @Test
    void anEntryWithoutAReasonIsRefused() throws Exception {
        Path f = dir.resolve("k.ini");
        Files.writeString(f, "[x]\npattern = foo\nsource = bar\n");
        var e = assertThrows(KnownDivergences.KnownDivergencesException.class, () -> KnownDivergences.load(f));
        assertTrue(e.getMessage().contains("needs pattern, reason and source"), e.getMessage());
    }

    @Test
    void theCheckedInFileLoads() throws Exception {
        Path root = dev.lockstep.bench.target.AgentBuild.root();
        KnownDivergences k = KnownDivergences.load(root.resolve("known-divergences.ini"));
        for (KnownDivergences.Entry e : k.entries()) {
            assertTrue(!e.reason().isBlank() && !e.source().isBlank(), e.name());
        }
    }
}
