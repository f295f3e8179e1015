package dev.lockstep.bench.engine;

import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Granule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import dev.lockstep.reports.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A finding's minimised case as a text file a person can read and edit: the configuration, the
 * model options, the expected title, and one operation per line. `lockstep replay FILE` runs it.
 */
public record Reproducer(String title, int depth, PgtableConfig config, ModelOptions options, long seed, int batch, List<Op> ops) {
    public static final String MAGIC = "lockstep-reproducer 1";

    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(MAGIC).append('\n');
        sb.append("# Replay with: ./lockstep replay <this file>   (exit 1: still reproduces, 0: gone)\n");
        sb.append("title ").append(title).append('\n');
        sb.append("depth ").append(depth).append('\n');
        sb.append("format ").append(config.format().cliName()).append('\n');
        sb.append("granule ").append(config.granule().label()).append('\n');
        sb.append("ias ").append(config.ias()).append('\n');
        sb.append("oas ").append(config.oas()).append('\n');
        sb.append("seed ").append(seed).append('\n');
        sb.append("batch ").append(batch).append('\n');
        options.effective(config.format()).forEach((k, v) -> sb.append("option ").append(k).append('=').append(v).append('\n'));
        for (Op op : ops) {
            sb.append("op ").append(format(op)).append('\n');
        }
        return sb.toString();
    }

    public static String format(Op op) {
        if (op instanceof Op.Alloc a) {
            return String.format("alloc handle=%d format=%d quirks=0x%x pgsize_bitmap=0x%x ias=%d oas=%d coherent=%d",
                    a.handle(), a.format(), a.quirks(), a.pgsizeBitmap(), a.ias(), a.oas(), a.coherentWalk() ? 1 : 0);
        } else if (op instanceof Op.Free f) {
            return "free handle=" + f.handle();
        } else if (op instanceof Op.Map m) {
            return String.format("map handle=%d iova=0x%x paddr=0x%x pgsize=0x%x pgcount=%d prot=%s",
                    m.handle(), m.iova(), m.paddr(), m.pgsize(), m.pgcount(), m.prot());
        } else if (op instanceof Op.Unmap u) {
            return String.format("unmap handle=%d iova=0x%x pgsize=0x%x pgcount=%d", u.handle(), u.iova(), u.pgsize(), u.pgcount());
        }
        Op.IovaToPhys q = (Op.IovaToPhys) op;
        return String.format("iova_to_phys handle=%d iova=0x%x", q.handle(), q.iova());
    }

    public static Reproducer read(Path file) throws ReproducerFormatException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ReproducerFormatException(file + ": not a text file; pass a reproducer.lst from a findings directory");
        } catch (IOException e) {
            throw new ReproducerFormatException(file + ": cannot read it (" + e.getMessage() + ")");
        }
        if (lines.isEmpty() || !lines.get(0).strip().equals(MAGIC)) {
            throw new ReproducerFormatException(file + ": not a Lockstep reproducer (first line must be '" + MAGIC
                    + "'); pass a reproducer.lst from a findings directory");
        }
        Map<String, String> head = new HashMap<>();
        ModelOptions options = ModelOptions.none();
        List<Op> ops = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sp = line.indexOf(' ');
            String key = sp < 0 ? line : line.substring(0, sp);
            String rest = sp < 0 ? "" : line.substring(sp + 1).strip();
            try {
                switch (key) {
                    case "op" -> ops.add(parseOp(rest));
                    case "option" -> options = options.with(rest);
                    case "title", "depth", "format", "granule", "ias", "oas", "seed", "batch" -> head.put(key, rest);
                    default -> throw new IllegalArgumentException("unknown line kind '" + key + "'");
                }
            } catch (RuntimeException e) {
                throw new ReproducerFormatException(file + " line " + (i + 1) + ": " + e.getMessage() + "; fix or regenerate the file");
            }
        }
        for (String k : List.of("title", "depth", "format", "granule", "ias", "oas")) {
            if (!head.containsKey(k)) {
                throw new ReproducerFormatException(file + ": missing '" + k + "' line; the file is truncated or damaged");
            }
        }
        if (ops.isEmpty() || !(ops.get(0) instanceof Op.Alloc)) {
            throw new ReproducerFormatException(file + ": the operations must start with 'op alloc'; the file is truncated or damaged");
        }
        try {
            PgtableFormat fmt = PgtableFormat.byName(head.get("format"))
                    .orElseThrow(() -> new IllegalArgumentException("unknown format '" + head.get("format") + "'"));
            Granule g = granule(head.get("granule"));
            // The quirks and the walk have no header line: the alloc says them.
            Op.Alloc alloc = (Op.Alloc) ops.get(0);
            PgtableConfig cfg = new PgtableConfig(fmt, g, Integer.parseInt(head.get("ias")), Integer.parseInt(head.get("oas")),
                    alloc.quirks(), alloc.coherentWalk());
            options.effective(fmt);
            return new Reproducer(head.get("title"), Integer.parseInt(head.get("depth")), cfg, options,
                    Long.parseLong(head.getOrDefault("seed", "0")), Math.max(1, Integer.parseInt(head.getOrDefault("batch", "16"))),
                    List.copyOf(ops));
        } catch (RuntimeException e) {
            throw new ReproducerFormatException(file + ": " + e.getMessage() + "; fix or regenerate the file");
        }
    }

    public static Granule granule(String label) {
        for (Granule g : Granule.values()) {
            if (g.label().equalsIgnoreCase(label)) {
                return g;
            }
        }
        throw new IllegalArgumentException("unknown granule '" + label + "' (4k, 16k or 64k)");
    }

    static Op parseOp(String text) {
        String[] parts = text.split("\\s+");
        Map<String, String> f = new HashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + parts[i] + "' is not field=value");
            }
            f.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        int handle = (int) num(f, "handle");
        return switch (parts[0]) {
            case "alloc" -> new Op.Alloc(handle, (int) num(f, "format"), num(f, "quirks"), num(f, "pgsize_bitmap"),
                    (int) num(f, "ias"), (int) num(f, "oas"), num(f, "coherent") != 0);
            case "free" -> new Op.Free(handle);
            case "map" -> new Op.Map(handle, num(f, "iova"), num(f, "paddr"), num(f, "pgsize"), (int) num(f, "pgcount"),
                    Prot.parse(field(f, "prot")));
            case "unmap" -> new Op.Unmap(handle, num(f, "iova"), num(f, "pgsize"), (int) num(f, "pgcount"));
            case "iova_to_phys" -> new Op.IovaToPhys(handle, num(f, "iova"));
            default -> throw new IllegalArgumentException("unknown operation '" + parts[0] + "'");
        };
    }

    private static String field(Map<String, String> f, String name) {
        String v = f.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing field " + name);
        }
        return v;
    }

    private static long num(Map<String, String> f, String name) {
        String v = field(f, name);
        try {
            return v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field " + name + "=" + v + " is not a number");
        }
    }

    public void write(Path file) throws IOException {
        AtomicFiles.write(file, render().getBytes(StandardCharsets.UTF_8));
    }
}
