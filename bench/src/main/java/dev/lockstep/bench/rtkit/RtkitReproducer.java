package dev.lockstep.bench.rtkit;

import dev.lockstep.bench.engine.ReproducerFormatException;
import dev.lockstep.reports.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RTKit reproducer on disk: a magic line, the finding's title, the model options and the seed,
 * then one step per line (RtkitStep's text form). Readable, editable, replayable.
 */
public record RtkitReproducer(String title, Map<String, String> options, long seed, List<RtkitStep> steps) {
    public static final String MAGIC = "lockstep-rtkit-reproducer 1";

    public RtkitReproducer {
        options = Map.copyOf(new LinkedHashMap<>(options));
        steps = List.copyOf(steps);
    }

    public String text() {
        StringBuilder b = new StringBuilder(MAGIC).append('\n');
        b.append("title ").append(title).append('\n');
        new java.util.TreeMap<>(options).forEach((k, v) -> b.append("option ").append(k).append('=').append(v).append('\n'));
        b.append("seed ").append(seed).append('\n');
        b.append("# ").append(steps.size()).append(" steps, each one RTKIT frame: iop EP MSG0 | call FN [EP [MSG0]] | advance MS\n");
        steps.forEach(s -> b.append(s).append('\n'));
        return b.toString();
    }

    public void write(Path file) throws IOException {
        AtomicFiles.write(file, text().getBytes(StandardCharsets.UTF_8));
    }

    public static boolean looksLike(Path file) {
        try {
            List<String> l = Files.readAllLines(file, StandardCharsets.UTF_8);
            return !l.isEmpty() && l.get(0).equals(MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    public static RtkitReproducer read(Path file) throws IOException, ReproducerFormatException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    public static RtkitReproducer parse(String text, String where) throws ReproducerFormatException {
        String[] lines = text.split("\n", -1);
        if (lines.length == 0 || !lines[0].trim().equals(MAGIC)) {
            throw new ReproducerFormatException(where + ": not an RTKit reproducer (the first line must be '" + MAGIC + "')");
        }
        String title = "";
        long seed = 0;
        Map<String, String> options = new LinkedHashMap<>();
        List<RtkitStep> steps = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i].trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                if (l.startsWith("title ")) {
                    title = l.substring(6);
                } else if (l.startsWith("option ")) {
                    String a = l.substring(7);
                    int eq = a.indexOf('=');
                    if (eq < 0) {
                        throw new IllegalArgumentException("option is name=value: '" + l + "'");
                    }
                    options.put(a.substring(0, eq), a.substring(eq + 1));
                } else if (l.startsWith("seed ")) {
                    seed = Long.parseLong(l.substring(5).trim());
                } else {
                    steps.add(RtkitStep.parse(l));
                }
            } catch (IllegalArgumentException e) {
                throw new ReproducerFormatException(where + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new RtkitReproducer(title, options, seed, steps);
    }
}
