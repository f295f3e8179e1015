// Opt-in: the report as a browser shows it (headless Chromium). LOCKSTEP_BROWSER_TESTS=1 to run.
package dev.lockstep.reports;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Renders the summary page and the Allure report's index.html in headless Chromium (Debian's
 * {@code chromium} package), dumps the DOM and takes screenshots, kept in
 * {@code reports/target/browser-check/}. Runs only with {@code LOCKSTEP_BROWSER_TESTS=1} as an
 * environment variable or system property, since the default test run does not install a browser;
 * once enabled, a missing browser fails the test. The browser is {@code chromium} on the PATH, or
 * {@code LOCKSTEP_CHROMIUM}.
 */
@EnabledIf("enabled")
class BrowserCheckTest {

    static Path out;

    static boolean enabled() {
        return "1".equals(System.getProperty("LOCKSTEP_BROWSER_TESTS")) || "1".equals(System.getenv("LOCKSTEP_BROWSER_TESTS"));
    }

    @BeforeAll
    static void makeReport() throws Exception {
        Path target = Path.of(System.getProperty("lockstep.reports.target", "target"));
        out = target.resolve("browser-check");
        AllureCommandline.deleteTree(out);
        Path runs = Files.createDirectories(out.resolve("runs"));
        Instant mon = Instant.parse("2025-03-03T10:00:00Z");
        Instant tue = Instant.parse("2025-03-04T10:00:00Z");
        List<RunDirectory> dirs = List.of(
                RunDirectory.open(RunDirs.standard(runs.resolve("4k-mon"), "4k", 1, mon)),
                RunDirectory.open(RunDirs.standard(runs.resolve("4k-tue"), "4k", 2, tue)),
                RunDirectory.open(RunDirs.standard(runs.resolve("16k-tue"), "16k", 3, tue.plusSeconds(60))));
        LockstepReport.Result r = LockstepReport.write(dirs, new LockstepReport.Options(out.resolve("report"), true, null));
        assertNull(r.allureError());
    }

    private static String chromium() {
        String c = System.getenv("LOCKSTEP_CHROMIUM");
        return c == null || c.isBlank() ? "chromium" : c;
    }

    /** Runs headless Chromium on {@code page} with {@code extra} flags; returns its standard output. */
    private static String chromium(Path page, String... extra) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("lockstep-chromium");
        List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1400,2000",
                // Allure's page renders with JavaScript; give it time before the dump or the shot.
                "--virtual-time-budget=15000"));
        cmd.addAll(List.of(extra));
        cmd.add(page.toAbsolutePath().toUri().toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            fail("LOCKSTEP_BROWSER_TESTS=1 but " + chromium() + " cannot be started (" + e.getMessage()
                    + "); install it: apt-get install chromium");
            throw e;
        }
        byte[] stdout = p.getInputStream().readAllBytes();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 180 s");
        }
        AllureCommandline.deleteTree(profile);
        assertEquals(0, p.exitValue(), "chromium exit code");
        return new String(stdout, StandardCharsets.UTF_8);
    }

    private static Path screenshot(Path page, String name) throws Exception {
        Path png = out.resolve(name).toAbsolutePath();
        Files.deleteIfExists(png);
        chromium(page, "--screenshot=" + png);
        assertTrue(Files.isRegularFile(png), "no screenshot " + png);
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 10_000, "screenshot too small: " + head.length + " bytes");
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
        return png;
    }

    @Test
    void theSummaryPageShowsTheFindingsThePlotsAndTheWalk() throws Exception {
        Path page = out.resolve("report/index.html");
        String dom = chromium(page, "--dump-dom");
        assertTrue(dom.contains("<table class=\"findings\">"), "findings table");
        assertTrue(dom.contains("semantics (L2 block): EL0 execute: expected denied, walk gives granted"), "finding title");
        for (String plot : List.of("throughput", "findings", "coverage", "heatmap-map", "trend-throughput")) {
            assertTrue(dom.contains("data-plot=\"" + plot + "\"><svg"), "plot " + plot);
        }
        assertTrue(dom.contains("class=\"walk-diagram\""), "walk diagram");
        assertTrue(dom.contains("0x000047afce200f87"), "walk descriptor");
        screenshot(page, "summary.png");
    }

    @Test
    void theAllureReportRendersFromAFile() throws Exception {
        Path page = out.resolve("report/allure-report/index.html");
        String dom = chromium(page, "--dump-dom");
        // Rendered by Allure's JavaScript: the navigation and the overview's widgets, not the bare shell.
        assertTrue(dom.contains("side-nav"), "Allure navigation");
        assertTrue(dom.contains("summary-widget"), "Allure overview widget");
        assertTrue(dom.contains("Lockstep"), "report name");
        screenshot(page, "allure.png");
    }
}
