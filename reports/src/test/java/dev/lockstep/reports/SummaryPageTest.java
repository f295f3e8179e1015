// The summary page over synthetic run directories: campaigns, trend, plots, findings, walks, notes.
package dev.lockstep.reports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryPageTest {

    @TempDir
    Path dir;

    static final Instant MONDAY = Instant.parse("2025-03-03T10:00:00Z");
    static final Instant TUESDAY = Instant.parse("2025-03-04T10:00:00Z");

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static LockstepReport.Options pageOnly(Path out) {
        return new LockstepReport.Options(out, false, null);
    }

    @Test
    void twoCampaignsGiveOnePageWithBothAndATrendSection() throws Exception {
        RunDirectory a = RunDirectory.open(RunDirs.standard(dir.resolve("run-4k"), "4k", 1, MONDAY));
        RunDirectory b = RunDirectory.open(RunDirs.standard(dir.resolve("run-16k"), "16k", 2, MONDAY.plusSeconds(60)));
        Path out = dir.resolve("report");
        LockstepReport.Result r = LockstepReport.write(List.of(a, b), pageOnly(out));
        assertEquals(out.resolve("index.html"), r.page());
        assertNull(r.allureIndex());
        String html = Files.readString(r.page(), StandardCharsets.UTF_8);

        // Both campaigns, each with its section.
        assertEquals(2, count(html, "<section class=\"campaign\""));
        assertTrue(html.contains("data-campaign=\"arm64-lpae-s1/4k on host\""));
        assertTrue(html.contains("data-campaign=\"arm64-lpae-s1/16k on host\""));
        // The trend section, with one table per campaign (one run each so far).
        assertEquals(1, count(html, "<section id=\"trend\""));
        assertEquals(2, count(html, "<table class=\"trend-table\""));
        assertTrue(html.contains("one run of this campaign so far"));

        // Plots over time and heat maps for each campaign, as inline SVG.
        for (String plot : List.of("throughput", "findings", "coverage", "heatmap-map", "heatmap-walk")) {
            assertEquals(2, count(html, "data-plot=\"" + plot + "\"><svg"), plot);
        }
        // No driver coverage in the timeline: no driver plot.
        assertEquals(0, count(html, "data-plot=\"driver-coverage\""));

        // The findings table: title, depth, first seen, count, replay, reproducer inline, detail.
        assertEquals(2, count(html, "<table class=\"findings\">"));
        Finding sem = RunDirs.semanticFinding(MONDAY);
        assertTrue(html.contains(Svg.escape(sem.title())));
        assertTrue(html.contains("<code class=\"replay\">./lockstep replay findings/" + sem.id() + "/reproducer.lst</code>"));
        assertTrue(html.contains("<details class=\"reproducer\"><summary>2 operations</summary><pre>lockstep-reproducer 1"));
        assertTrue(html.contains("op map handle=0 iova=0xffe00000 paddr=0x47afce200000"));
        assertTrue(html.contains("<details class=\"detail\"><summary>detail</summary>"));
        assertTrue(html.contains("op 400<br><small>+2.0 s</small>"), "first seen");
        assertTrue(html.contains("known-divergences.ini:12"));

        // One drawn walk per campaign (only the semantic finding has walk steps).
        assertEquals(2, count(html, "<figure class=\"walk\""));
        assertEquals(2, count(html, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"walk-diagram\""));
        assertTrue(html.contains(">0x000047afce200f87<"));

        // Statistics in plain words.
        assertEquals(2, count(html, "Should I run longer\\?"));
        assertTrue(html.contains("Good-Turing") && html.contains("Chao1") && html.contains("coverage saturation"));

        // Self-contained: no script, no external resources.
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("<link "));
        assertFalse(Pattern.compile("(src|href)=\"https?:").matcher(html).find());
        // Plot ids are unique in the page (clip paths would clash otherwise).
        Matcher ids = Pattern.compile("<svg[^>]* id=[\"']([^\"']+)[\"']").matcher(html);
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (ids.find()) {
            assertTrue(seen.add(ids.group(1)), "duplicate id " + ids.group(1));
        }
        assertTrue(seen.size() >= 10, seen.toString());
    }

    @Test
    void reportingASecondRunIntoTheSameDirectoryDrawsTheTrend() throws Exception {
        Path out = dir.resolve("report");
        RunDirectory mon = RunDirectory.open(RunDirs.standard(dir.resolve("mon"), "4k", 1, MONDAY));
        LockstepReport.write(List.of(mon), pageOnly(out));
        String first = Files.readString(out.resolve("index.html"));
        assertEquals(0, count(first, "data-plot=\"trend-throughput\""));

        RunDirectory tue = RunDirectory.open(RunDirs.write(dir.resolve("tue"),
                RunDirs.summary("4k", 2, TUESDAY, List.of(RunDirs.returnFinding(TUESDAY, 3))), RunDirs.timeline(10)));
        LockstepReport.write(List.of(tue), pageOnly(out));
        String second = Files.readString(out.resolve("index.html"));
        for (String plot : List.of("trend-throughput", "trend-findings", "trend-coverage")) {
            assertEquals(1, count(second, "data-plot=\"" + plot + "\"><svg"), plot);
        }
        assertTrue(second.contains("#1 03-03 10:00") && second.contains("#2 03-04 10:00"), "run labels");
        RunHistory h = RunHistory.read(out);
        assertEquals(2, h.runs().size());
        assertEquals(List.of(MONDAY, TUESDAY), h.runs().stream().map(RunHistory.Run::startedAt).toList());

        // The same run again replaces its entry instead of adding one.
        LockstepReport.write(List.of(tue), pageOnly(out));
        assertEquals(2, RunHistory.read(out).runs().size());
    }

    @Test
    void whatCannotBeDrawnIsLeftOutWithANote() throws Exception {
        // No timeline, a detail that announces walk steps it does not have, a reproducer that is gone.
        String title = "semantics: broken detail";
        Finding odd = new Finding(null, title, 3, "semantics", Category.DRIVER_BUG, false, "", "", 1, MONDAY, 2,
                "findings/gone/reproducer.lst", "", "walk steps (level, table, index, descriptor):\n  L9 what\n");
        Path run = RunDirs.write(dir.resolve("odd"), RunDirs.summary("4k", 1, MONDAY, List.of(odd)), null);
        Files.delete(run.resolve("findings/gone/reproducer.lst"));
        Files.writeString(run.resolve("timeline.jsonl"), "{\"t\":0.5,\"ops\":3}\n{\"t\":1");
        LockstepReport.Result r = LockstepReport.write(List.of(RunDirectory.open(run)), pageOnly(dir.resolve("report")));
        String html = Files.readString(r.page());
        assertTrue(html.contains("no plots over time: the timeline has 1 point"), "timeline note");
        assertTrue(html.contains("the detail mentions walk steps, but none could be read"), "walk note");
        assertTrue(html.contains("findings/gone/reproducer.lst not found"), "reproducer note");
        assertEquals(0, count(html, "<figure class=\"walk\""));
        // The heat maps are still there.
        assertEquals(1, count(html, "data-plot=\"heatmap-map\"><svg"));
    }

    @Test
    void anRtkitFindingGetsASequenceDiagramAndOneWithoutATranscriptNone() throws Exception {
        String drawn = "rtkit: after crashlog crash (EPMAP_COMPLETE) the driver sends crashlog buffer, the model does not";
        String fromFile = "rtkit: after oslog Init (RUNNING) the model sends oslog Ack, the driver does not";
        String plain = "rtkit: FREE leaks arena blocks";
        String broken = "rtkit: after HELLO (AWAIT_HELLO) the driver sends HELLO_REPLY, the model does not";
        String detail = TranscriptTest.DETAIL.substring(TranscriptTest.DETAIL.indexOf("\n\n") + 2);
        List<Finding> f = List.of(
                new Finding(null, drawn, 6, "rtkit transcript", Category.DRIVER_BUG, false, "", "", 12, MONDAY, 1, "", "", detail),
                // summary.json without the detail: the page reads findings/ID/detail.txt (written below).
                new Finding(null, fromFile, 6, "rtkit transcript", Category.DRIVER_BUG, false, "", "", 14, MONDAY, 1, "", "", ""),
                new Finding(null, plain, 5, "health", Category.HEALTH, false, "", "", 20, MONDAY, 1, "", "",
                        "0 objects, 1 arena blocks (FREE in AWAIT_HELLO)\n"),
                new Finding(null, broken, 6, "rtkit transcript", Category.DRIVER_BUG, false, "", "", 20, MONDAY, 1, "", "",
                        "rtkit transcript:\n  ::: nothing readable\nend of transcript\n"));
        CampaignSummary s = new CampaignSummary(CampaignSummary.SCHEMA, "0.1.0", "fuzz --format rtkit --seed 1",
                new TargetInfo("host", "linux 6.1", "agent-1", "/dev/pts/3"), "rtkit", "-", 1, 3000, 2.0, 1500.0, MONDAY,
                MONDAY.plusSeconds(2), true, f, Map.of("bins_hit", 3L, "bins_total", 9L), Map.of());
        Path run = RunDirs.write(dir.resolve("rtk"), s, RunDirs.timeline(5));
        Files.writeString(run.resolve("findings").resolve(Finding.idOf(fromFile)).resolve("detail.txt"), fromFile + """


                model sent [ep 0x08 msg0 0x0300000000000000]
                driver sent []

                rtkit transcript:
                  IOP -> AP: oslog Init (ep 0x08, 0x010ec310ef162d6b)
                  diverges: after oslog Init (RUNNING) the model sends oslog Ack, the driver does not
                  model: AP -> IOP: oslog Ack (ep 0x08, 0x0300000000000000)
                  driver: (nothing)
                end of transcript
                replays identically twice
                """);
        String html = SummaryPage.render(List.of(RunDirectory.open(run)), new RunHistory(List.of(), List.of()),
                new SummaryPage.Links(null), MONDAY);
        assertTrue(html.contains("<h3>Message transcripts</h3>"), "section");
        assertEquals(2, count(html, "<figure class=\"transcript\""));
        assertEquals(2, count(html, "class=\"sequence-diagram\""));
        // One per finding with a transcript, linked from its row; none for the leak, a note for the unreadable one.
        for (String t : List.of(drawn, fromFile)) {
            assertEquals(1, count(html, "id=\"transcript-[^\"]*" + Finding.idOf(t) + "\""), t);
            assertEquals(1, count(html, "href=\"#transcript-[^\"]*" + Finding.idOf(t) + "\""), t);
        }
        assertEquals(0, count(html, "transcript-[^\"]*" + Finding.idOf(plain)));
        assertEquals(0, count(html, "id=\"transcript-[^\"]*" + Finding.idOf(broken) + "\""));
        assertTrue(html.contains("the detail has a transcript block, but no line of it could be read"), "note");
        // The divergence is drawn in red: the rule and the sides' arrows.
        assertEquals(2, count(html, "class=\"message-rule\""));
        assertTrue(count(html, "message message-highlight") >= 6, "highlighted arrows");
        assertTrue(html.contains(">firmware (IOP)<") && html.contains(">AP driver<") && html.contains(">model<"));
    }

    @Test
    void aPageWithoutRtkitFindingsHasNoTranscripts() throws Exception {
        Path run = RunDirs.standard(dir.resolve("pt"), "4k", 1, MONDAY);
        String html = SummaryPage.render(List.of(RunDirectory.open(run)), new RunHistory(List.of(), List.of()),
                new SummaryPage.Links(null), MONDAY);
        assertFalse(html.contains("Message transcripts"));
        assertEquals(0, count(html, "<figure class=\"transcript\""));
        assertEquals(1, count(html, "<figure class=\"walk\""));
    }

    @Test
    void aLongTimelineIsThinnedForThePlots() throws Exception {
        List<TimelinePoint> pts = CampaignTimeline.parse(RunDirs.timeline(10_000)).points();
        List<TimelinePoint> few = SummaryPage.downsample(pts, 600);
        assertTrue(few.size() <= 601, "size " + few.size());
        assertEquals(pts.get(0), few.get(0));
        assertEquals(pts.get(pts.size() - 1), few.get(few.size() - 1));
        assertEquals(pts, SummaryPage.downsample(pts, 20_000));

        // Ten hours a second apart: the page stays small.
        Path run = RunDirs.write(dir.resolve("long"), RunDirs.summary("4k", 1, MONDAY, List.of()), RunDirs.timeline(36_000));
        String html = SummaryPage.render(List.of(RunDirectory.open(run)), new RunHistory(List.of(), List.of()),
                new SummaryPage.Links(null), MONDAY);
        assertTrue(html.length() < 1_000_000, "page of " + html.length() + " chars");
        assertEquals(1, count(html, "data-plot=\"throughput\"><svg"));
    }

    @Test
    void aPlotThatCannotBeDrawnBecomesANote() {
        // What AWT throws on a machine without fonts.
        String html = SummaryPage.figureOrNote("throughput", "throughput over time", () -> {
            throw new InternalError("Fontconfig head is null, check your fonts or fonts configuration");
        });
        assertTrue(html.startsWith("<p class=\"note\">throughput over time left out: it could not be drawn (InternalError: "
                + "Fontconfig head is null"), html);
        assertEquals("<figure class=\"plot\" data-plot=\"x\"><svg/><figcaption>c &amp; d</figcaption></figure>\n",
                SummaryPage.figureOrNote("x", "c & d", () -> "<svg/>"));
    }

    @Test
    void aRunWithoutFindingsSaysSo() throws Exception {
        Path run = RunDirs.write(dir.resolve("clean"), RunDirs.summary("64k", 7, MONDAY, List.of()), RunDirs.timeline(5));
        String html = SummaryPage.render(List.of(RunDirectory.open(run)), RunHistory.read(dir).with(List.of()),
                new SummaryPage.Links(null), MONDAY);
        assertTrue(html.contains("None: the driver and the model agreed on every operation."));
        assertFalse(html.contains("Allure report</a>"));
    }

    @Test
    void theOutDirectoryMustBeNewEmptyOrAnEarlierReport() throws Exception {
        assertTrue(LockstepReport.outProblem(dir.resolve("new")).isEmpty());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertTrue(LockstepReport.outProblem(empty).isEmpty());
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "mine");
        assertTrue(LockstepReport.outProblem(other).orElseThrow().contains("holds other files"));
        Path run = RunDirs.standard(dir.resolve("run"), "4k", 1, MONDAY);
        assertTrue(LockstepReport.outProblem(run).orElseThrow().contains("run directory"));
        Path earlier = dir.resolve("earlier");
        LockstepReport.write(List.of(RunDirectory.open(run)), pageOnly(earlier));
        assertTrue(LockstepReport.outProblem(earlier).isEmpty());
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertTrue(LockstepReport.outProblem(file).orElseThrow().contains("not a directory"));
    }

    @Test
    void aRunDirectoryNeedsItsSummary() throws Exception {
        ResultFormatException missing = assertThrows(ResultFormatException.class,
                () -> RunDirectory.open(Files.createDirectories(dir.resolve("nothing"))));
        assertTrue(missing.getMessage().endsWith("summary.json: no such file; check the run directory, or run the campaign first"),
                missing.getMessage());
        Path damaged = Files.createDirectories(dir.resolve("damaged"));
        Files.writeString(damaged.resolve("summary.json"), "{\"schema\": \"lockstep.summary/1\", \"lockstep_");
        ResultFormatException bad = assertThrows(ResultFormatException.class, () -> RunDirectory.open(damaged));
        assertTrue(bad.getMessage().contains("truncated JSON"), bad.getMessage());
        ResultFormatException notDir = assertThrows(ResultFormatException.class, () -> RunDirectory.open(dir.resolve("nope")));
        assertTrue(notDir.getMessage().contains("no such directory"), notDir.getMessage());
    }

    @Test
    void aReproducerPathCannotLeaveTheRunDirectory() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "not yours");
        Finding f = new Finding(null, "t", 1, "", Category.DRIVER_BUG, false, "", "", 1, MONDAY, 1, "../secret.txt", "", "");
        Path run = Files.createDirectories(dir.resolve("run"));
        RunDirectory d = new RunDirectory(run, RunDirs.summary("4k", 1, MONDAY, List.of(f)), CampaignTimeline.empty("x"));
        assertTrue(d.reproducerText(f).isEmpty());
    }
}
