package dev.lockstep.bench.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sections of the project's hand-written lists (known-divergences.ini, known-driver-bugs.ini):
 * {@code [name]} lines, each followed by {@code key = value} lines; blank lines and lines starting
 * with {@code #} or {@code ;} are comments. What the keys mean is the reader's business; this only
 * keeps the line numbers so that every complaint can name the line to fix.
 */
public final class IniSections {
    public record Setting(String key, String value, int line) {
    }

    public record Section(String name, int line, List<Setting> settings) {
    }

    private IniSections() {
    }

    /**
     * Reads file. A line that is neither a section, a comment nor {@code key = value} (or a setting
     * before the first section) is refused with one line naming the file and the line.
     */
    public static List<Section> read(Path file) throws IOException, IniException {
        List<Section> out = new ArrayList<>();
        String name = null;
        int sectionLine = 0;
        List<Setting> settings = new ArrayList<>();
        int lineNo = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                if (name != null) {
                    out.add(new Section(name, sectionLine, List.copyOf(settings)));
                }
                name = line.substring(1, line.length() - 1).strip();
                sectionLine = lineNo;
                settings.clear();
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0 || name == null) {
                throw new IniException(file + " line " + lineNo + ": expected '[name]' or 'key = value'");
            }
            settings.add(new Setting(line.substring(0, eq).strip(), line.substring(eq + 1).strip(), lineNo));
        }
        if (name != null) {
            out.add(new Section(name, sectionLine, List.copyOf(settings)));
        }
        return out;
    }

    /** A list that cannot be used: one line naming the file, the line and what is wrong. */
    public static final class IniException extends Exception {
        public IniException(String message) {
            super(message);
        }
    }
}
