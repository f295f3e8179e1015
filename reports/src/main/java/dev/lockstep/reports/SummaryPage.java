// The Lockstep summary page: one self-contained HTML file over one or many campaigns.
package dev.lockstep.reports;

import java.awt.AWTError;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Renders the summary page: an overview of the campaigns, the trend across runs of each campaign,
 * and per campaign its numbers, the statistics that answer "should I run longer?", plots of
 * throughput, findings and coverage over time, coverage heat maps, the findings table and a drawn
 * page-table walk for each semantic finding and a sequence diagram of the message transcript for each RTKit
 * finding.
 *
 * <p>Self-contained: inline CSS, plots and pictures as inline SVG, no script, no external
 * resource; the page opens from a file, a CI artifact or a mail attachment. A plot that cannot be
 * drawn (no timeline, no AWT fonts, a detail that does not parse) is left out with a note saying
 * why; rendering never fails on what a run directory holds.
 */
public final class SummaryPage {

    /** Where the Allure report is, relative to the page, or null if there is none. */
    public record Links(String allureReport) {
    }

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final StringBuilder h = new StringBuilder(1 << 16);
    private int svgIds;

    private SummaryPage() {
    }

    /**
     * The page.
     *
     * @param runs        the campaigns, in the order to show them
     * @param history     the runs of earlier reports into the same directory plus these (for trends)
     * @param links       other parts of the report
     * @param generatedAt when the report was made
     */
    public static String render(List<RunDirectory> runs, RunHistory history, Links links, Instant generatedAt) {
        Objects.requireNonNull(runs, "runs");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(links, "links");
        return new SummaryPage().page(runs, history, links, generatedAt);
    }

    private String page(List<RunDirectory> runs, RunHistory history, Links links, Instant generatedAt) {
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"lockstep report\">\n")
                .append("<title>Lockstep report: ").append(esc(titleOf(runs))).append("</title>\n<style>\n")
                .append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
        h.append("<header><h1>Lockstep report</h1><p class=\"sub\">").append(runs.size())
                .append(runs.size() == 1 ? " campaign" : " campaigns").append(", generated ")
                .append(esc(WHEN.format(generatedAt)));
        if (links.allureReport() != null) {
            h.append(" · <a href=\"").append(esc(links.allureReport())).append("\">Allure report</a> (categories, history, trends)");
        }
        h.append("</p></header>\n");
        overview(runs);
        trend(runs, history);
        for (int i = 0; i < runs.size(); i++) {
            campaign(runs.get(i), i);
        }
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String titleOf(List<RunDirectory> runs) {
        return String.join(", ", runs.stream().map(RunDirectory::campaignKey).distinct().toList());
    }

    // ---- overview -------------------------------------------------------------------------------

