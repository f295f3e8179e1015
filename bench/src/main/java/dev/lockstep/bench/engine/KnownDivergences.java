package dev.lockstep.bench.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The divergences the project has judged and accepted, each with its reason and source. A finding
 * whose title matches stays a finding, marked known: it is never silenced.
 *
 * <p>File format (known-divergences.ini at the top of the checkout): sections {@code [name]} with
 * {@code pattern = <regex on the title>}, {@code reason = ...}, {@code source = ...}.
 */
public final class KnownDivergences {
    public record Entry(String name, Pattern pattern, String reason, String source) {}

    private final List<Entry> entries;

    private KnownDivergences(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static KnownDivergences none() {
        return new KnownDivergences(List.of());
    }

    public static KnownDivergences load(Path file) throws IOException, KnownDivergencesException {
        List<Entry> out = new ArrayList<>();
        List<IniSections.Section> sections;
        try {
            sections = IniSections.read(file);
        } catch (IniSections.IniException e) {
            throw new KnownDivergencesException(e.getMessage());
        }
        for (IniSections.Section section : sections) {
            String pattern = null;
            String reason = null;
            String source = null;
            for (IniSections.Setting setting : section.settings()) {
                switch (setting.key()) {
                    case "pattern" -> pattern = setting.value();
                    case "reason" -> reason = setting.value();
                    case "source" -> source = setting.value();
                    default -> throw new KnownDivergencesException(file + " line " + setting.line() + ": unknown key '" + setting.key()
                            + "' (pattern, reason, source)");
                }
            }
            out.add(entry(file, section.line(), section.name(), pattern, reason, source));
        }
        return new KnownDivergences(out);
    }

    private static Entry entry(Path file, int line, String name, String pattern, String reason, String source)
            throws KnownDivergencesException {
        if (pattern == null || reason == null || source == null) {
            throw new KnownDivergencesException(file + " line " + line + ": entry [" + name
                    + "] needs pattern, reason and source: a known divergence without its reason is not accepted");
        }
        try {
            return new Entry(name, Pattern.compile(pattern), reason, source);
        } catch (PatternSyntaxException e) {
            throw new KnownDivergencesException(file + " line " + line + ": entry [" + name + "] has a bad pattern: " + e.getDescription());
        }
    }

    public Optional<Entry> match(String title) {
        return entries.stream().filter(e -> e.pattern().matcher(title).find()).findFirst();
    }

    public List<Entry> entries() {
        return entries;
    }

    /** A known-divergences file that cannot be used; one line naming the file, line and fix. */
    public static final class KnownDivergencesException extends Exception {
        public KnownDivergencesException(String message) {
            super(message);
        }
    }
}
