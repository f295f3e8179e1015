package dev.lockstep.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input on the command line gets one line on stderr naming it, and exit code 2. */
class BadInputTest {
    @TempDir
    Path dir;

    private record Run(int code, String err) {}

    private static Run run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    private static void assertOneLine(Run r, String mustContain) {
        assertEquals(2, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("lockstep: "), r.err());
        assertTrue(lines[0].contains(mustContain), r.err());
    }

    @Test
    void unknownFormat() {
        assertOneLine(run("fuzz", "--format", "arm64-lpae-s9", "--out", dir.resolve("a").toString()), "unknown format 'arm64-lpae-s9'");
    }

    @Test
    void casesSideBySideOutsideTheirRangeAreRefused() throws Exception {
        assertOneLine(run("fuzz", "--parallel", "9", "--out", dir.resolve("a").toString()), "--parallel 9: use 1 to 8");
        assertOneLine(run("bench", "--parallel", "0"), "--parallel 0: use 1 to 8");
    }

    @Test
    void aQuirkThatIsNotOne() {
        assertOneLine(run("fuzz", "--quirks", "arm-nx", "--out", dir.resolve("a").toString()), "--quirks arm-nx");
    }

    @Test
    void aQuirkOutsideItsFormats() {
        assertOneLine(run("fuzz", "--format", "arm64-lpae-s2", "--quirks", "arm-ns", "--out", dir.resolve("a").toString()),
                "quirk arm-ns is documented for the stage-1 LPAE formats");
    }

    @Test
    void anUnknownJudge() {
        assertOneLine(run("fuzz", "--judge", "gem5", "--out", dir.resolve("a").toString()), "--judge gem5");
    }

    @Test
    void qemuJudgingItsOwnTarget() {
        assertOneLine(run("fuzz", "--target", "qemu", "--judge", "qemu", "--out", dir.resolve("a").toString()), "--target qemu");
    }

    @Test
    void rtkitHasNoTablesForQemu() {
        assertOneLine(run("fuzz", "--format", "rtkit", "--judge", "qemu", "--ops", "10", "--out", dir.resolve("a").toString()),
                "RTKit has no tables");
    }

