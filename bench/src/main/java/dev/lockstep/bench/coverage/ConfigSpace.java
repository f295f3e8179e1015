package dev.lockstep.bench.coverage;

import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Quirk;
import dev.lockstep.models.vmsa.Granule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The ALLOC parameters a campaign's cases may be created with: one base configuration per format
 * the user named, and the dimensions along which a case may leave its base (granule, input size,
 * output size, coherent walk, quirks). Each case is one point of the space and is judged by the
 * model for exactly that point. A dimension is a set of values per format.
 *
 * <p>The quirks a case may draw are the combinations of those include/linux/io-pgtable.h
 * documents for its format and the model says the format must accept ({@link
 * Quirk#documentedFor}, not {@link Quirk#mayBeRefused}: a refused alloc judges nothing), and
 * ARM_OUTER_WBWA only with a non-coherent walk, the walker the header documents it for.
 *
 * <p>The values are the ones the model accepts as a configuration and the hardware can express:
 * every input size in the format's range (TxSZ takes any), but only the output sizes an IPS/PS
 * field encodes (Arm ARM, TCR_ELx.IPS and VTCR_EL2.PS: 32, 36, 40, 42, 44, 48 and 52 bits) or,
 * for DART, the widths the fact sheet names (36 bits on t8103, 42 on t6000); and of those only the
 * ones that reach the target's table memory ({@code tablesEnd}, the physical address past it): a
 * walk faults on a table the output size cannot address, so with a smaller one every case would
 * judge the harness, not the driver.
 *
 * <p>{@code options} are the model options the user gave: a case of a format other than the first
 * is judged with those its model knows (a resumed campaign's manifest holds only the first
 * format's options in effect, whose defaults are not another format's).
 */
public record ConfigSpace(List<PgtableConfig> bases, Set<Dimension> vary, ModelOptions options, long tablesEnd) {

    /** A parameter of alloc_io_pgtable_ops a case may vary. */
    public enum Dimension {
        GRANULE("granule"),
        IAS("ias"),
        OAS("oas"),
        WALK("walk"),
        QUIRKS("quirks");

        private final String cliName;

        Dimension(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        /** Every value of this dimension the format allows, as it would appear in a configuration. */
        List<Integer> values(PgtableFormat f, long tablesEnd) {
            return switch (this) {
                case GRANULE -> f.granules().stream().map(Granule::shift).toList();
                case IAS -> range(f.minIas(), f.maxIas());
                case OAS -> Arrays.stream(outputSizes(f)).filter(b -> b >= f.minOas() && b <= f.maxOas())
                        .filter(b -> b >= 63 || Long.compareUnsigned(tablesEnd, 1L << b) <= 0).boxed().toList();
                case WALK -> List.of(1, 0);
                case QUIRKS -> quirkSets(f);
            };
        }

        int valueOf(PgtableConfig c) {
            return switch (this) {
                case GRANULE -> c.granule().shift();
                case IAS -> c.ias();
                case OAS -> c.oas();
                case WALK -> c.coherentWalk() ? 1 : 0;
                case QUIRKS -> (int) c.quirks();
            };
        }

        /**
         * The configuration with this dimension set to v, or empty when the model would not accept
         * it or it pairs ARM_OUTER_WBWA with a coherent walk.
         */
        Optional<PgtableConfig> with(PgtableConfig c, int v) {
            try {
                PgtableConfig n = switch (this) {
                    case GRANULE -> new PgtableConfig(c.format(), granuleOf(v), c.ias(), c.oas(), c.quirks(), c.coherentWalk());
                    case IAS -> new PgtableConfig(c.format(), c.granule(), v, c.oas(), c.quirks(), c.coherentWalk());
                    case OAS -> new PgtableConfig(c.format(), c.granule(), c.ias(), v, c.quirks(), c.coherentWalk());
                    case WALK -> new PgtableConfig(c.format(), c.granule(), c.ias(), c.oas(), c.quirks(), v != 0);
                    case QUIRKS -> new PgtableConfig(c.format(), c.granule(), c.ias(), c.oas(), v, c.coherentWalk());
                };
                return (this == WALK || this == QUIRKS) && !documentedWalk(n) ? Optional.empty() : Optional.of(n);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        public static Optional<Dimension> byName(String name) {
            return Arrays.stream(values()).filter(d -> d.cliName.equalsIgnoreCase(name)).findFirst();
        }
    }

    public ConfigSpace(List<PgtableConfig> bases, Set<Dimension> vary) {
        this(bases, vary, ModelOptions.none(), 0);
    }

    public ConfigSpace(List<PgtableConfig> bases, Set<Dimension> vary, ModelOptions options) {
        this(bases, vary, options, 0);
    }

    public ConfigSpace {
        if (bases.isEmpty()) {
            throw new IllegalArgumentException("a configuration space needs at least one format");
        }
        bases = List.copyOf(bases);
        vary = vary.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(vary));
    }

    /** The same space for a target whose table memory ends (exclusively) at tablesEnd. */
    public ConfigSpace forTables(long tablesEnd) {
        return new ConfigSpace(bases, vary, options, tablesEnd);
    }

    /** The space of one configuration: every case is created with it. */
    public static ConfigSpace of(PgtableConfig config) {
        return new ConfigSpace(List.of(config), Set.of());
    }

    /** Whether every case uses the same configuration (nothing to choose). */
    public boolean single() {
        return bases.size() == 1 && vary.isEmpty();
    }

    /** The configuration the campaign is named after: the first format's base. */
    public PgtableConfig primary() {
        return bases.get(0);
    }

    /**
     * A point drawn uniformly: a format, then each varied dimension independently (the quirks
     * among the sets the walk drawn before them allows).
     */
    public PgtableConfig draw(SplittableRandom r) {
        PgtableConfig c = bases.get(r.nextInt(bases.size()));
        for (Dimension d : ordered()) {
            List<Integer> values = d.values(c.format(), tablesEnd);
            if (d == Dimension.QUIRKS) {
                PgtableConfig at = c;
                values = values.stream().filter(v -> d.with(at, v).isPresent()).toList();
            }
            if (!values.isEmpty()) {
                c = d.with(c, values.get(r.nextInt(values.size()))).orElse(c);
            }
        }
        return c;
    }

    /**
     * A neighbour of c: the same point with one parameter changed (another format, keeping what
     * of c that format accepts, or another value of one varied dimension); c itself when the space
     * has no other point.
     */
    public PgtableConfig neighbour(PgtableConfig c, SplittableRandom r) {
        // Only parameters with another value for this format are choices.
        List<Dimension> open = ordered().stream().filter(d -> d.values(c.format(), tablesEnd).stream().anyMatch(v -> v != d.valueOf(c))).toList();
        int choices = open.size() + (bases.size() > 1 ? 1 : 0);
        if (choices == 0) {
            return c;
        }
        int pick = r.nextInt(choices);
        if (pick == open.size()) {
            List<PgtableConfig> others = bases.stream().filter(b -> b.format() != c.format()).toList();
            PgtableConfig n = others.get(r.nextInt(others.size()));
            for (Dimension d : ordered()) {
                if (d.values(n.format(), tablesEnd).contains(d.valueOf(c))) {
                    n = d.with(n, d.valueOf(c)).orElse(n);
                }
            }
            return n;
        }
        Dimension d = open.get(pick);
        List<Integer> values = new ArrayList<>(d.values(c.format(), tablesEnd));
        values.remove(Integer.valueOf(d.valueOf(c)));
        while (!values.isEmpty()) {
            Optional<PgtableConfig> n = d.with(c, values.remove(r.nextInt(values.size())));
            if (n.isPresent()) {
                return n.get();
            }
        }
        return c;
    }

    /**
     * The pairs of this space c touches: its format with each varied parameter's value
     * ("dart2 oas=42"). A campaign that has tried every pair has tried each parameter value with
     * each format, which is where alloc-time code differs.
     *
     * <p>The input size is named by what it makes of the walk, not by its value: twenty-odd sizes
     * give a handful of start-level tables (see {@link #topTable}), and a pair per size would have
     * a guided campaign try sizes that change nothing before it tries the granule and start level
     * that change the code.
     */
    public List<String> pairs(PgtableConfig c) {
        List<String> out = new ArrayList<>();
        out.add(c.format().cliName());
        for (Dimension d : ordered()) {
            if (d == Dimension.QUIRKS) {
                // Each quirk is its own code in the driver, so each is a pair, whatever it comes with.
                List<Quirk> qs = Quirk.of(c.quirks());
                if (qs.isEmpty()) {
                    out.add(c.format().cliName() + " quirks=none");
                }
                qs.forEach(q -> out.add(c.format().cliName() + " " + q.cliName()));
                continue;
            }
            out.add(c.format().cliName() + " " + (d == Dimension.IAS ? topTable(c) : d.cliName() + "=" + d.valueOf(c)));
        }
        return out;
    }

    /**
     * The table a walk of c starts at, as the architecture derives it from the granule and the
     * input size (Arm ARM, the initial lookup level for a TxSZ): its level, and whether it is a full
     * table, a few entries (at most 16, what a stage-2 walk may instead concatenate at the next
     * level) or another part of one. A driver's alloc-time choices and its chunking at the top
     * level differ between these, not between input sizes that give the same table.
     */
    static String topTable(PgtableConfig c) {
        int level = c.ruleStartLevel();
        int bits = c.ias() - Long.numberOfTrailingZeros(c.granule().blockSize(level));
        String entries = bits >= c.granule().bitsPerLevel() ? "full" : bits <= 4 ? "few" : "part";
        return "granule=" + c.granule().shift() + " start=" + level + " top=" + entries;
    }

    /** Whether c is a point of this space (a corpus case from another campaign may not be). */
    public boolean contains(PgtableConfig c) {
        Optional<PgtableConfig> base = bases.stream().filter(b -> b.format() == c.format()).findFirst();
        if (base.isEmpty() || vary.contains(Dimension.QUIRKS) && !documentedWalk(c)) {
            return false;
        }
        for (Dimension d : Dimension.values()) {
            boolean ok = vary.contains(d) ? d.values(c.format(), tablesEnd).contains(d.valueOf(c)) : d.valueOf(c) == d.valueOf(base.get());
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** One configuration per format and granule the space reaches: enough to enumerate its coverage bins. */
    public List<PgtableConfig> representatives() {
        Set<PgtableConfig> out = new LinkedHashSet<>();
        for (PgtableConfig b : bases) {
            if (vary.contains(Dimension.GRANULE)) {
                for (int shift : Dimension.GRANULE.values(b.format(), tablesEnd)) {
                    Dimension.GRANULE.with(b, shift).ifPresent(out::add);
                }
            } else {
                out.add(b);
            }
        }
        return List.copyOf(out);
    }

    /** "arm64-lpae-s1,dart varying granule,walk": for the command line and the console. */
    public String describe() {
        String formats = bases.stream().map(b -> b.format().cliName()).collect(Collectors.joining(","));
        return vary.isEmpty() ? formats : formats + " varying " + ordered().stream().map(Dimension::cliName).collect(Collectors.joining(","));
    }

    /** The --vary argument that gives this space's dimensions, or "" for none. */
    public String varyArgument() {
        return ordered().stream().map(Dimension::cliName).collect(Collectors.joining(","));
    }

    private List<Dimension> ordered() {
        return Arrays.stream(Dimension.values()).filter(vary::contains).toList();
    }

    /**
     * Parses --vary: a comma list of granule, ias, oas, walk, quirks, or "all", or "none". The
     * message of the exception is the one line the user sees.
     */
    public static Set<Dimension> parseVary(String text) {
        Set<Dimension> out = EnumSet.noneOf(Dimension.class);
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            if (p.equals("all")) {
                out.addAll(EnumSet.allOf(Dimension.class));
                continue;
            }
            if (p.equals("none")) {
                continue;
            }
            out.add(Dimension.byName(p).orElseThrow(() -> new IllegalArgumentException("--vary " + text + ": unknown parameter '" + part.strip()
                    + "'; use granule, ias, oas, walk, quirks, all or none")));
        }
        return out;
    }

    /** Keeps the space beside a campaign's results, so --resume draws from the same one. */
    public void store(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("# The ALLOC parameters this campaign's cases are drawn from (lockstep fuzz --format/--vary).\n");
        for (PgtableConfig b : bases) {
            sb.append(String.format("base %s %s %d %d %d%n", b.format().cliName(), b.granule().label(), b.ias(), b.oas(), b.coherentWalk() ? 1 : 0));
        }
        sb.append("vary ").append(varyArgument()).append('\n');
        options.assignments().forEach((k, v) -> sb.append("option ").append(k).append('=').append(v).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The space an earlier run stored, or empty when there is no such file. */
    public static Optional<ConfigSpace> load(Path file, long quirks) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<PgtableConfig> bases = new ArrayList<>();
        Set<Dimension> vary = EnumSet.noneOf(Dimension.class);
        ModelOptions options = ModelOptions.none();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.strip().split("\\s+");
            try {
                if (f[0].equals("base") && f.length == 6) {
                    PgtableFormat fmt = PgtableFormat.byName(f[1]).orElseThrow(() -> new IllegalArgumentException("unknown format " + f[1]));
                    Granule g = Arrays.stream(Granule.values()).filter(x -> x.label().equalsIgnoreCase(f[2])).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("unknown granule " + f[2]));
                    bases.add(new PgtableConfig(fmt, g, Integer.parseInt(f[3]), Integer.parseInt(f[4]), quirks, !f[5].equals("0")));
                } else if (f[0].equals("vary")) {
                    vary = parseVary(f.length > 1 ? f[1] : "");
                } else if (f[0].equals("option") && f.length == 2) {
                    options = options.with(f[1]);
                }
            } catch (RuntimeException e) {
                throw new IOException(file + ": " + e.getMessage() + "; the file is damaged");
            }
        }
        if (bases.isEmpty()) {
            throw new IOException(file + ": no 'base' line; the file is damaged");
        }
        return Optional.of(new ConfigSpace(bases, vary, options));
    }

    /**
     * The quirk sets a case of f may have: every combination of the quirks documented for f that
     * f must accept, none first.
     */
    private static List<Integer> quirkSets(PgtableFormat f) {
        List<Quirk> open = Arrays.stream(Quirk.values()).filter(q -> q.documentedFor(f) && !q.mayBeRefused()).toList();
        List<Integer> out = new ArrayList<>();
        for (int subset = 0; subset < 1 << open.size(); subset++) {
            long bits = 0;
            for (int i = 0; i < open.size(); i++) {
                if ((subset & 1 << i) != 0) {
                    bits |= open.get(i).bit();
                }
            }
            out.add((int) bits);
        }
        return out;
    }

    /** Whether c asks for ARM_OUTER_WBWA only with the non-coherent walk the header documents it for. */
    private static boolean documentedWalk(PgtableConfig c) {
        return !(c.has(Quirk.ARM_OUTER_WBWA) && c.coherentWalk());
    }

    private static List<Integer> range(int lo, int hi) {
        List<Integer> out = new ArrayList<>();
        for (int v = lo; v <= hi; v++) {
            out.add(v);
        }
        return out;
    }

    private static int[] outputSizes(PgtableFormat f) {
        return f == PgtableFormat.APPLE_DART || f == PgtableFormat.APPLE_DART2 ? new int[] {36, 42} : new int[] {32, 36, 40, 42, 44, 48, 52};
    }

    private static Granule granuleOf(int shift) {
        return Arrays.stream(Granule.values()).filter(g -> g.shift() == shift).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no granule of 2^" + shift + " bytes"));
    }
}
