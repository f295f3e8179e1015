// Thrown when a results file cannot be read; its message is the one line a user needs to see.
package dev.lockstep.reports;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A results file that could not be read: missing, damaged, not a Lockstep file, or from another
 * schema version.
 *
 * <p>The message is one line, {@code "<file>: <what is wrong>; <what to do>"}, fit to print as it
 * is, e.g. {@code "summary.json: truncated JSON at line 3; the file is damaged"}.
 */
public final class ResultFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param file    the file, as the user named it
     * @param problem what is wrong and what to do; line breaks in it are replaced by spaces
     */
    public ResultFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    public ResultFormatException(Path file, String problem, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + oneLine(Objects.requireNonNull(problem, "problem")), cause);
        this.file = file;
    }

    /** The file that could not be read. */
    public Path file() {
        return file;
    }

    // A CLI prints the message as a single line; a stray line break from a parser's message
    // or from the file's own text would make it two.
    static String oneLine(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> sb.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
        return sb.toString().replaceAll(" {2,}", " ").strip();
    }
}