    @Test
    void qemuCannotWalkDartTables() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.lockstep.bench.m1n1.QemuMachine.findQemu().isPresent(), "no QEMU here");
        assertOneLine(run("fuzz", "--target", "qemu", "--format", "dart", "--out", dir.resolve("a").toString()), "dart is not one");
        assertOneLine(run("fuzz", "--judge", "qemu", "--format", "dart2", "--out", dir.resolve("b").toString()), "dart2 is not one");
    }

    @Test
    void unknownGranule() {
        assertOneLine(run("fuzz", "--granule", "8k", "--out", dir.resolve("a").toString()), "--granule 8k");
    }

    @Test
    void unknownVaryParameter() {
        assertOneLine(run("fuzz", "--vary", "granule,colour", "--out", dir.resolve("a").toString()), "unknown parameter 'colour'");
    }

    @Test
    void aFormatNamedTwice() {
        assertOneLine(run("fuzz", "--format", "dart,dart2,dart", "--out", dir.resolve("a").toString()), "dart is named twice");
    }

    @Test
    void iasOutsideOneOfSeveralFormats() {
        assertOneLine(run("fuzz", "--format", "arm64-lpae-s1,dart", "--ias", "40", "--out", dir.resolve("a").toString()),
                "ias 40 is outside dart's range");
    }

    @Test
    void aModelOptionNoneOfSeveralFormatsKnows() {
        assertOneLine(run("fuzz", "--format", "arm64-lpae-s1,dart", "--model-option", "colour=RED", "--out", dir.resolve("a").toString()),
                "unknown model option 'colour' for arm64-lpae-s1,dart");
    }

    @Test
    void iasOutsideTheFormat() {
        assertOneLine(run("fuzz", "--ias", "60", "--out", dir.resolve("a").toString()), "ias 60");
    }

    @Test
    void badDuration() {
        assertOneLine(run("fuzz", "--duration", "soon"), "not a duration");
    }

    @Test
    void unknownModelOption() {
        assertOneLine(run("fuzz", "--model-option", "colour=blue", "--out", dir.resolve("a").toString()), "unknown model option 'colour'");
    }

    @Test
    void unknownTargetNamesTheOnesThatExist() {
        assertOneLine(run("fuzz", "--target", "fpga", "--ops", "10", "--out", dir.resolve("a").toString()), "use --target host, device or qemu");
    }

    @Test
    void deviceTargetRefusesAKernelTreeItWouldNotUse() throws Exception {
        assertOneLine(run("fuzz", "--target", "device", "--kernel-src", dir.toString(), "--ops", "10", "--out", dir.resolve("a").toString()),
                "--kernel-src builds the host agent");
    }

    @Test
    void deviceTargetRefusesInjectedKills() {
        assertOneLine(run("fuzz", "--target", "device", "--link-faults", "kill=1000", "--ops", "10", "--out", dir.resolve("a").toString()),
                "drop kill= for --target device");
    }

    @Test
    void deviceTargetRefusesTheHostSanitizer() {
        assertOneLine(run("fuzz", "--target", "device", "--sanitize", "--ops", "10", "--out", dir.resolve("a").toString()),
                "--sanitize builds the host agent");
    }

    @Test
    void missingKernelTree() {
        assertOneLine(run("fuzz", "--kernel-src", dir.resolve("nope").toString(), "--ops", "10", "--out", dir.resolve("a").toString()),
                "--kernel-src");
    }

    @Test
    void aDirectoryThatIsNotAKernelTree() throws Exception {
        Path notATree = Files.createDirectories(dir.resolve("src"));
        assertOneLine(run("fuzz", "--kernel-src", notATree.toString(), "--ops", "10", "--out", dir.resolve("a").toString()),
                "not a Linux source tree");
    }

    @Test
    void aKernelTreeThatDoesNotBuild() throws Exception {
        Path tree = dir.resolve("broken");
        Files.createDirectories(tree.resolve("drivers/iommu"));
        Files.createDirectories(tree.resolve("include/linux"));
        Files.writeString(tree.resolve("drivers/iommu/io-pgtable-arm.c"), "this is not C\n");
        Files.writeString(tree.resolve("include/linux/io-pgtable.h"), "");
        Files.writeString(tree.resolve("Makefile"), "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\nEXTRAVERSION =\n");
        Run r = run("fuzz", "--kernel-src", tree.toString(), "--ops", "10", "--out", dir.resolve("a").toString());
        assertEquals(2, r.code(), r.err());
        // The campaign's banner may come first; the failure itself is one line that names the build log.
        String[] lines = r.err().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("lockstep: ") && last.contains("does not build") && last.contains("build.log"), r.err());
        assertEquals(1, java.util.Arrays.stream(lines).filter(l -> l.contains("does not build")).count(), r.err());
    }

    @Test
    void aPortThatIsNotThere() {
        assertOneLine(run("fuzz", "--port", "/dev/ttyLOCKSTEP-NOPE", "--ops", "10", "--out", dir.resolve("a").toString()),
                "/dev/ttyLOCKSTEP-NOPE does not exist");
    }

    @Test
    void anOutDirectoryThatHoldsACampaign() throws Exception {
        Path out = Files.createDirectories(dir.resolve("old"));
        Files.writeString(out.resolve("summary.json"), "{}");
        assertOneLine(run("fuzz", "--ops", "10", "--out", out.toString()), "already holds a campaign");
        assertEquals("{}", Files.readString(out.resolve("summary.json")));
    }

    @Test
    void aCorruptReproducer() throws Exception {
        Path f = dir.resolve("r.lst");
        Files.writeString(f, "lockstep-reproducer 1\ntitle x\n");
        assertOneLine(run("replay", f.toString()), "truncated or damaged");
    }

    @Test
    void aReproducerThatIsNotThere() {
        assertOneLine(run("replay", dir.resolve("missing.lst").toString()), "no such file");
    }

    @Test
    void aBadKnownDivergencesFile() throws Exception {
        Path k = dir.resolve("k.ini");
        Files.writeString(k, "[x]\npattern = (\nreason = r\nsource = s\n");
        assertOneLine(run("fuzz", "--known", k.toString(), "--ops", "10", "--out", dir.resolve("a").toString()), "bad pattern");
    }
}
