// The page-table walk of a semantic finding, read back from its detail text.
package dev.lockstep.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One walk as a semantic (depth 3) finding's detail prints it:
 *
 * <pre>
 * va 0xffe00238
 * contract: mapped by Mapping[..., pgsize=2097152, prot=R|CACHE|PRIV, split=false] -&gt; pa 0x47afce200238, ...
 * walk:     pa 0x47afce200238 via L2 BLOCK, Permissions[...], ...
 *   EL0 execute: expected denied, walk gives granted
 * walk steps (level, table, index, descriptor):
 *   L0 table 0x800000000 [0] = 0x0000000800001003  Table
 *   L2 table 0x800002000 [511] = 0x000047afce200f85  Block
 * </pre>
 *
 * <p>Parsing is tolerant: lines it does not know are ignored, and text without step lines has no
 * walk. {@link #divergingStep()} is the step where the contract and the walk part ways (see
 * {@link #parse(String, String)}).
 *
 * @param va            the virtual address walked, as printed, or {@code ""}
 * @param contract      what the contract promises for it (the text after {@code contract:}), or {@code ""}
 * @param walk          what the walk of the driver's tables gives (after {@code walk:}), or {@code ""}
 * @param mismatches    the differences, one per line, e.g. {@code EL0 execute: expected denied, walk gives granted}
 * @param steps         the descriptor fetches, outermost level first; never empty
 * @param divergingStep index into {@code steps} of the step where contract and walk part ways
 * @param why           one line saying how they part there
 */
public record PageTableWalk(String va, String contract, String walk, List<String> mismatches, List<Step> steps,
                            int divergingStep, String why) {

    /**
     * One descriptor fetch.
     *
     * @param level      the lookup level, 0..3 (-1 for stage 2's concatenated start level)
     * @param table      the table's base address, as printed
     * @param index      the index into the table
     * @param descriptor the descriptor's raw value, as printed
     * @param kind       what the descriptor is, e.g. {@code Table}, {@code Block}, {@code Page}, {@code Invalid}
     */
    public record Step(int level, String table, int index, String descriptor, String kind) {
    }

    private static final Pattern STEP = Pattern.compile(
            "^\\s*L(-?\\d+) table (0x[0-9a-fA-F]+) \\[(\\d+)\\] = (0x[0-9a-fA-F]+)(?:\\s+(\\S.*))?$");
    private static final Pattern MISMATCH = Pattern.compile("^\\s+(.+): expected (.*), walk gives (.*)$");
    private static final Pattern FAULT = Pattern.compile("fault at level (-?\\d+)");
    private static final Pattern VIA = Pattern.compile("via L(-?\\d+) ");
    private static final Pattern PGSIZE = Pattern.compile("pgsize=(\\d+)");

    public PageTableWalk {
        mismatches = List.copyOf(mismatches);
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a walk has at least one step");
        }
        if (divergingStep < 0 || divergingStep >= steps.size()) {
            throw new IllegalArgumentException("divergingStep out of range: " + divergingStep);
        }
    }

    /**
     * Every walk in {@code detail}, in order. A finding's detail holds the walk of the run that found
     * it and then, after "Detail of the minimised run:", the walk of the minimised reproducer.
     *
     * @param granule the campaign's granule (e.g. {@code 4k}), to tell at which level the contract
     *                expects the leaf; may be {@code ""}
     */
    public static List<PageTableWalk> parseAll(String detail, String granule) {
        List<PageTableWalk> walks = new ArrayList<>();
        Builder b = new Builder();
        for (String line : detail.split("\n")) {
            String l = line.stripTrailing();
            if (l.startsWith("va ")) {
                b.finish(granule).ifPresent(walks::add);
                b = new Builder();
                b.va = l.substring(3).strip();
            } else if (l.startsWith("contract:")) {
                if (!b.steps.isEmpty()) {
                    b.finish(granule).ifPresent(walks::add);
                    b = new Builder();
                }
                b.contract = l.substring("contract:".length()).strip();
            } else if (l.startsWith("walk:")) {
                b.walk = l.substring("walk:".length()).strip();
            } else {
                Matcher m = STEP.matcher(l);
                if (m.matches()) {
                    b.steps.add(new Step(Integer.parseInt(m.group(1)), m.group(2), Integer.parseInt(m.group(3)),
                            m.group(4), m.group(5) == null ? "" : m.group(5).strip()));
                    continue;
                }
                Matcher mm = MISMATCH.matcher(l);
                if (mm.matches() && b.steps.isEmpty()) {
                    b.mismatches.add(l.strip());
                }
            }
        }
        b.finish(granule).ifPresent(walks::add);
        return walks;
    }

    /** The last walk in {@code detail} (the minimised run's, when there are two), if there is one. */
    public static Optional<PageTableWalk> parse(String detail, String granule) {
        List<PageTableWalk> all = parseAll(detail, granule);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    private static final class Builder {
        String va = "";
        String contract = "";
        String walk = "";
        final List<String> mismatches = new ArrayList<>();
        final List<Step> steps = new ArrayList<>();

        Optional<PageTableWalk> finish(String granule) {
            if (steps.isEmpty()) {
                return Optional.empty();
            }
            int[] at = new int[1];
            String why = diverge(granule, at);
            return Optional.of(new PageTableWalk(va, contract, walk, mismatches, steps, at[0], why));
        }

        // Where the contract and the walk part ways:
        // - the walk faulted at level F where the contract maps something: the step at F;
        // - the contract maps nothing but the walk translates: the leaf (it should be invalid);
        // - both translate, but the contract's page size puts the leaf at level E and the walk ends at W:
        //   the step at min(E, W), where one of them has a table and the other a leaf;
        // - otherwise the leaf, whose attributes differ.
        private String diverge(String granule, int[] at) {
            int last = steps.size() - 1;
            at[0] = last;
            String mismatch = mismatches.isEmpty() ? "" : String.join("; ", mismatches);
            boolean contractMaps = contract.startsWith("mapped");
            Matcher fault = FAULT.matcher(walk);
            if (fault.find()) {
                int level = Integer.parseInt(fault.group(1));
                at[0] = indexOfLevel(level, last);
                return contractMaps ? "the walk faults at L" + level + " where the contract maps the address"
                        + (mismatch.isEmpty() ? "" : ": " + mismatch) : orMismatch(mismatch, "the walk faults at L" + level);
            }
            if (contract.startsWith("nothing mapped")) {
                return "the contract maps nothing here, but this descriptor is valid" + (mismatch.isEmpty() ? "" : ": " + mismatch);
            }
            int walkLeaf = steps.get(last).level();
            Matcher via = VIA.matcher(walk);
            if (via.find()) {
                walkLeaf = Integer.parseInt(via.group(1));
            }
            Matcher pg = PGSIZE.matcher(contract);
            if (pg.find() && !contract.contains("split=true")) {
                int expected = leafLevel(Long.parseLong(pg.group(1)), granule);
                if (expected >= 0 && expected != walkLeaf) {
                    int level = Math.min(expected, walkLeaf);
                    at[0] = indexOfLevel(level, last);
                    return "the contract puts the leaf at L" + expected + ", the walk at L" + walkLeaf
                            + (mismatch.isEmpty() ? "" : ": " + mismatch);
                }
            }
            at[0] = indexOfLevel(walkLeaf, last);
            return orMismatch(mismatch, "the leaf descriptor differs from what the contract promises");
        }

        private int indexOfLevel(int level, int fallback) {
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).level() == level) {
                    return i;
                }
            }
            return fallback;
        }

        private static String orMismatch(String mismatch, String otherwise) {
            return mismatch.isEmpty() ? otherwise : mismatch;
        }
    }

    /**
     * The level whose leaf maps {@code pgsize} bytes with {@code granule} (e.g. 2M with 4k: 2), or -1
     * if the granule is unknown or the size is not a leaf size of it.
     */
    static int leafLevel(long pgsize, String granule) {
        long g = switch (granule.strip().toLowerCase(Locale.ROOT)) {
            case "4k" -> 4096;
            case "16k" -> 16384;
            case "64k" -> 65536;
            default -> -1;
        };
        if (g < 0 || pgsize < g || Long.bitCount(pgsize) != 1) {
            return -1;
        }
        int gBits = Long.numberOfTrailingZeros(g);
        int perLevel = gBits - 3;
        int extra = Long.numberOfTrailingZeros(pgsize) - gBits;
        if (extra % perLevel != 0) {
            return -1;
        }
        int level = 3 - extra / perLevel;
        return level >= 0 ? level : -1;
    }
}
