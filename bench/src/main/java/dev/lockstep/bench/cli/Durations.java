package dev.lockstep.bench.cli;

import picocli.CommandLine;

/** Parses "500ms", "60s", "10m", "2h" (a bare number is seconds) into milliseconds. */
final class Durations implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        return parseMillis(value);
    }

    static long parseMillis(String value) {
        String v = value.trim().toLowerCase();
        try {
            if (v.endsWith("ms")) return Long.parseLong(v.substring(0, v.length() - 2));
            if (v.endsWith("s")) return Long.parseLong(v.substring(0, v.length() - 1)) * 1000;
            if (v.endsWith("m")) return Long.parseLong(v.substring(0, v.length() - 1)) * 60_000;
            if (v.endsWith("h")) return Long.parseLong(v.substring(0, v.length() - 1)) * 3_600_000;
            return Long.parseLong(v) * 1000;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration; write it like 90s, 10m or 2h");
        }
    }
}
