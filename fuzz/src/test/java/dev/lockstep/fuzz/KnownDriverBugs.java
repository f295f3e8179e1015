package dev.lockstep.fuzz;

import dev.lockstep.bench.engine.IniSections;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The allowlist of driver bugs a through-the-link fuzz target must not stop on again: bugs the
 * project found, explained from the driver's source and left for upstream (known-driver-bugs.ini at
 * the top of the checkout). Without it a fuzzer stops at once on the first one it meets again.
 *
 * <p>Format, as known-divergences.ini: sections {@code [name]}, each with one or more {@code title =}
 * lines (a finding title, matched exactly) and {@code crash =} lines (a crash signature, see
 * {@link CrashSignature}, matched exactly), and one {@code reason =} and {@code source =}. A crash
 * is never accepted by its title ("the agent crashes on syslog Log" says nothing of where it
 * crashed): a title line naming a crash or hang is refused, so only a signature lets one through.
 */
final class KnownDriverBugs {
    /** One bug: the titles and crash signatures it shows as, and why it is accepted. */
    record Entry(String name, List<String> titles, List<String> crashes, String reason, String source, int line) {
    }

    private final Path file;
    private final Map<String, Entry> byTitle;
    private final Map<String, Entry> byCrash;
    private final List<Entry> entries;

    private KnownDriverBugs(Path file, List<Entry> entries) {
        this.file = file;
        this.entries = List.copyOf(entries);
        this.byTitle = new HashMap<>();
        this.byCrash = new HashMap<>();
        for (Entry e : entries) {
            e.titles().forEach(t -> byTitle.put(t, e));
            e.crashes().forEach(c -> byCrash.put(c, e));
        }
    }

    /**
     * Reads an allowlist.
     *
     * @throws IllegalArgumentException with one line naming the file, the line and what is wrong
     */
    static KnownDriverBugs load(Path file) throws IOException {
        List<IniSections.Section> sections;
        try {
            sections = IniSections.read(file);
        } catch (IniSections.IniException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        List<Entry> out = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (IniSections.Section section : sections) {
            Section s = new Section(section.name(), section.line());
            for (IniSections.Setting setting : section.settings()) {
                String key = setting.key();
                String value = setting.value();
                int lineNo = setting.line();
                if (value.isEmpty()) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": '" + key + "' has no value");
                }
                switch (key) {
                    case "title" -> {
                        if (value.contains("the agent crashes on") || value.contains("the agent hangs on")) {
                            throw new IllegalArgumentException(file + " line " + lineNo + ": a crash or hang is listed by its "
                                    + "signature (crash = LABEL: SIGNAL in FUNCTION (FILE:LINE)), not by its title");
                        }
                        s.titles.add(value);
                    }
                    case "crash" -> s.crashes.add(value);
                    case "reason" -> s.reason = value;
                    case "source" -> s.source = value;
                    default -> throw new IllegalArgumentException(file + " line " + lineNo + ": unknown key '" + key
                            + "' (title, crash, reason, source)");
                }
                if (key.equals("title") || key.equals("crash")) {
                    String before = seen.putIfAbsent(key + " " + value, s.name);
                    if (before != null) {
                        throw new IllegalArgumentException(file + " line " + lineNo + ": " + key + " '" + value
                                + "' is listed already, under [" + before + "]");
                    }
                }
            }
            out.add(s.entry(file));
        }
        return new KnownDriverBugs(file, out);
    }

    /** The entry that lists this finding title exactly (never a crash: see {@link #matchCrash}). */
    Optional<Entry> matchTitle(String title) {
        return Optional.ofNullable(byTitle.get(title));
    }

    /** The entry that lists this crash signature exactly. */
    Optional<Entry> matchCrash(String signature) {
        return Optional.ofNullable(byCrash.get(signature));
    }

    List<Entry> entries() {
        return entries;
    }

    Path file() {
        return file;
    }

    /** A section being read. */
    private static final class Section {
        final String name;
        final int line;
        final List<String> titles = new ArrayList<>();
        final List<String> crashes = new ArrayList<>();
        String reason;
        String source;

        Section(String name, int line) {
            this.name = name;
            this.line = line;
        }

        Entry entry(Path file) {
            if (reason == null || source == null) {
                throw new IllegalArgumentException(file + " line " + line + ": entry [" + name
                        + "] needs a reason and a source: a driver bug is accepted only with its explanation");
            }
            if (titles.isEmpty() && crashes.isEmpty()) {
                throw new IllegalArgumentException(file + " line " + line + ": entry [" + name
                        + "] lists no title and no crash, so it accepts nothing");
            }
            return new Entry(name, List.copyOf(titles), List.copyOf(crashes), reason, source, line);
        }
    }
}
