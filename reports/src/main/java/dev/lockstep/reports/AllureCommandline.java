// Finds Allure's own command-line tool (io.qameta.allure:allure-commandline) and runs `allure generate`.
package dev.lockstep.reports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Allure's command-line tool, the zip {@code io.qameta.allure:allure-commandline} from Maven
 * Central: a directory {@code allure-VERSION} with {@code lib/*.jar}, {@code config/} and
 * {@code plugins/}. It needs only Java; it is run with this JVM's {@code java}, not through its
 * shell script.
 *
 * <p>{@link #locate(Path)} looks, in order, at: the home given; the system property
 * {@code lockstep.allure.home}; the environment variable {@code LOCKSTEP_ALLURE_HOME}; the copy the
 * reports build unpacks, {@code ROOT/reports/target/allure-commandline/allure-VERSION} (ROOT from the
 * system property {@code lockstep.root} or the environment variable {@code LOCKSTEP_ROOT}, which the
 * {@code lockstep} launcher sets); and the zip in the local Maven repository
 * ({@code ~/.m2/repository}, or the system property {@code maven.repo.local}), which it unpacks
 * there, or under {@code ~/.cache/lockstep} when there is no ROOT.
 */
public final class AllureCommandline {

    /** The version of allure-commandline the build fetches. */
    public static final String VERSION = loadVersion();

    private static final long TIMEOUT_MINUTES = 10;

    private final Path home;

    private AllureCommandline(Path home) {
        this.home = home;
    }

    /** The tool's directory, {@code allure-VERSION}. */
    public Path home() {
        return home;
    }

    /** Uses the tool in {@code home}, which must be an unpacked allure-commandline. */
    public static AllureCommandline at(Path home) throws AllureException {
        if (!isHome(home)) {
            throw new AllureException(home + ": not an Allure command-line directory (no lib/allure-commandline-*.jar); "
                    + "pass the unpacked io.qameta.allure:allure-commandline zip, e.g. reports/target/allure-commandline/allure-" + VERSION);
        }
        return new AllureCommandline(home);
    }

    /**
     * Finds the tool (see the class comment).
     *
     * @param explicitHome a directory the user named, or null
     * @throws AllureException if it is nowhere; the message says how to get it
     */
    public static AllureCommandline locate(Path explicitHome) throws AllureException {
        if (explicitHome != null) {
            return at(explicitHome);
        }
        String prop = System.getProperty("lockstep.allure.home");
        if (prop != null && !prop.isBlank() && isHome(Path.of(prop))) {
            return new AllureCommandline(Path.of(prop));
        }
        String env = System.getenv("LOCKSTEP_ALLURE_HOME");
        if (env != null && !env.isBlank()) {
            return at(Path.of(env));
        }
        Path root = root();
        Path unpacked = root == null ? null : root.resolve("reports/target/allure-commandline");
        if (unpacked != null && isHome(unpacked.resolve("allure-" + VERSION))) {
            return new AllureCommandline(unpacked.resolve("allure-" + VERSION));
        }
        Path zip = localRepository().resolve("io/qameta/allure/allure-commandline/" + VERSION
                + "/allure-commandline-" + VERSION + ".zip");
        if (Files.isRegularFile(zip)) {
            Path into = unpacked != null && Files.isWritable(root) ? unpacked
                    : Path.of(System.getProperty("user.home"), ".cache", "lockstep", "allure-commandline");
            try {
                return new AllureCommandline(unpack(zip, into));
            } catch (IOException | UncheckedIOException e) {
                throw new AllureException("cannot unpack " + zip + " into " + into + " (" + e.getMessage()
                        + "); unpack it yourself and pass --allure-home", e);
            }
        }
        throw new AllureException("Allure's command-line tool " + VERSION + " is not here (looked in "
                + (unpacked == null ? "" : unpacked + " and ") + zip + "); build the reports module once with network access "
                + "(mvn -pl reports package fetches io.qameta.allure:allure-commandline:" + VERSION + ":zip from Maven Central), "
                + "pass --allure-home DIR, or use --no-allure");
    }

    /**
     * Runs {@code allure generate --clean -o reportDir results...}; the tool's output goes to
     * {@code log} (appended).
     *
     * @param singleFile one self-contained index.html (opens from a file) instead of a report that
     *                   must be served, and has no {@code history/} for the next report
     */
    public void generate(List<Path> results, Path reportDir, boolean singleFile, String reportName, Path log)
            throws AllureException, IOException {
        Objects.requireNonNull(results, "results");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true",
                "-cp", home.resolve("lib") + "/*" + java.io.File.pathSeparator + home.resolve("lib/config"),
                "io.qameta.allure.CommandLine", "generate", "--clean", "-o", reportDir.toString()));
        if (singleFile) {
            cmd.add("--single-file");
        }
        if (reportName != null && !reportName.isBlank()) {
            cmd.add("--report-name");
            cmd.add(reportName);
        }
        results.forEach(r -> cmd.add(r.toString()));
        Files.createDirectories(log.toAbsolutePath().getParent());
        Files.writeString(log, "$ " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The tool finds its config/ and plugins/ through APP_HOME, as its own script sets it.
        pb.environment().put("APP_HOME", home.toString());
        Process p = pb.start();
        boolean done;
        try {
            done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AllureException("interrupted while allure generate ran", e);
        }
        if (!done) {
            p.destroyForcibly();
            throw new AllureException("allure generate did not finish in " + TIMEOUT_MINUTES + " minutes; see " + log);
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(reportDir.resolve("index.html"))) {
            throw new AllureException("allure generate failed (exit " + p.exitValue() + "): " + lastLine(log) + "; see " + log);
        }
    }

    static boolean isHome(Path home) {
        Path lib = home.resolve("lib");
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (Stream<Path> s = Files.list(lib)) {
            return s.anyMatch(f -> {
                String n = f.getFileName().toString();
                return n.startsWith("allure-commandline-") && n.endsWith(".jar");
            });
        } catch (IOException e) {
            return false;
        }
    }

    private static Path root() {
        String r = System.getProperty("lockstep.root");
        if (r == null || r.isBlank()) {
            r = System.getenv("LOCKSTEP_ROOT");
        }
        return r == null || r.isBlank() ? null : Path.of(r);
    }

    private static Path localRepository() {
        String r = System.getProperty("maven.repo.local");
        return r != null && !r.isBlank() ? Path.of(r) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Unpacks the zip into {@code into}, all-or-nothing; returns {@code into/allure-VERSION}. */
    static Path unpack(Path zip, Path into) throws IOException {
        Files.createDirectories(into);
        Path target = into.resolve("allure-" + VERSION);
        if (isHome(target)) {
            return target;
        }
        Path temp = into.resolve(".unpack-" + UUID.randomUUID());
        try {
            try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
                for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                    Path out = temp.resolve(e.getName()).normalize();
                    if (!out.startsWith(temp)) {
                        throw new IOException("zip entry outside the archive's directory: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(out);
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(z, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Path unpacked = temp.resolve("allure-" + VERSION);
            if (!isHome(unpacked)) {
                throw new IOException("the zip does not hold allure-" + VERSION + "/lib");
            }
            try {
                Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!isHome(target)) { // another process may have won the race
                    throw e;
                }
            }
            return target;
        } finally {
            deleteTree(temp);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).strip();
                if (!l.isEmpty() && !l.contains(" DEBUG ")) {
                    return Svg.abbreviate(l, 200);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // fall through
        }
        return "no output";
    }

    private static String loadVersion() {
        try (InputStream in = AllureCommandline.class.getResourceAsStream("allure-commandline.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "");
            // Unfiltered (built without Maven): the version the pom names.
            return v.isBlank() || v.startsWith("${") ? "2.34.1" : v.strip();
        } catch (IOException e) {
            return "2.34.1";
        }
    }
}
