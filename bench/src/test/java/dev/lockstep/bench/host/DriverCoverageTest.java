package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.coverage.CoverageHtml;
import dev.lockstep.bench.engine.Campaign;
import dev.lockstep.bench.engine.CampaignSettings;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.wire.CoverageReply;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.SummaryJson;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Driver edge coverage from the host agent: the COVERAGE frame, summary.json, the HTML page, the corpus. */
class DriverCoverageTest {
    @TempDir
    Path dir;

    private static final PgtableConfig CFG = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 0, true);

    @Test
    void edgesGrowAfterAMapAndTheTotalIsStable() throws Exception {
        try (Target t = HostAgents.open(dir, HostAgentProcess.Mode.PTY)) {
            AgentTarget a = (AgentTarget) t;
            assertTrue(a.hasCoverage(), "capability bit 2");
            CoverageReply before = a.coverage();
            long total = before.total();
            assertTrue(total > 100, "sites in the io-pgtable files: " + total);
            assertEquals(0, before.hit(), "nothing ran in the driver yet");
            t.execute(List.of(new Op.Alloc(0, PgtableFormat.ARM_64_LPAE_S1.wireCode(), 0, CFG.pgsizeBitmap(), 48, 48, true)));
            CoverageReply afterAlloc = a.coverage();
            assertTrue(afterAlloc.fresh().length > 0);
            t.execute(List.of(new Op.Map(0, 0x40000000L, 0x8_0000_0000L, 0x1000, 1, new Prot(3))));
            CoverageReply afterMap = a.coverage();
            assertTrue(afterMap.fresh().length > 0, "a first map reaches sites an alloc did not");
            assertEquals(afterAlloc.hit() + afterMap.fresh().length, afterMap.hit());
            assertEquals(total, afterMap.total());
            Set<Long> seen = new HashSet<>();
            for (long x : afterAlloc.fresh()) {
                seen.add(x);
            }
            for (long x : afterMap.fresh()) {
                assertTrue(seen.add(x), "a site is reported new once");
            }
            assertEquals(0, a.coverage().fresh().length, "nothing new without driver calls");
            assertTrue(Files.isRegularFile(Path.of(afterMap.image() + ".cov-sites")));
            assertEquals(total, Files.readAllLines(Path.of(afterMap.image() + ".cov-sites")).size(),
                    "the build's site list agrees with the agent's count");
        }
    }

    @Test
    void aCampaignReportsDriverCoverageWritesTheSourceViewAndKeepsACorpus() throws Exception {
        Path out = dir.resolve("run");
        CampaignSettings settings = new CampaignSettings(CFG, ModelOptions.none(), 3, 1500, 0, 32, 0.01, 50, 20_000, out, "test");
        try (Target t = HostAgents.open(out, HostAgentProcess.Mode.PTY)) {
            new Campaign(t, settings, KnownDivergences.none(), new PrintStream(OutputStream.nullOutputStream()))
                    .coverageGuided(true).run();
        }
        CampaignSummary s = SummaryJson.read(out.resolve("summary.json"));
        long hit = s.coverage().get("driver_edges_hit");
        long total = s.coverage().get("driver_edges_total");
        assertTrue(hit > 0 && hit < total, hit + " of " + total);
        assertTrue(s.coverage().get("driver_lines_hit") > 0);
        String html = Files.readString(out.resolve("driver-coverage.html"));
        assertTrue(html.contains("io-pgtable-arm.c"));
        assertTrue(html.contains("class=\"yes\"") && html.contains("class=\"no\""));
        try (Stream<Path> corpus = Files.list(out.resolve("corpus"))) {
            assertTrue(corpus.anyMatch(p -> p.toString().endsWith(".lst")), "cases that reached new edges are kept");
        }
        assertTrue(Files.readString(out.resolve("timeline.jsonl")).contains("\"driver_edges_hit\":" + hit));
        List<String> unreached = Files.readAllLines(out.resolve(CoverageHtml.UNREACHED)).stream().filter(l -> !l.startsWith("#")).toList();
        assertEquals(total - hit, unreached.size(), "one line per site not reached");
        Set<String> reached = Set.copyOf(Files.readAllLines(out.resolve("driver-edges.txt")));
        for (String l : unreached) {
            assertTrue(l.matches("0x[0-9a-f]+ \\S+ [\\w.-]+\\.[ch]:\\d+( <- \\S+ [\\w.-]+\\.[ch]:\\d+)*"), l);
            assertFalse(reached.contains(l.substring(0, l.indexOf(' '))), "a reached site is not listed: " + l);
        }
        // A stage-1 campaign never allocates Mali tables.
        assertTrue(unreached.stream().anyMatch(l -> l.contains("arm_mali_lpae_alloc_pgtable io-pgtable-arm.c:")), String.join("\n", unreached));
    }
}
