package dev.lockstep.models.iopgtable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The io_pgtable_cfg quirks that change what a table means or how it is encoded, as
 * include/linux/io-pgtable.h documents them (the API's own words are the contract), with the
 * formats each one is documented for.
 *
 * <ul>
 *   <li>ARM_NS: "(ARM formats) Set NS and NSTABLE bits in stage 1 PTEs": leaves carry NS, tables
 *       NSTable. A Non-secure walk ignores both, so only depth 4 sees them.</li>
 *   <li>NO_PERMS: "Ignore the IOMMU_READ, IOMMU_WRITE and IOMMU_NOEXEC flags and map everything
 *       with full access". Documented for hardware rather than formats, so a format may refuse it;
 *       where it is accepted, every mapping is readable, writable and executable.</li>
 *   <li>ARM_TTBR1: "(ARM LPAE format) Configure the table for use in the upper half of a split
 *       address space": iovas are the top 2^ias bytes of the 64-bit space.</li>
 *   <li>ARM_OUTER_WBWA: "Override the outer-cacheability attributes set in the TCR for a
 *       non-coherent page-table walker": TCR.ORGN is write-back write-allocate.</li>
 * </ul>
 */
public enum Quirk {
    ARM_NS("arm-ns", 1L << 0),
    NO_PERMS("no-perms", 1L << 1),
    ARM_TTBR1("arm-ttbr1", 1L << 5),
    ARM_OUTER_WBWA("arm-outer-wbwa", 1L << 6);

    private final String cliName;
    private final long bit;

    Quirk(String cliName, long bit) {
        this.cliName = cliName;
        this.bit = bit;
    }

    public String cliName() { return cliName; }

    public long bit() { return bit; }

    /** Whether the header documents this quirk for {@code format} (NO_PERMS: for every format). */
    public boolean documentedFor(PgtableFormat format) {
        boolean lpaeStage1 = format == PgtableFormat.ARM_64_LPAE_S1 || format == PgtableFormat.ARM_32_LPAE_S1;
        return this == NO_PERMS || lpaeStage1;
    }

    /** Whether a format the quirk is documented for may still refuse it at alloc. */
    public boolean mayBeRefused() {
        return this == NO_PERMS;
    }

    public boolean in(long quirks) {
        return (quirks & bit) != 0;
    }

    public static Optional<Quirk> byName(String name) {
        return Arrays.stream(values()).filter(q -> q.cliName.equalsIgnoreCase(name.trim())).findFirst();
    }

    /** The quirks set in {@code quirks}, in declaration order. */
    public static List<Quirk> of(long quirks) {
        List<Quirk> out = new ArrayList<>();
        for (Quirk q : values()) {
            if (q.in(quirks)) {
                out.add(q);
            }
        }
        return out;
    }

    /** "arm-ns,no-perms", or "none". */
    public static String describe(long quirks) {
        List<Quirk> qs = of(quirks);
        return qs.isEmpty() ? "none" : String.join(",", qs.stream().map(Quirk::cliName).toList());
    }

    public String toString() {
        return cliName.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
