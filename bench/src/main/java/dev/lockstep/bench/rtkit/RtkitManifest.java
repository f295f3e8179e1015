package dev.lockstep.bench.rtkit;

import dev.lockstep.bench.engine.ReproducerFormatException;
import dev.lockstep.bench.engine.RunManifest;
import dev.lockstep.models.rtkit.RtkitOptions;
import dev.lockstep.reports.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * An RTKit campaign's settings and how its target was reached, kept as campaign.properties (the
 * page-table campaigns' file, with {@code format=rtkit}) so that `lockstep fuzz --resume DIR` goes
 * on with the same seed, budget and model options without the user repeating the command line.
 * The model options are stored in full (every option's value), so a resumed run judges with the
 * model the campaign started with even if a default changes in between.
 */
public record RtkitManifest(RtkitCampaign.Settings settings, Map<String, String> target) {
    /** The {@code format} property of an RTKit campaign's manifest. */
    public static final String FORMAT = "rtkit";
    private static final long NO_LIMIT = 0;

    public RtkitManifest {
        settings = new RtkitCampaign.Settings(settings.seed(), settings.maxSteps(), settings.duration(),
                List.copyOf(settings.modelOptions()));
        target = Map.copyOf(new LinkedHashMap<>(target));
    }

    public void store(Path dir) throws IOException {
        RtkitOptions options = RtkitOptions.defaults();
        for (String o : settings.modelOptions()) {
            options = options.with(o);
        }
        Map<String, String> p = new TreeMap<>();
        p.put("format", FORMAT);
        p.put("seed", Long.toString(settings.seed()));
        p.put("max_steps", Long.toString(settings.maxSteps() == Long.MAX_VALUE ? NO_LIMIT : settings.maxSteps()));
        p.put("max_seconds", Long.toString(settings.duration().compareTo(Duration.ofDays(365)) >= 0 ? NO_LIMIT
                : settings.duration().toSeconds()));
        p.put("command", RtkitCampaign.command(settings));
        options.asMap().forEach((k, v) -> p.put("option." + k, v));
        target.forEach((k, v) -> p.put("target." + k, v));
        Properties props = new Properties();
        props.putAll(p);
        StringWriter w = new StringWriter();
        props.store(w, "Lockstep RTKit campaign: resume with ./lockstep fuzz --resume " + dir);
        AtomicFiles.write(dir.resolve(RunManifest.FILE), w.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code dir} holds the manifest of an RTKit campaign (then {@link #load} reads it, not RunManifest). */
    public static boolean describes(Path dir) {
        Path file = dir.resolve(RunManifest.FILE);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            return FORMAT.equals(p.getProperty("format"));
        } catch (IOException | IllegalArgumentException e) {
            return false;   // RunManifest.load names what is wrong with it
        }
    }

    /** Reads a run directory's RTKit manifest; the message of the exception is one line naming the fix. */
    public static RtkitManifest load(Path dir) throws ReproducerFormatException {
        Path file = dir.resolve(RunManifest.FILE);
        if (!Files.isRegularFile(file)) {
            throw new ReproducerFormatException(dir + ": no " + RunManifest.FILE + "; is it a directory a Lockstep campaign wrote?");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ReproducerFormatException(file + ": unreadable (" + e.getMessage() + "); the file is damaged");
        }
        try {
            if (!FORMAT.equals(p.getProperty("format"))) {
                throw new IllegalArgumentException("format is " + p.getProperty("format") + ", not " + FORMAT);
            }
            List<String> options = new ArrayList<>();
            Map<String, String> target = new LinkedHashMap<>();
            RtkitOptions check = RtkitOptions.defaults();
            for (String k : new TreeMap<>(p).keySet().stream().map(Object::toString).toList()) {
                if (k.startsWith("option.")) {
                    String o = k.substring(7) + "=" + p.getProperty(k);
                    check = check.with(o);
                    options.add(o);
                } else if (k.startsWith("target.")) {
                    target.put(k.substring(7), p.getProperty(k));
                }
            }
            long steps = Long.parseLong(req(p, "max_steps"));
            long seconds = Long.parseLong(req(p, "max_seconds"));
            if (steps < 0 || seconds < 0) {
                throw new IllegalArgumentException("max_steps and max_seconds must not be negative");
            }
            return new RtkitManifest(new RtkitCampaign.Settings(Long.parseLong(req(p, "seed")), steps == NO_LIMIT ? Long.MAX_VALUE : steps,
                    seconds == NO_LIMIT ? Duration.ofDays(365) : Duration.ofSeconds(seconds), options), target);
        } catch (RuntimeException e) {
            throw new ReproducerFormatException(file + ": " + e.getMessage() + "; the file is damaged or from another Lockstep version");
        }
    }

    private static String req(Properties p, String key) {
        return dev.lockstep.bench.engine.RunManifest.req(p, key);
    }
}
