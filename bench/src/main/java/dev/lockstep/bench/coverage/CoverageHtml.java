package dev.lockstep.bench.coverage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The driver source with its coverage, like a KCOV report: every site of the agent's image (its
 * .cov-sites list, written by the build) is mapped to a source line with addr2line, and each line
 * with sites is marked as reached, partly reached or not reached. The sources are read from where
 * the build compiled them (the cache's extracted copy), as the debug information names them.
 *
 * <p>Beside the page, {@link #UNREACHED} lists the sites no case reached, each with the function
 * and line of its call and the functions it is inlined into: the list docs/fuzzing.md sorts by
 * cause ("What no campaign reaches"), so the next campaign can be told what is left for it.
 */
public final class CoverageHtml {
    /**
     * Lines of the driver files with sites, and how many of them a site reached; and per source
     * file (its name, or "headers" for code inlined from any header), sites reached and sites.
     */
    public record Lines(long hit, long total, Map<String, long[]> sitesByFile) {
    }

    /** The sites not reached, one a line, in the run directory beside the page. */
    public static final String UNREACHED = "driver-unreached.txt";

    private CoverageHtml() {
    }

    /**
     * Writes the page; returns the line counts, or null when the image or its site list is not
     * here (a board's agent), in which case nothing is written.
     */
    public static Lines write(Path out, String image, Set<Long> hit) throws IOException {
        if (image == null || image.isEmpty()) {
            return null;
        }
        Path bin = Path.of(image);
        Path sitesFile = Path.of(image + ".cov-sites");
        if (!Files.isRegularFile(bin) || !Files.isRegularFile(sitesFile)) {
            return null;
        }
        List<Long> sites = new ArrayList<>(DriverCoverage.readSites(sitesFile));
        List<String> where = addr2line(bin, sites);
        // file -> line -> {sites, sites hit}
        Map<String, TreeMap<Integer, int[]>> files = new TreeMap<>();
        Map<String, long[]> byFile = new TreeMap<>();
        for (int i = 0; i < sites.size(); i++) {
            String loc = where.get(i);
            int colon = loc.lastIndexOf(':');
            String file = colon < 0 || loc.startsWith("??") ? "unknown" : loc.substring(0, colon);
            long[] f = byFile.computeIfAbsent(file.endsWith(".c") ? file.substring(file.lastIndexOf('/') + 1) : "headers", k -> new long[2]);
            f[1]++;
            if (hit.contains(sites.get(i))) {
                f[0]++;
            }
            if (colon < 0 || loc.startsWith("??")) {
                continue;
            }
            int line;
            try {
                line = Integer.parseInt(loc.substring(colon + 1).replaceFirst(" .*", ""));
            } catch (NumberFormatException e) {
                continue;
            }
            int[] c = files.computeIfAbsent(loc.substring(0, colon), k -> new TreeMap<>()).computeIfAbsent(line, k -> new int[2]);
            c[0]++;
            if (hit.contains(sites.get(i))) {
                c[1]++;
            }
        }
        long linesHit = 0;
        long linesTotal = 0;
        StringBuilder body = new StringBuilder();
        StringBuilder index = new StringBuilder("<ul>\n");
        int fileNo = 0;
        for (Map.Entry<String, TreeMap<Integer, int[]>> f : files.entrySet()) {
            long fh = f.getValue().values().stream().filter(c -> c[1] > 0).count();
            long ft = f.getValue().size();
            linesHit += fh;
            linesTotal += ft;
            String name = shortName(f.getKey());
            index.append(String.format("<li><a href=\"#f%d\">%s</a>: %d of %d lines</li>%n", fileNo, esc(name), fh, ft));
            body.append(String.format("<h2 id=\"f%d\">%s <small>%d of %d lines with sites reached</small></h2>%n<pre>",
                    fileNo, esc(name), fh, ft));
            Path src = Path.of(f.getKey());
            List<String> text = Files.isRegularFile(src) ? Files.readAllLines(src, StandardCharsets.UTF_8) : List.of();
            if (text.isEmpty()) {
                body.append("(source not found at ").append(esc(f.getKey())).append(")\n");
            }
            for (int n = 1; n <= text.size(); n++) {
                int[] c = f.getValue().get(n);
                String cls = c == null ? "" : c[1] == 0 ? " class=\"no\"" : c[1] < c[0] ? " class=\"part\"" : " class=\"yes\"";
                body.append(String.format("<span%s>%5d %s</span>%n", cls, n, esc(text.get(n - 1))));
            }
            body.append("</pre>\n");
            fileNo++;
        }
        index.append("</ul>\n");
        long sitesHit = sites.stream().filter(hit::contains).count();
        String page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Driver coverage</title><style>"
                + "body{font-family:sans-serif} pre{font-size:12px;line-height:1.3} pre span{display:block}"
                + ".yes{background:#c8f0c8}.part{background:#f5e6a8}.no{background:#f5c0c0}</style></head><body>\n"
                + "<h1>Driver coverage</h1>\n<p>" + sitesHit + " of " + sites.size() + " driver sites (trace-pc edges) reached; "
                + linesHit + " of " + linesTotal + " lines with sites. Green: every site of the line reached; yellow: some; red: none.</p>\n"
                + index + body + "</body></html>\n";
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (Writer w = new OutputStreamWriter(Files.newOutputStream(tmp), StandardCharsets.UTF_8)) {
            w.write(page);
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        writeUnreached(out.resolveSibling(UNREACHED), bin, sites.stream().filter(a -> !hit.contains(a)).toList());
        return new Lines(linesHit, linesTotal, byFile);
    }

    /**
     * "0xc2e0 arm_lpae_restrict_pgsizes io-pgtable-arm.c:776 <- arm_lpae_alloc_pgtable
     * io-pgtable-arm.c:787" for each site not reached: a site in an inlined helper means nothing
     * without the caller it was inlined into, so the whole inline chain is given.
     */
    private static void writeUnreached(Path file, Path bin, List<Long> missed) throws IOException {
        List<String> raw = run(bin, missed, "-a", "-f", "-i");
        StringBuilder b = new StringBuilder("# Driver sites no case of this campaign reached: address, then function and line (of the call),\n"
                + "# innermost first, \"<-\" the function it is inlined into (docs/fuzzing.md sorts them by cause).\n");
        int i = 0;
        for (long a : missed) {
            // addr2line -a prints the address, then a function and a file:line per inline level, up to the next address.
            if (i < raw.size() && raw.get(i).startsWith("0x")) {
                i++;
            }
            List<String> chain = new ArrayList<>();
            while (i + 1 < raw.size() && !raw.get(i).startsWith("0x")) {
                chain.add(raw.get(i) + " " + shortFile(raw.get(i + 1)));
                i += 2;
            }
            b.append("0x").append(Long.toHexString(a)).append(' ').append(String.join(" <- ", chain)).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** io-pgtable-arm.c:776 rather than the build's absolute path (discriminators dropped). */
    private static String shortFile(String loc) {
        return loc.substring(loc.lastIndexOf('/') + 1).replaceFirst(" \\(discriminator \\d+\\)$", "");
    }

    /** drivers/iommu/x.c rather than the cache's absolute path. */
    private static String shortName(String path) {
        int i = path.indexOf("/drivers/");
        return i >= 0 ? path.substring(i + 1) : path;
    }

    /** file:line of each address (a return address, so the call is at address - 1). */
    private static List<String> addr2line(Path bin, List<Long> sites) throws IOException {
        List<String> lines = run(bin, sites);
        if (lines.size() != sites.size()) {
            throw new IOException("addr2line gave " + lines.size() + " lines for " + sites.size() + " addresses: "
                    + (lines.isEmpty() ? "" : lines.get(0)));
        }
        return lines;
    }

    /** What addr2line with these options prints for the calls before the given return addresses. */
    private static List<String> run(Path bin, List<Long> sites, String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("addr2line", "-e", bin.toString()));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread feed = new Thread(() -> {
            try (Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.US_ASCII)) {
                for (long a : sites) {
                    w.write("0x" + Long.toHexString(a - 1) + "\n");
                }
            } catch (IOException e) {
                // addr2line died; its output says why
            }
        });
        feed.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                lines.add(l);
            }
        }
        try {
            feed.join();
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lines;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
