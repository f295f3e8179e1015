package dev.lockstep.models.iopgtable;

import dev.lockstep.models.vmsa.Granule;

/**
 * What a caller asks alloc_io_pgtable_ops for: format, granule, input and output address sizes,
 * quirks. The page sizes follow from the architecture: the granule plus every block size the
 * granule allows at this output size.
 */
public record PgtableConfig(PgtableFormat format, Granule granule, int ias, int oas, long quirks, boolean coherentWalk,
                            int topLevel) {

    /** No published geometry yet: the start level follows the stage-1 rule. */
    public static final int RULE = -1;

    public PgtableConfig(PgtableFormat format, Granule granule, int ias, int oas, long quirks, boolean coherentWalk) {
        this(format, granule, ias, oas, quirks, coherentWalk, RULE);
    }

    /**
     * The same configuration with the start level a table's published configuration names (a
     * stage-2 VTCR.SL0 may start one level lower and concatenate tables): the contract's "end of
     * the table" follows the tables the hardware would walk.
     */
    public PgtableConfig withTopLevel(int level) {
        return new PgtableConfig(format, granule, ias, oas, quirks, coherentWalk, level);
    }

    public PgtableConfig {
        if (format == PgtableFormat.ARM_MALI_LPAE && topLevel == RULE) {
            // Mali walks four levels whatever the input size (docs/model-mali.md).
            topLevel = 0;
        }
        long unknown = quirks;
        for (Quirk q : Quirk.values()) {
            unknown &= ~q.bit();
            if (q.in(quirks) && !q.documentedFor(format)) {
                throw new IllegalArgumentException("quirk " + q.cliName() + " is documented for the stage-1 LPAE formats, not "
                        + format.cliName() + " (include/linux/io-pgtable.h)");
            }
        }
        if (unknown != 0) {
            throw new IllegalArgumentException("quirks 0x" + Long.toHexString(unknown) + " are not ones the model knows ("
                    + String.join(", ", java.util.Arrays.stream(Quirk.values()).map(Quirk::cliName).toList()) + ")");
        }
        if (!format.granules().contains(granule)) {
            throw new IllegalArgumentException("format " + format.cliName() + " has no " + granule.label() + " granule");
        }
        if (ias < format.minIas() || ias > format.maxIas()) {
            throw new IllegalArgumentException("ias " + ias + " is outside " + format.cliName() + "'s range "
                    + format.minIas() + ".." + format.maxIas());
        }
        if (oas < format.minOas() || oas > format.maxOas()) {
            throw new IllegalArgumentException("oas " + oas + " is outside " + format.cliName() + "'s range "
                    + format.minOas() + ".." + format.maxOas());
        }
    }

    /**
     * The bitmap of page sizes: the granule and each block size allowed at a level the walk reaches
     * (VMSA formats); the page alone for DART, which has no blocks.
     */
    public long pgsizeBitmap() {
        if (format == PgtableFormat.APPLE_DART || format == PgtableFormat.APPLE_DART2) {
            return granule.size();
        }
        long bitmap = granule.size();
        for (int level = ruleStartLevel(); level < 3; level++) {
            if (granule.allowsBlockAt(level, oas)) {
                bitmap |= granule.blockSize(level);
            }
        }
        return bitmap;
    }

    /** The level a walk starts at: the published one, or the stage-1 rule for an ias-bit input. */
    public int startLevel() {
        return topLevel != RULE ? topLevel : ruleStartLevel();
    }

    /** The level a stage-1 walk of an ias-bit input starts at (the architecture's rule). */
    public int ruleStartLevel() {
        int bitsBelowLevel3 = granule.shift();
        int remaining = ias - bitsBelowLevel3;
        int levelsNeeded = (remaining + granule.bitsPerLevel() - 1) / granule.bitsPerLevel();
        return 4 - levelsNeeded;
    }

    /** The level at which a leaf maps exactly pgsize bytes, or -1 if none does. */
    public int leafLevel(long pgsize) {
        for (int level = 3; level >= Math.min(startLevel(), ruleStartLevel()); level--) {
            if (granule.blockSize(level) == pgsize) {
                return level;
            }
        }
        return -1;
    }

    /** Entries of the table at `level` that hold iova and the entries after it, up to the table's end. */
    public long entriesLeftInTable(long iova, int level) {
        int shift = Long.numberOfTrailingZeros(granule.blockSize(level));
        int indexBits = level == startLevel() ? ias - shift : granule.bitsPerLevel();
        long entries = 1L << indexBits;
        long index = (iova >>> shift) & (entries - 1);
        return entries - index;
    }

    public boolean has(Quirk q) {
        return q.in(quirks);
    }

    /**
     * The bits above the input range that every iova carries: all ones for the upper half of a
     * split address space (ARM_TTBR1), else none.
     */
    public long inputRegionBits() {
        return has(Quirk.ARM_TTBR1) ? -inputLimit() : 0;
    }

    /** Whether {@code iova} lies in the input range: [0, 2^ias), or the top 2^ias bytes with ARM_TTBR1. */
    public boolean acceptsIova(long iova) {
        return (iova & -inputLimit()) == inputRegionBits();
    }

    /** Whether {@code bytes} from {@code iova} (in range) run past the input range's end. */
    public boolean runsPastInputEnd(long iova, long bytes) {
        long offset = iova & (inputLimit() - 1);
        return Long.compareUnsigned(bytes, inputLimit() - offset) > 0;
    }

    /** The iova at {@code offset} into the input range (offset below 2^ias). */
    public long iovaAt(long offset) {
        return inputRegionBits() | offset;
    }

    public long inputLimit() {
        return 1L << ias;
    }

    public long outputLimit() {
        return 1L << oas;
    }
}
