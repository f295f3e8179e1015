// The campaign report a person reads first: report.md beside summary.json, renderable anywhere.
package dev.lockstep.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Renders a campaign summary as Markdown: what ran against what, how fast, how much of the
 * functional coverage it reached, and every finding with its replay command. Derived from
 * summary.json only, so it can be regenerated from any run directory.
 */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    public static String render(CampaignSummary s) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Lockstep campaign: ").append(s.format()).append(' ').append(s.granule()).append("\n\n");
        sb.append("| | |\n|---|---|\n");
        row(sb, "target", s.target().kind() + " (" + s.target().port() + ")");
        row(sb, "driver", s.target().driverVersion());
        row(sb, "agent", s.target().agentBuild());
        row(sb, "command", "`" + s.command() + "`");
        row(sb, "seed", Long.toString(s.seed()));
        row(sb, "operations", Long.toString(s.operations()));
        row(sb, "elapsed", String.format("%.1f s", s.elapsedSeconds()));
        row(sb, "throughput", String.format("%.0f ops/s (fuzzing time, shrinking excluded)", s.opsPerSecond()));
        Map<String, Long> cov = s.coverage();
        row(sb, "functional coverage", cov.getOrDefault("bins_hit", 0L) + " / " + cov.getOrDefault("bins_total", 0L) + " bins");
        row(sb, "complete", s.complete() ? "yes" : "no (stopped early or still running)");
        sb.append("\n## Findings\n\n");
        if (s.findings().isEmpty()) {
            sb.append("None: the driver and the model agreed on every operation.\n");
        } else {
            sb.append("| depth | title | count | known | replay |\n|---|---|---|---|---|\n");
            for (Finding f : s.findings()) {
                sb.append("| ").append(f.depth()).append(" ").append(f.depthName())
                        .append(" | ").append(escape(f.title()))
                        .append(" | ").append(f.count())
                        .append(" | ").append(f.known() ? "yes: " + escape(f.knownReason()) : "no")
                        .append(" | `").append(f.replayCommand()).append("` |\n");
            }
            for (Finding f : s.findings()) {
                sb.append("\n### ").append(escape(f.title())).append("\n\n");
                sb.append("Category: ").append(f.category().label()).append(". First seen at operation ")
                        .append(f.firstSeenOperation()).append(". Reproducer: `").append(f.reproducer()).append("`.\n\n");
                if (f.known()) {
                    sb.append("Known divergence: ").append(f.knownReason()).append(" (source: ").append(f.knownSource()).append(")\n\n");
                }
                sb.append("```\n").append(f.detail().strip()).append("\n```\n");
            }
        }
        sb.append("\n## Health\n\n| counter | value |\n|---|---|\n");
        s.health().forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        return sb.toString();
    }

    public static void write(Path file, CampaignSummary s) throws IOException {
        AtomicFiles.write(file, render(s).getBytes(StandardCharsets.UTF_8));
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(escape(v)).append(" |\n");
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
