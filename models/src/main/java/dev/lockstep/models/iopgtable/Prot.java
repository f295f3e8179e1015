package dev.lockstep.models.iopgtable;

/**
 * The io-pgtable protection flags a caller passes to map_pages (include/linux/iommu.h values).
 * A value type so a prot can be printed, compared and used as a coverage key.
 */
public record Prot(int bits) {
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int CACHE = 4;
    public static final int NOEXEC = 8;
    public static final int MMIO = 16;
    public static final int PRIV = 32;
    public static final int ALL = 63;

    public Prot {
        if ((bits & ~ALL) != 0) {
            throw new IllegalArgumentException("prot has bits outside IOMMU_*: 0x" + Integer.toHexString(bits));
        }
    }

    public static Prot of(int bits) {
        return new Prot(bits);
    }

    public boolean read() { return (bits & READ) != 0; }
    public boolean write() { return (bits & WRITE) != 0; }
    public boolean cache() { return (bits & CACHE) != 0; }
    public boolean noexec() { return (bits & NOEXEC) != 0; }
    public boolean mmio() { return (bits & MMIO) != 0; }
    public boolean priv() { return (bits & PRIV) != 0; }

    /** Neither READ nor WRITE: a mapping that grants no data access. */
    public boolean noAccess() { return (bits & (READ | WRITE)) == 0; }

    /** Parses "R|W|CACHE", "RW", "0x3" or a decimal number. */
    public static Prot parse(String text) {
        String t = text.trim();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return of(Integer.parseInt(t.substring(2), 16));
        }
        if (!t.isEmpty() && Character.isDigit(t.charAt(0))) {
            return of(Integer.parseInt(t));
        }
        int b = 0;
        for (String part : t.split("\\|")) {
            switch (part.trim().toUpperCase()) {
                case "R", "READ" -> b |= READ;
                case "W", "WRITE" -> b |= WRITE;
                case "RW" -> b |= READ | WRITE;
                case "CACHE" -> b |= CACHE;
                case "NOEXEC", "XN" -> b |= NOEXEC;
                case "MMIO" -> b |= MMIO;
                case "PRIV" -> b |= PRIV;
                case "NONE", "" -> { }
                default -> throw new IllegalArgumentException("unknown prot flag '" + part + "'");
            }
        }
        return of(b);
    }

    @Override
    public String toString() {
        if (bits == 0) {
            return "NONE";
        }
        StringBuilder sb = new StringBuilder();
        if (read()) sb.append("R|");
        if (write()) sb.append("W|");
        if (cache()) sb.append("CACHE|");
        if (noexec()) sb.append("NOEXEC|");
        if (mmio()) sb.append("MMIO|");
        if (priv()) sb.append("PRIV|");
        return sb.substring(0, sb.length() - 1);
    }
}
