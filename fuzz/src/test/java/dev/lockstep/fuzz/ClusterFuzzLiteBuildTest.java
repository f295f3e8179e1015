package dev.lockstep.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .clusterfuzzlite/build.sh, run outside Docker: $SRC, $OUT and $WORK are temporary directories,
 * the repository is copied to $SRC/lockstep (the build must not touch the working tree this test
 * runs from), and jazzer_driver in $OUT is a stub that checks the arguments a launcher passes and
 * runs the target once on the empty input with plain java. Every @FuzzTest must get an executable
 * launcher that runs.
 */
class ClusterFuzzLiteBuildTest {

    private static final Path ROOT = Path.of(System.getProperty("lockstep.root", "..")).toAbsolutePath().normalize();
    private static final Pattern FUZZ_TEST = Pattern.compile("(?m)^\\s*@FuzzTest\\b[\\s\\S]*?\\bvoid (\\w+)\\(");

    @TempDir
    static Path tmp;
    private static Path out;
    private static String buildLog;

    @BeforeAll
    static void build() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        out = Files.createDirectories(tmp.resolve("out"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        copyRepository(src.resolve("lockstep"));
        writeStubDriver(out.resolve("jazzer_driver"));
        Files.writeString(out.resolve("jazzer_agent_deploy.jar"), "stub: the simulated driver does not load it");

        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve(".clusterfuzzlite/build.sh").toString())
                .redirectErrorStream(true);
        pb.environment().put("SRC", src.toString());
        pb.environment().put("OUT", out.toString());
        pb.environment().put("WORK", work.toString());
        // Offline: the test must not need the network; the local repository already has everything.
        pb.environment().put("MVN", "mvn -o");
        pb.environment().put("JAZZER_API_PATH", jazzerApiJar().toString());
        Process p = pb.start();
        buildLog = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "build.sh did not finish");
        assertEquals(0, p.exitValue(), "build.sh failed:\n" + buildLog);
    }

    @Test
    void everyFuzzTestHasAnExecutableLauncherThatRuns() throws Exception {
        Set<String> targets = fuzzTests();
        assertTrue(targets.size() >= 10, "found only " + targets);
        for (String target : targets) {
            Path launcher = out.resolve(target.replace('#', '_'));
            assertTrue(Files.isRegularFile(launcher), "no launcher for " + target + "; build log:\n" + buildLog);
            assertTrue(Files.isExecutable(launcher), launcher + " is not executable");
            String text = Files.readString(launcher);
            // OSS-Fuzz's tooling finds fuzzers by this string.
            assertTrue(text.contains("LLVMFuzzerTestOneInput"), launcher + " lacks the fuzzer marker");
            ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "-runs=1").redirectErrorStream(true);
            pb.environment().put("JAZZER_API_PATH", jazzerApiJar().toString());
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), launcher + " hung");
            assertEquals(0, p.exitValue(), launcher + " failed:\n" + output);
            assertTrue(output.contains(target + ": ran once on 0 bytes, no finding"), launcher + " said:\n" + output);
        }
    }

    @Test
    void regressionInputsBecomeSeedCorpora() throws IOException {
        Path inputs = ROOT.resolve("fuzz/src/test/resources/dev/lockstep/fuzz");
        for (String target : fuzzTests()) {
            String[] parts = target.split("#");
            Path dir = inputs.resolve(parts[0] + "Inputs").resolve(parts[1]);
            if (Files.isDirectory(dir)) {
                assertTrue(Files.isRegularFile(out.resolve(target.replace('#', '_') + "_seed_corpus.zip")),
                        "no seed corpus for " + target);
            }
        }
    }

    @Test
    void jazzerItselfIsNotShipped() throws IOException {
        // The driver brings Jazzer; a second copy in $OUT would put two agents' classes on the class path.
        try (Stream<Path> s = Files.list(out)) {
            assertFalse(s.anyMatch(f -> f.getFileName().toString().startsWith("jazzer-")), "a jazzer jar was copied");
        }
        try (Stream<Path> s = Files.list(out)) {
            assertTrue(Files.isRegularFile(out.resolve("lockstep-fuzz-tests.jar")),
                    "no test jar in " + s.map(f -> f.getFileName().toString()).sorted().toList() + "\n" + buildLog);
        }
    }

    /** Class#method for every @FuzzTest in the package's sources but the link ones, which need the host agent. */
    private static Set<String> fuzzTests() throws IOException {
        Set<String> found = new TreeSet<>();
        try (Stream<Path> s = Files.list(ROOT.resolve("fuzz/src/test/java/dev/lockstep/fuzz"))) {
            for (Path f : s.filter(f -> f.toString().endsWith(".java") && !f.toString().endsWith("LinkFuzzTest.java")).toList()) {
                Matcher m = FUZZ_TEST.matcher(Files.readString(f));
                while (m.find()) {
                    found.add(f.getFileName().toString().replace(".java", "") + "#" + m.group(1));
                }
            }
        }
        return found;
    }

    /** The sources of every module (no target/, no corpora, no .git), as the Dockerfile's COPY would bring them. */
    private static void copyRepository(Path dest) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(ROOT)) {
            s.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path f : files) {
            Path rel = ROOT.relativize(f);
            String r = rel.toString().replace('\\', '/');
            boolean wanted = r.equals("pom.xml") || r.startsWith(".clusterfuzzlite/")
                    || (r.matches("[a-z]+/(pom\\.xml|src/.*)") && !r.startsWith("src/") && !r.startsWith("out/"));
            // Build output is module/target/ (bench has a source package named target, which stays).
            if (!wanted || r.matches("[^/]+/target/.*") || r.startsWith("fuzz/.cifuzz-corpus/")) {
                continue;
            }
            Files.createDirectories(dest.resolve(rel).getParent());
            Files.copy(f, dest.resolve(rel), StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /**
     * A jazzer_driver that accepts only what a launcher must pass (--agent_path, --cp,
     * --target_class, --target_args, --jvm_args, libFuzzer's -runs) and then runs the entry class
     * once on the empty input, with the Jazzer API from $JAZZER_API_PATH as the real agent provides it.
     */
    private static void writeStubDriver(Path driver) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(driver, String.join("\n",
                "#!/bin/bash",
                "# Simulated jazzer_driver for ClusterFuzzLiteBuildTest.",
                "set -eu",
                "cp='' cls='' args='' agent=''",
                "for a in \"$@\"; do",
                "  case \"$a\" in",
                "    --agent_path=*) agent=\"${a#*=}\" ;;",
                "    --cp=*) cp=\"${a#*=}\" ;;",
                "    --target_class=*) cls=\"${a#*=}\" ;;",
                "    --target_args=*) args=\"${a#*=}\" ;;",
                "    --jvm_args=*|-runs=*) ;;",
                "    *) echo \"stub jazzer_driver: unexpected argument $a\" >&2; exit 3 ;;",
                "  esac",
                "done",
                "[ -f \"$agent\" ] || { echo 'stub jazzer_driver: --agent_path is not a file' >&2; exit 3; }",
                "[ -n \"$cp\" ] && [ -n \"$cls\" ] && [ -n \"$args\" ] || { echo 'stub jazzer_driver: --cp, --target_class and --target_args are required' >&2; exit 3; }",
                "IFS=: read -ra entries <<< \"$cp\"",
                "for e in \"${entries[@]}\"; do [ -e \"$e\" ] || { echo \"stub jazzer_driver: class path entry $e is missing\" >&2; exit 3; }; done",
                "exec '" + java + "' -cp \"$cp:$JAZZER_API_PATH\" \"$cls\" \"$args\"",
                ""));
        driver.toFile().setExecutable(true);
    }

    private static Path jazzerApiJar() throws IOException {
        // The fuzz module's test class path has it; base-builder-jvm sets $JAZZER_API_PATH likewise.
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (Path.of(entry).getFileName().toString().startsWith("jazzer-api-")) {
                return Path.of(entry);
            }
        }
        throw new IOException("jazzer-api is not on the test class path");
    }
}