    private void overview(List<RunDirectory> runs) {
        h.append("<section id=\"overview\"><h2>Campaigns</h2>\n<table class=\"overview\">\n<thead><tr>")
                .append("<th>campaign</th><th>seed</th><th>driver</th><th>operations</th><th>ops/s</th>")
                .append("<th>new findings</th><th>known</th><th>coverage bins</th><th>complete</th><th>run longer?</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < runs.size(); i++) {
            RunDirectory d = runs.get(i);
            CampaignSummary s = d.summary();
            CampaignStatistics st = Statistics.of(s, d.timeline());
            int newCount = s.newFindings().size();
            h.append("<tr><td><a href=\"#campaign-").append(i).append("\">").append(esc(d.campaignKey())).append("</a></td>")
                    .append("<td class=\"num\">").append(s.seed()).append("</td>")
                    .append("<td>").append(esc(s.target().driverVersion())).append("</td>")
                    .append("<td class=\"num\">").append(String.format(Locale.ROOT, "%,d", s.operations())).append("</td>")
                    .append("<td class=\"num\">").append(Charts.fmt(s.opsPerSecond())).append("</td>")
                    .append("<td class=\"num").append(newCount > 0 ? " bad" : "").append("\">").append(newCount).append("</td>")
                    .append("<td class=\"num\">").append(s.findings().size() - newCount).append("</td>")
                    .append("<td class=\"num\">").append(bins(s)).append("</td>")
                    .append("<td>").append(s.complete() ? "yes" : "<span class=\"bad\">no</span>").append("</td>")
                    .append("<td>").append(st.runLonger() ? "yes" : "probably not").append("</td></tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    private static String bins(CampaignSummary s) {
        Long hit = s.coverage().get("bins_hit");
        Long total = s.coverage().get("bins_total");
        if (hit == null || total == null || total == 0) {
            return hit == null ? "–" : hit.toString();
        }
        return String.format(Locale.ROOT, "%d / %d (%.0f%%)", hit, total, 100.0 * hit / total);
    }

    // ---- trend across runs ---------------------------------------------------------------------

    private void trend(List<RunDirectory> runs, RunHistory history) {
        h.append("<section id=\"trend\" class=\"trend\"><h2>Trend across runs</h2>\n");
        h.append("<p class=\"explain\">Each run of the same campaign (same format, granule and target) is one point, ")
                .append("from the run directories given and the earlier reports into this directory (")
                .append(RunHistory.FILE_NAME).append("). Report each run into the same <code>--out</code> to grow the trend.</p>\n");
        history.notes().forEach(this::note);
        // The campaigns of this report first, in its order; then those only earlier reports covered.
        Map<String, List<RunHistory.Run>> byCampaign = history.byCampaign();
        java.util.LinkedHashSet<String> order = new java.util.LinkedHashSet<>();
        runs.forEach(d -> order.add(d.campaignKey()));
        order.addAll(byCampaign.keySet());
        order.retainAll(byCampaign.keySet());
        for (String key : order) {
            List<RunHistory.Run> rs = byCampaign.get(key);
            h.append("<div class=\"trend-campaign\"><h3>").append(esc(key)).append("</h3>\n");
            if (rs.size() < 2) {
                note("one run of this campaign so far: a trend needs two");
            } else {
                List<String> labels = new ArrayList<>();
                for (int i = 0; i < rs.size(); i++) {
                    labels.add("#" + (i + 1) + " " + SHORT.format(rs.get(i).startedAt()));
                }
                double[][] ops = {rs.stream().mapToDouble(RunHistory.Run::opsPerSecond).toArray()};
                double[][] finds = {rs.stream().mapToDouble(RunHistory.Run::newFindings).toArray(),
                    rs.stream().mapToDouble(r -> r.findings() - r.newFindings()).toArray()};
                double[][] bins = {rs.stream().mapToDouble(RunHistory.Run::binsHit).toArray()};
                h.append("<div class=\"plots\">\n");
                figure("trend-throughput", "throughput per run", () -> Charts.runsChart(nextId(), "throughput per run",
                        "ops/s", labels, List.of("ops/s"), ops, 400, 280));
                figure("trend-findings", "findings per run", () -> Charts.runsChart(nextId(), "findings per run",
                        "distinct findings", labels, List.of("new", "known"), finds, 400, 280));
                figure("trend-coverage", "coverage per run", () -> Charts.runsChart(nextId(), "coverage bins hit per run",
                        "bins hit", labels, List.of("bins hit"), bins, 400, 280));
                h.append("</div>\n");
            }
            h.append("<table class=\"trend-table\"><thead><tr><th>run</th><th>started</th><th>seed</th><th>driver</th>")
                    .append("<th>operations</th><th>ops/s</th><th>new</th><th>known</th><th>bins hit</th><th>complete</th>")
                    .append("</tr></thead><tbody>\n");
            for (int i = 0; i < rs.size(); i++) {
                RunHistory.Run r = rs.get(i);
                h.append("<tr><td>#").append(i + 1).append("</td><td>").append(esc(WHEN.format(r.startedAt())))
                        .append("</td><td class=\"num\">").append(r.seed()).append("</td><td>").append(esc(r.driver()))
                        .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%,d", r.operations()))
                        .append("</td><td class=\"num\">").append(Charts.fmt(r.opsPerSecond()))
                        .append("</td><td class=\"num\">").append(r.newFindings())
                        .append("</td><td class=\"num\">").append(r.findings() - r.newFindings())
                        .append("</td><td class=\"num\">").append(r.binsHit()).append(r.binsTotal() > 0 ? " / " + r.binsTotal() : "")
                        .append("</td><td>").append(r.complete() ? "yes" : "no").append("</td></tr>\n");
            }
            h.append("</tbody></table></div>\n");
        }
        h.append("</section>\n");
    }

    // ---- one campaign --------------------------------------------------------------------------

    private void campaign(RunDirectory d, int index) {
        CampaignSummary s = d.summary();
        String cid = "campaign-" + index;
        h.append("<section class=\"campaign\" id=\"").append(cid).append("\" data-campaign=\"")
                .append(esc(d.campaignKey())).append("\">\n<h2>").append(esc(s.format())).append(' ')
                .append(esc(s.granule())).append(" on ").append(esc(s.target().kind())).append(" <span class=\"seed\">seed ")
                .append(s.seed()).append("</span>");
        if (!s.complete()) {
            h.append(" <span class=\"badge bad\">incomplete</span>");
        }
        h.append("</h2>\n");
        facts(d);
        CampaignStatistics st = Statistics.of(s, d.timeline());
        statistics(st);
        h.append("<h3>Over time</h3>\n");
        d.timeline().notes().forEach(this::note);
        plots(d, st);
        h.append("<h3>Coverage bins</h3>\n");
        heatMaps(s);
        h.append("<h3>Findings</h3>\n");
        findings(d, cid);
        h.append("</section>\n");
    }

    private void facts(RunDirectory d) {
        CampaignSummary s = d.summary();
        h.append("<table class=\"facts\"><tbody>\n");
        fact("run directory", "<code>" + esc(d.path().toString()) + "</code>");
        fact("command", "<code>" + esc(s.command()) + "</code>");
        fact("driver", esc(s.target().driverVersion()));
        fact("agent", esc(s.target().agentBuild()));
        fact("started", esc(WHEN.format(s.startedAt())) + ", ran " + String.format(Locale.ROOT, "%.1f s", s.elapsedSeconds()));
        fact("operations", String.format(Locale.ROOT, "%,d at %s ops/s", s.operations(), Charts.fmt(s.opsPerSecond())));
        fact("findings", s.newFindings().size() + " new, " + (s.findings().size() - s.newFindings().size()) + " known");
        fact("coverage", esc(bins(s)));
        if (!s.health().isEmpty()) {
            StringBuilder hb = new StringBuilder();
            s.health().forEach((k, v) -> hb.append(hb.length() == 0 ? "" : ", ").append(esc(k)).append(' ').append(v));
            fact("health", hb.toString());
        }
        h.append("</tbody></table>\n");
    }

    private void fact(String k, String htmlValue) {
        h.append("<tr><th>").append(esc(k)).append("</th><td>").append(htmlValue).append("</td></tr>\n");
    }

    private void statistics(CampaignStatistics st) {
        h.append("<div class=\"verdict ").append(st.runLonger() ? "more" : "enough").append("\">\n<h3>Should I run longer? ")
                .append(st.runLonger() ? "Yes, it is still finding things." : "Probably not: returns are diminishing.")
                .append("</h3>\n<ul>\n");
        st.reasons().forEach(r -> h.append("<li>").append(esc(r)).append("</li>\n"));
        h.append("</ul>\n</div>\n<table class=\"stats\"><thead><tr><th>statistic</th><th>value</th><th>in plain words</th>")
                .append("</tr></thead><tbody>\n");
        CampaignStatistics.Throughput t = st.throughput();
        String rate = Double.isFinite(t.lower())
                ? String.format(Locale.ROOT, "%s ops/s, %.0f%% CI %s – %s (%d intervals); overall %s", Charts.fmt(t.mean()),
                        t.confidence() * 100, Charts.fmt(t.lower()), Charts.fmt(t.upper()), t.intervals(), Charts.fmt(t.overall()))
                : "overall " + Charts.fmt(t.overall()) + " ops/s (too few timeline intervals for an interval)";
        stat("throughput", rate, "The campaign's speed, measured second by second. With 95% confidence the true "
                + "mean rate lies in the interval; a wide interval means the speed varied (shrinking, target restarts). "
                + "Use it to plan: operations needed / rate = time needed.");
        CampaignStatistics.Discovery ds = st.discovery();
        stat("Good-Turing", Double.isFinite(ds.goodTuring())
                        ? String.format(Locale.ROOT, "%.3g (f1 = %d singletons / %,d operations)", ds.goodTuring(), ds.singletons(), ds.operations())
                        : "n/a (no operations)",
                "The chance that the next operation finds a kind of finding not seen yet. Findings seen only once "
                        + "tell how often something new still turns up; when none is left, new findings have become rare.");
        stat("Chao1", String.format(Locale.ROOT, "%.1f classes (%d seen, f1 = %d, f2 = %d%s)", ds.chao1(), ds.classes(),
                        ds.singletons(), ds.doubletons(), ds.chao1BiasCorrected() ? ", bias-corrected form as f2 = 0" : ""),
                "An estimate of how many distinct findings there are in all, including those not seen yet, from how many "
                        + "were seen once and twice. Far above the number seen: run longer. Equal to it: this stimulus "
                        + "has probably shown what it can.");
        CampaignStatistics.Saturation sa = st.saturation();
        String sat = (Double.isFinite(sa.fractionHit()) ? String.format(Locale.ROOT, "%d / %d bins (%.0f%%)", sa.binsHit(),
                sa.binsTotal(), 100 * sa.fractionHit()) : sa.binsHit() + " bins") + "; "
                + (sa.windowPoints() >= 2 && Double.isFinite(sa.slopePerSecond())
                ? String.format(Locale.ROOT, "%.2f new bins/min in the last %.0f s", sa.slopePerSecond() * 60, sa.windowSeconds())
                : "no slope (fewer than two timeline points at the end)");
        stat("coverage saturation", sat, "How much of the functional coverage was reached, and whether it was still "
                + "growing at the end (the slope of bins hit over the last 20% of the run). A slope of 0 means more of the "
                + "same stimulus will not reach new bins.");
        h.append("</tbody></table>\n");
    }

    private void stat(String name, String value, String plain) {
        h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td><td class=\"explain\">")
                .append(esc(plain)).append("</td></tr>\n");
    }

    private void plots(RunDirectory d, CampaignStatistics st) {
        List<TimelinePoint> full = d.timeline().points();
        if (full.size() < 2) {
            note("no plots over time: the timeline has " + full.size() + (full.size() == 1 ? " point" : " points")
                    + " (" + CampaignTimeline.FILE_NAME + " is written about once a second while a campaign runs)");
            return;
        }
        // A long campaign has a point a second; the plots need no more than a few hundred.
        List<TimelinePoint> pts = downsample(full, MAX_PLOT_POINTS);
        double[] t = pts.stream().mapToDouble(TimelinePoint::t).toArray();
        h.append("<div class=\"plots\">\n");
        // Throughput: per-interval rate at each interval's end.
        double[] rt = new double[pts.size() - 1];
        double[] rv = new double[pts.size() - 1];
        int n = 0;
        for (int i = 1; i < pts.size(); i++) {
            double dt = t[i] - t[i - 1];
            if (dt > 0) {
                rt[n] = t[i];
                rv[n] = (pts.get(i).ops() - pts.get(i - 1).ops()) / dt;
                n++;
            }
        }
        double[] rtx = java.util.Arrays.copyOf(rt, n);
        double[] rvy = java.util.Arrays.copyOf(rv, n);
        CampaignStatistics.Throughput th = st.throughput();
        figure("throughput", "throughput over time", () -> Charts.lineChart(nextId(), "throughput", "seconds", "ops/s",
                List.of(new Charts.Series("ops/s", rtx, rvy)),
                new Charts.Band("mean " + Charts.fmt(th.mean()), th.mean(), th.lower(), th.upper()), 600, 300));
        double[] all = pts.stream().mapToDouble(TimelinePoint::findings).toArray();
        double[] known = pts.stream().mapToDouble(TimelinePoint::known).toArray();
        double[] fresh = pts.stream().mapToDouble(p -> p.findings() - p.known()).toArray();
        figure("findings", "findings over time", () -> Charts.lineChart(nextId(), "distinct findings", "seconds", "findings",
                List.of(new Charts.Series("all", t, all), new Charts.Series("new", t, fresh), new Charts.Series("known", t, known)),
                null, 600, 300));
        double[] hit = pts.stream().mapToDouble(TimelinePoint::binsHit).toArray();
        double[] total = pts.stream().mapToDouble(TimelinePoint::binsTotal).toArray();
        figure("coverage", "functional coverage growth", () -> Charts.lineChart(nextId(), "functional coverage", "seconds",
                "bins", List.of(new Charts.Series("bins hit", t, hit), new Charts.Series("bins defined", t, total, true)),
                null, 600, 300));
        if (d.timeline().hasDriverCoverage()) {
            double[] edges = pts.stream().mapToDouble(TimelinePoint::driverEdgesHit).toArray();
            figure("driver-coverage", "driver code coverage growth", () -> Charts.lineChart(nextId(), "driver code coverage",
                    "seconds", "edges hit", List.of(new Charts.Series("edges hit", t, edges)), null, 600, 300));
        }
        h.append("</div>\n");
    }

    /** Plots show at most this many timeline points. */
    static final int MAX_PLOT_POINTS = 600;

    /**
     * Every k-th point, first and last kept, so that at most about {@code max} remain; a rate
     * between kept points is then the mean rate over the points between them.
     */
    static List<TimelinePoint> downsample(List<TimelinePoint> pts, int max) {
        if (pts.size() <= max) {
            return pts;
        }
        int step = (pts.size() + max - 1) / max;
        List<TimelinePoint> out = new ArrayList<>();
        for (int i = 0; i < pts.size(); i += step) {
            out.add(pts.get(i));
        }
        if (out.get(out.size() - 1) != pts.get(pts.size() - 1)) {
            out.add(pts.get(pts.size() - 1));
        }
        return out;
    }

    private void heatMaps(CampaignSummary s) {
        CoverageHeatMap map = CoverageHeatMap.of(s.coverage());
        if (map.grids().isEmpty()) {
            note("no coverage bins in summary.json (keys \"bin:<group>/<situation>/<size>\")");
            return;
        }
        h.append("<div class=\"plots heatmaps\">\n");
        for (CoverageHeatMap.Grid g : map.grids()) {
            figure("heatmap-" + g.group(), "coverage bins of " + g.group(), () -> Charts.heatMap(nextId(), g));
        }
        h.append("</div>\n");
    }

    private void findings(RunDirectory d, String cid) {
        CampaignSummary s = d.summary();
        if (s.findings().isEmpty()) {
            h.append("<p class=\"none\">None: the driver and the model agreed on every operation.</p>\n");
            return;
        }
        List<Runnable> walks = new ArrayList<>();
        List<Runnable> transcripts = new ArrayList<>();
        h.append("<table class=\"findings\"><thead><tr><th>title</th><th>depth</th><th>first seen</th><th>count</th>")
                .append("<th>replay</th><th>reproducer</th><th>detail</th></tr></thead><tbody>\n");
        for (Finding f : s.findings()) {
            String fid = cid + "-" + f.id();
            String detail = d.detailText(f);
            Optional<PageTableWalk> walk = Optional.empty();
            String walkNote = null;
            if (!detail.isBlank() && detail.contains("walk steps")) {
                try {
                    walk = PageTableWalk.parse(detail, s.granule());
                    if (walk.isEmpty()) {
                        walkNote = "the detail mentions walk steps, but none could be read; no walk picture";
                    }
                } catch (RuntimeException e) {
                    walkNote = "the walk in the detail could not be read (" + e.getMessage() + "); no walk picture";
                }
            }
            Optional<Transcript> transcript = Optional.empty();
            String transcriptNote = null;
            if (detail.contains(Transcript.BEGIN)) {
                try {
                    transcript = Transcript.parse(detail);
                    if (transcript.isEmpty()) {
                        transcriptNote = "the detail has a transcript block, but no line of it could be read; no sequence diagram";
                    }
                } catch (RuntimeException e) {
                    transcriptNote = "the transcript in the detail could not be read (" + e.getMessage() + "); no sequence diagram";
                }
            }
            h.append("<tr class=\"finding ").append(f.isNew() ? "new" : "known").append("\" id=\"").append(fid).append("\">")
                    .append("<td class=\"title\">").append(esc(f.title())).append("<div class=\"tags\"><span class=\"badge cat\">")
                    .append(esc(f.category().label())).append("</span>");
            if (!f.isNew()) {
                h.append(" <span class=\"badge known\">known</span>");
                if (!f.knownReason().isBlank()) {
                    h.append(" <span class=\"why\">").append(esc(f.knownReason()));
                    if (!f.knownSource().isBlank()) {
                        h.append(" (").append(esc(f.knownSource())).append(')');
                    }
                    h.append("</span>");
                }
            } else {
                h.append(" <span class=\"badge bad\">new</span>");
            }
            h.append(" <code class=\"id\">").append(esc(f.id())).append("</code></div></td>")
                    .append("<td class=\"num\">").append(f.depth()).append(f.depthName().isBlank() ? "" : "<br><small>"
                            + esc(f.depthName()) + "</small>").append("</td>")
                    .append("<td>op ").append(String.format(Locale.ROOT, "%,d", f.firstSeenOperation())).append("<br><small>")
                    .append(esc(offset(s.startedAt(), f.firstSeen()))).append("</small></td>")
                    .append("<td class=\"num\">").append(f.count()).append("</td>")
                    .append("<td>").append(f.replayCommand().isBlank() ? "–" : "<code class=\"replay\">" + esc(f.replayCommand()) + "</code>")
                    .append("</td><td>");
            Optional<String> repro = d.reproducerText(f);
            if (repro.isPresent()) {
                long ops = repro.get().lines().filter(l -> l.startsWith("op ")).count();
                long steps = repro.get().lines().filter(l -> l.startsWith("iop ") || l.startsWith("call ")
                        || l.startsWith("advance ")).count();
                h.append("<details class=\"reproducer\"><summary>").append(ops > 0 ? ops + (ops == 1 ? " operation" : " operations")
                        : steps > 0 ? steps + (steps == 1 ? " step" : " steps") : "reproducer").append("</summary><pre>").append(esc(repro.get())).append("</pre></details>");
            } else {
                h.append(f.reproducer().isBlank() ? "–" : "<span class=\"note\">" + esc(f.reproducer()) + " not found</span>");
            }
            h.append("</td><td>");
            if (!detail.isBlank()) {
                h.append("<details class=\"detail\"><summary>detail</summary><pre>").append(esc(detail)).append("</pre></details>");
            }
            if (walk.isPresent()) {
                h.append("<a href=\"#walk-").append(fid).append("\">walk ↓</a>");
                PageTableWalk w = walk.get();
                walks.add(() -> {
                    h.append("<figure class=\"walk\" id=\"walk-").append(fid).append("\"><figcaption><a href=\"#").append(fid)
                            .append("\">").append(esc(f.title())).append("</a></figcaption>\n");
                    try {
                        h.append(WalkDiagram.svg(w, "w" + (++svgIds)));
                    } catch (RuntimeException e) {
                        note("the walk could not be drawn (" + e + ")");
                    }
                    h.append("</figure>\n");
                });
            } else if (walkNote != null) {
                h.append("<span class=\"note\">").append(esc(walkNote)).append("</span>");
            }
            if (transcript.isPresent()) {
                h.append(" <a href=\"#transcript-").append(fid).append("\">transcript ↓</a>");
                Transcript t = transcript.get();
                transcripts.add(() -> {
                    h.append("<figure class=\"transcript\" id=\"transcript-").append(fid).append("\"><figcaption><a href=\"#").append(fid)
                            .append("\">").append(esc(f.title())).append("</a></figcaption>\n");
                    try {
                        h.append(t.svg("message transcript: " + f.title(), "t" + (++svgIds)));
                    } catch (RuntimeException e) {
                        note("the transcript could not be drawn (" + e + ")");
                    }
                    h.append("</figure>\n");
                });
            } else if (transcriptNote != null) {
                h.append("<span class=\"note\">").append(esc(transcriptNote)).append("</span>");
            }
            h.append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
        if (!walks.isEmpty()) {
            h.append("<h3>Page-table walks</h3>\n<p class=\"explain\">For each semantic finding, the walk of the minimised ")
                    .append("run through the tables the driver built: one box per level (table address, index, descriptor). ")
                    .append("The box in red is where the walk and the contract part ways.</p>\n<div class=\"walks\">\n");
            walks.forEach(Runnable::run);
            h.append("</div>\n");
        }
        if (!transcripts.isEmpty()) {
            h.append("<h3>Message transcripts</h3>\n<p class=\"explain\">For each RTKit finding, the messages of the minimised ")
                    .append("case between the firmware (IOP) and the AP driver, top to bottom, with the client's calls, the callbacks ")
                    .append("and the calls' returns as notes on the lifeline. Above the red rule the driver and the model agree ")
                    .append("(drawn once, on the driver's lifeline); below it, in red, what each of them did instead.</p>\n")
                    .append("<div class=\"transcripts\">\n");
            transcripts.forEach(Runnable::run);
            h.append("</div>\n");
        }
    }

    private static String offset(Instant start, Instant at) {
        Duration d = Duration.between(start, at);
        return d.isNegative() ? WHEN.format(at) : String.format(Locale.ROOT, "+%.1f s", d.toMillis() / 1000.0);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void figure(String kind, String caption, Supplier<String> svg) {
        h.append(figureOrNote(kind, caption, svg));
    }

    /**
     * A figure with the plot {@code svg} draws, or, when it cannot be drawn, a note saying so: the
     * rest of the page stands. Typically a machine without fonts for AWT.
     */
    static String figureOrNote(String kind, String caption, Supplier<String> svg) {
        String drawn;
        try {
            drawn = svg.get();
        } catch (RuntimeException | LinkageError | InternalError | AWTError e) {
            return "<p class=\"note\">" + esc(caption + " left out: it could not be drawn (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + ResultFormatException.oneLine(e.getMessage())) + ")") + "</p>\n";
        }
        return "<figure class=\"plot\" data-plot=\"" + esc(kind) + "\">" + drawn + "<figcaption>" + esc(caption)
                + "</figcaption></figure>\n";
    }

    private String nextId() {
        return "plot" + (++svgIds);
    }

    private void note(String text) {
        h.append("<p class=\"note\">").append(esc(text)).append("</p>\n");
    }

    private static String esc(String s) {
        return Svg.escape(s);
    }

    private static final String CSS = """
            :root { --ink:#1f2a44; --muted:#5b6b8c; --line:#dde1e8; --bad:#c62828; --good:#2e7d32; --bg:#f7f8fb; }
            * { box-sizing: border-box; }
            body { margin:0; background:var(--bg); color:var(--ink);
                   font:14px/1.45 "DejaVu Sans", system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
            main { max-width:1360px; margin:0 auto; padding:20px 24px 60px; }
            h1 { margin:0 0 4px; font-size:26px; } h2 { margin:28px 0 10px; font-size:20px; border-bottom:2px solid var(--line); padding-bottom:4px; }
            h3 { margin:18px 0 8px; font-size:16px; }
            .sub { color:var(--muted); margin:0; } a { color:#1a56b0; }
            section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:4px 18px 16px; margin:18px 0; }
            table { border-collapse:collapse; width:100%; margin:6px 0 12px; background:#fff; }
            th, td { border-bottom:1px solid var(--line); padding:5px 8px; text-align:left; vertical-align:top; }
            thead th { background:#eef2fa; font-weight:600; position:sticky; top:0; }
            td.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
            table.facts th { width:140px; color:var(--muted); font-weight:600; }
            .bad { color:var(--bad); font-weight:600; }
            .badge { display:inline-block; font-size:11px; padding:0 6px; border-radius:9px; border:1px solid var(--line); background:#f3f4f7; }
            .badge.bad { background:#fdecea; border-color:#f5c2c0; } .badge.known { background:#eef6ee; color:var(--good); }
            .tags { margin-top:3px; } .why { font-size:12px; color:var(--muted); } code.id { font-size:11px; color:var(--muted); }
            code, pre { font-family:"DejaVu Sans Mono", Menlo, Consolas, monospace; font-size:12px; }
            code.replay { word-break:break-all; }
            pre { background:#f6f8fa; border:1px solid var(--line); border-radius:6px; padding:8px; overflow:auto; max-height:420px; margin:6px 0; }
            details summary { cursor:pointer; color:#1a56b0; white-space:nowrap; }
            table.findings td.title { min-width:280px; } table.findings tr.new td.title { border-left:3px solid var(--bad); }
            table.findings tr.known td.title { border-left:3px solid var(--good); }
            .plots { display:flex; flex-wrap:wrap; gap:12px; align-items:flex-start; }
            figure { margin:0; } figure.plot { background:#fff; border:1px solid var(--line); border-radius:6px; padding:4px; }
            figure figcaption { font-size:12px; color:var(--muted); padding:2px 6px; }
            figure.walk { border:1px solid var(--line); border-radius:6px; padding:6px; margin:10px 0; overflow-x:auto; }
            figure.walk figcaption { font-weight:600; color:var(--ink); font-size:13px; }
            figure.transcript { border:1px solid var(--line); border-radius:6px; padding:6px; margin:10px 0; overflow-x:auto; }
            figure.transcript figcaption { font-weight:600; color:var(--ink); font-size:13px; }
            .verdict { border-radius:8px; padding:2px 14px; margin:10px 0; }
            .verdict.more { background:#fff7e6; border:1px solid #f3d18a; } .verdict.enough { background:#eef6ee; border:1px solid #b9dcb9; }
            .explain { color:var(--muted); font-size:13px; } table.stats th { width:160px; } table.stats td.explain { width:55%; }
            .note { color:#8a5a00; background:#fff8e6; border-left:3px solid #f0b429; padding:4px 10px; font-size:13px; margin:6px 0; }
            span.note { display:block; }
            .seed { color:var(--muted); font-weight:400; font-size:15px; }
            """;
}
