// Lays out the functional coverage bins of summary.json as grids: group x situation x size.
package dev.lockstep.reports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The coverage bins of a campaign, {@code "bin:<group>/<situation>/<size>"} keys of summary.json's
 * {@code coverage} with their hit counts, laid out as one grid per group: rows are situations,
 * columns are sizes.
 *
 * <ul>
 *   <li>Groups are in alphabetical order, and so are rows.</li>
 *   <li>Columns are sizes in increasing byte order (4K, 16K, 64K, 2M, 32M, 512M, 1G, ...), then
 *   other words (e.g. {@code L0}..{@code L3}, {@code other}) in alphabetical order.</li>
 *   <li>A key with only two parts ({@code bin:prot/R|W}) has its one column, {@link #ALL}; a key
 *   with more than three has its middle parts joined with {@code /} as the situation.</li>
 *   <li>A cell with no bin is {@link Grid#ABSENT}; summary.json lists only bins that were hit, so an
 *   empty cell is a bin never hit or a combination that is not a bin.</li>
 * </ul>
 *
 * @param grids one grid per group
 */
public record CoverageHeatMap(List<Grid> grids) {

    /** Prefix of bin keys in summary.json's coverage. */
    public static final String PREFIX = "bin:";

    /** The column of bins without a size. */
    public static final String ALL = "all";

    private static final Pattern SIZE = Pattern.compile("(\\d+)([KMGTP])", Pattern.CASE_INSENSITIVE);

    public CoverageHeatMap {
        grids = List.copyOf(grids);
    }

    /**
     * One group's grid.
     *
     * @param group   the group, e.g. {@code map}
     * @param rows    situations, top to bottom
     * @param columns sizes, left to right
     * @param counts  counts[row][column], {@link #ABSENT} where there is no bin
     */
    public record Grid(String group, List<String> rows, List<String> columns, long[][] counts) {
        /** A cell without a bin. */
        public static final long ABSENT = -1;

        public Grid {
            rows = List.copyOf(rows);
            columns = List.copyOf(columns);
            Objects.requireNonNull(counts, "counts");
        }

        /** The count at (situation, size), or {@link #ABSENT}. */
        public long count(String row, String column) {
            int r = rows.indexOf(row);
            int c = columns.indexOf(column);
            return r < 0 || c < 0 ? ABSENT : counts[r][c];
        }

        /** The number of bins (cells that are not absent). */
        public int bins() {
            int n = 0;
            for (long[] row : counts) {
                for (long v : row) {
                    n += v == ABSENT ? 0 : 1;
                }
            }
            return n;
        }

        /** The largest count, 0 if there is none. */
        public long max() {
            long m = 0;
            for (long[] row : counts) {
                for (long v : row) {
                    m = Math.max(m, v);
                }
            }
            return m;
        }
    }

    /** The grids of {@code coverage}; keys not starting with {@link #PREFIX} are ignored. */
    public static CoverageHeatMap of(Map<String, Long> coverage) {
        Map<String, Map<String, Map<String, Long>>> groups = new LinkedHashMap<>();
        new TreeSet<>(coverage.keySet()).forEach(key -> {
            if (!key.startsWith(PREFIX)) {
                return;
            }
            String[] parts = key.substring(PREFIX.length()).split("/", -1);
            String group;
            String row;
            String col;
            if (parts.length == 1) {
                group = parts[0];
                row = "";
                col = ALL;
            } else if (parts.length == 2) {
                group = parts[0];
                row = parts[1];
                col = ALL;
            } else {
                group = parts[0];
                row = String.join("/", List.of(parts).subList(1, parts.length - 1));
                col = parts[parts.length - 1];
            }
            groups.computeIfAbsent(group, g -> new LinkedHashMap<>())
                    .computeIfAbsent(row, r -> new LinkedHashMap<>())
                    .put(col, coverage.get(key));
        });
        List<Grid> grids = new ArrayList<>();
        groups.forEach((group, rowsMap) -> {
            List<String> rows = new ArrayList<>(rowsMap.keySet());
            TreeSet<String> colSet = new TreeSet<>(COLUMN_ORDER);
            rowsMap.values().forEach(m -> colSet.addAll(m.keySet()));
            List<String> cols = new ArrayList<>(colSet);
            long[][] counts = new long[rows.size()][cols.size()];
            for (int r = 0; r < rows.size(); r++) {
                for (int c = 0; c < cols.size(); c++) {
                    Long v = rowsMap.get(rows.get(r)).get(cols.get(c));
                    counts[r][c] = v == null ? Grid.ABSENT : v;
                }
            }
            grids.add(new Grid(group, rows, cols, counts));
        });
        return new CoverageHeatMap(grids);
    }

    /** Sizes by bytes first, then the other column names alphabetically. */
    static final Comparator<String> COLUMN_ORDER = (a, b) -> {
        long x = bytes(a);
        long y = bytes(b);
        if (x >= 0 && y >= 0) {
            return x != y ? Long.compare(x, y) : a.compareTo(b);
        }
        if (x >= 0 || y >= 0) {
            return x >= 0 ? -1 : 1;
        }
        return a.compareTo(b);
    };

    /** 4K -> 4096, 2M -> 2097152; -1 if {@code s} is not a size. */
    static long bytes(String s) {
        Matcher m = SIZE.matcher(s);
        if (!m.matches() || m.group(1).length() > 6) {
            return -1;
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 50;
        };
        return Long.parseLong(m.group(1)) << shift;
    }
}
