package dev.lockstep.models.rtkit;

import java.util.List;
import java.util.Objects;

/** The outcome of parsing a crash log: every section up to the closing 'CLHE', or where and why it is malformed. */
public sealed interface CrashlogParse permits CrashlogParse.Parsed, CrashlogParse.Malformed {

    /** The log header (0x20 bytes: 'CLHE', version, size, flags, 16 bytes of padding). */
    record Header(int version, long size, int flags) {
    }

    /**
     * @param end the offset of the closing 'CLHE' section
     */
    record Parsed(Header header, List<CrashlogSection> sections, int end) implements CrashlogParse {
        public Parsed {
            Objects.requireNonNull(header, "header");
            sections = List.copyOf(sections);
        }
    }

    /** The log breaks its format at byte {@code offset}. */
    record Malformed(int offset, String reason) implements CrashlogParse {
        public Malformed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
