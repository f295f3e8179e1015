package dev.lockstep.bench.engine;

import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.reports.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Everything needed to start a campaign again: its settings and how its target was reached, kept
 * as campaign.properties in the run directory. `lockstep fuzz --resume DIR` reads it, so a killed
 * run goes on with the same configuration without the user repeating the command line.
 */
public record RunManifest(CampaignSettings settings, Map<String, String> target) {
    public static final String FILE = "campaign.properties";

    public void store(Path dir) throws IOException {
        Map<String, String> p = new TreeMap<>();
        PgtableConfig c = settings.config();
        p.put("format", c.format().cliName());
        p.put("granule", c.granule().label());
        p.put("ias", Integer.toString(c.ias()));
        p.put("oas", Integer.toString(c.oas()));
        p.put("quirks", Long.toString(c.quirks()));
        p.put("coherent_walk", Boolean.toString(c.coherentWalk()));
        p.put("seed", Long.toString(settings.seed()));
        p.put("max_ops", Long.toString(settings.maxOps()));
        p.put("max_seconds", Long.toString(settings.maxSeconds()));
        p.put("batch", Integer.toString(settings.batch()));
        p.put("misuse_rate", Double.toString(settings.misuseRate()));
        p.put("shrink_attempts", Integer.toString(settings.shrinkAttempts()));
        p.put("shrink_millis", Long.toString(settings.shrinkMillis()));
        p.put("command", settings.command());
        // The first format's options (a campaign over several keeps the others' in config-space.txt).
        settings.options().forFormat(c.format()).effective(c.format()).forEach((k, v) -> p.put("option." + k, v));
        target.forEach((k, v) -> p.put("target." + k, v));
        Properties props = new Properties();
        props.putAll(p);
        StringWriter w = new StringWriter();
        props.store(w, "Lockstep campaign: resume with ./lockstep fuzz --resume " + dir);
        AtomicFiles.write(dir.resolve(FILE), w.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a run directory's manifest; the message of the exception is one line naming the fix. */
    public static RunManifest load(Path dir) throws ReproducerFormatException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new ReproducerFormatException(dir + ": no " + FILE + "; is it a directory a Lockstep campaign wrote?");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ReproducerFormatException(file + ": unreadable (" + e.getMessage() + "); the file is damaged");
        }
        try {
            PgtableFormat fmt = PgtableFormat.byName(req(p, "format"))
                    .orElseThrow(() -> new IllegalArgumentException("unknown format " + p.getProperty("format")));
            PgtableConfig cfg = new PgtableConfig(fmt, Reproducer.granule(req(p, "granule")), Integer.parseInt(req(p, "ias")),
                    Integer.parseInt(req(p, "oas")), Long.parseLong(p.getProperty("quirks", "0")),
                    Boolean.parseBoolean(p.getProperty("coherent_walk", "true")));
            ModelOptions options = ModelOptions.none();
            Map<String, String> target = new LinkedHashMap<>();
            for (String k : new TreeMap<>(p).keySet().stream().map(Object::toString).toList()) {
                if (k.startsWith("option.")) {
                    options = options.with(k.substring(7) + "=" + p.getProperty(k));
                } else if (k.startsWith("target.")) {
                    target.put(k.substring(7), p.getProperty(k));
                }
            }
            CampaignSettings s = new CampaignSettings(cfg, options, Long.parseLong(req(p, "seed")), Long.parseLong(req(p, "max_ops")),
                    Long.parseLong(req(p, "max_seconds")), Integer.parseInt(req(p, "batch")), Double.parseDouble(req(p, "misuse_rate")),
                    Integer.parseInt(req(p, "shrink_attempts")), Long.parseLong(req(p, "shrink_millis")), dir, req(p, "command"));
            return new RunManifest(s, target);
        } catch (RuntimeException e) {
            throw new ReproducerFormatException(file + ": " + e.getMessage() + "; the file is damaged or from another Lockstep version");
        }
    }

    /** The value of a key a manifest must have; IllegalArgumentException naming it otherwise. */
    public static String req(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v;
    }
}
