package dev.lockstep.models.vmsa;

import java.util.Objects;

/**
 * Everything a walk needs from the translation control registers: the stage, the granule, the input
 * size (64 - TxSZ), the output size (PS/IPS), the address of the initial table (from TTBR0 or
 * VTTBR), the level the walk starts at, how many tables are concatenated there, and MAIR for stage 1.
 *
 * <p>The canonical constructor accepts only configurations the architecture allows, so a walk never
 * has to fault on its own configuration: stage 1 starts where {@code AArch64.S1StartLevel} says;
 * stage 2 starts at a level {@code AArch64.S2InvalidSL} accepts, with an input size
 * {@code AArch64.S2InconsistentSL} accepts, and the concatenated-table count that follows from both.
 * {@link #stage1} and {@link #stage2} derive those fields from register values.
 *
 * @param mair MAIR_ELx; ignored at stage 2, where descriptors carry their own memory attributes
 * @param featLpa the implementation has FEAT_LPA (52-bit PA): 64K level-1 blocks are permitted
 */
public record WalkConfig(Stage stage, Granule granule, int inputBits, int outputBits, long tableBase,
                         int startLevel, int concatenatedTables, long mair, boolean featLpa) {

    /** A configuration on an implementation without FEAT_LPA (52-bit physical addresses). */
    public WalkConfig(Stage stage, Granule granule, int inputBits, int outputBits, long tableBase,
                      int startLevel, int concatenatedTables, long mair) {
        this(stage, granule, inputBits, outputBits, tableBase, startLevel, concatenatedTables, mair, false);
    }

    /**
     * The same configuration on an implementation that has FEAT_LPA (or not): it decides whether
     * the 64K granule has level-1 blocks. QEMU's -cpu max has it.
     */
    public WalkConfig withFeatLpa(boolean lpa) {
        return new WalkConfig(stage, granule, inputBits, outputBits, tableBase, startLevel, concatenatedTables, mair, lpa);
    }

    /** Whether a block descriptor is permitted at level in this configuration on this implementation. */
    public boolean allowsBlockAt(int level) {
        return granule.allowsBlockAt(level, outputBits, featLpa);
    }

    /** The most tables the architecture lets a stage 2 walk concatenate at its start level. */
    public static final int MAX_CONCATENATED_TABLES = 16;

    public WalkConfig {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(granule, "granule");
        requireOutputBits(outputBits);
        requireInputBits(stage, granule, inputBits, outputBits);
        if (stage == Stage.STAGE1) {
            int expected = stage1StartLevel(granule, inputBits);
            if (startLevel != expected) {
                throw new IllegalArgumentException("a stage 1 walk of " + inputBits + " bits with the "
                        + granule.label() + " granule starts at level " + expected + ", not " + startLevel);
            }
            if (concatenatedTables != 1) {
                throw new IllegalArgumentException("stage 1 never concatenates tables: " + concatenatedTables);
            }
        } else {
            int expected = stage2ConcatenatedTables(granule, inputBits, outputBits, startLevel);
            if (concatenatedTables != expected) {
                throw new IllegalArgumentException("a stage 2 walk of " + inputBits + " bits from level "
                        + startLevel + " concatenates " + expected + " tables, not " + concatenatedTables);
            }
        }
        long tableSize = initialTableSize(granule, inputBits, startLevel);
        if (tableBase < 0 || (tableBase & (tableSize - 1)) != 0) {
            throw new IllegalArgumentException("table base 0x" + Long.toHexString(tableBase)
                    + " is not aligned to its initial table of " + tableSize + " bytes");
        }
    }

    /**
     * A stage 1 configuration from register values.
     *
     * @param inputBits 64 - TCR_ELx.T0SZ
     * @param outputBits the PA size TCR_ELx.IPS selects (32..48, or 52)
     * @param ttbr TTBR0_ELx as written: the ASID in bits [63:48] and CnP in bit 0 are dropped, and so
     *     are base address bits below the initial table's alignment (the architecture treats
     *     misaligned base bits as zero); with a 52-bit output size, bits [5:2] are BADDR[51:48]
     */
    public static WalkConfig stage1(Granule g, int inputBits, int outputBits, long ttbr, long mair) {
        Objects.requireNonNull(g, "granule");
        requireOutputBits(outputBits);
        requireInputBits(Stage.STAGE1, g, inputBits, outputBits);
        int start = stage1StartLevel(g, inputBits);
        long base = baseAddress(ttbr, initialTableSize(g, inputBits, start), outputBits);
        return new WalkConfig(Stage.STAGE1, g, inputBits, outputBits, base, start, 1, mair);
    }

    /**
     * A stage 2 configuration from register values.
     *
     * @param inputBits the IPA size, 64 - VTCR_EL2.T0SZ
     * @param outputBits the PA size VTCR_EL2.PS selects (32..48, or 52)
     * @param vttbr VTTBR_EL2 as written: the VMID and CnP are dropped as for {@link #stage1}
     * @param startLevel the level VTCR_EL2.SL0 (and SL2) selects
     */
    public static WalkConfig stage2(Granule g, int inputBits, int outputBits, long vttbr, int startLevel) {
        Objects.requireNonNull(g, "granule");
        requireOutputBits(outputBits);
        requireInputBits(Stage.STAGE2, g, inputBits, outputBits);
        int tables = stage2ConcatenatedTables(g, inputBits, outputBits, startLevel);
        long base = baseAddress(vttbr, initialTableSize(g, inputBits, startLevel), outputBits);
        return new WalkConfig(Stage.STAGE2, g, inputBits, outputBits, base, startLevel, tables, 0L);
    }

    /**
     * The level a stage 1 walk of {@code inputBits} starts at ({@code AArch64.S1StartLevel}): the
     * highest-numbered level whose table still reaches the top input bit.
     */
    public static int stage1StartLevel(Granule g, int inputBits) {
        return Granule.PAGE_LEVEL - (inputBits - 1 - g.shift()) / g.bitsPerLevel();
    }

    /**
     * The index of the descriptor for {@code va} in the table at {@code level}: the input bits
     * [blockShift(level) + bitsPerLevel - 1 : blockShift(level)], except at the start level, whose
     * index reaches up to bit {@code inputBits - 1}. That is fewer bits when the input size does not
     * fill the initial table, and more when stage 2 concatenates tables there, making one index
     * into the concatenated tables. Bits of {@code va} at or above {@code inputBits} are ignored.
     *
     * @throws IllegalArgumentException if {@code level} is not a level of this walk
     */
    public int indexOf(long va, int level) {
        int width = indexBits(level);
        return (int) ((va >>> granule.blockShift(level)) & ((1L << width) - 1));
    }

    /**
     * How many input bits the table at {@code level} resolves.
     *
     * @throws IllegalArgumentException if {@code level} is not a level of this walk
     */
    public int indexBits(int level) {
        if (level < startLevel || level > Granule.PAGE_LEVEL) {
            throw new IllegalArgumentException(
                    "level " + level + " is not in this walk (levels " + startLevel + "..3)");
        }
        return level == startLevel ? inputBits - granule.blockShift(level) : granule.bitsPerLevel();
    }

    /** The size in bytes of the initial table, all concatenated tables together. */
    public long initialTableSize() {
        return initialTableSize(granule, inputBits, startLevel);
    }

    /** Whether {@code va} lies in the input range [0, 2^inputBits). */
    public boolean acceptsInput(long va) {
        return va >= 0 && (va >>> inputBits) == 0;
    }

    /** Whether {@code pa} lies in the output range [0, 2^outputBits). */
    public boolean acceptsOutput(long pa) {
        return pa >= 0 && (pa >>> outputBits) == 0;
    }

    private static long initialTableSize(Granule g, int inputBits, int startLevel) {
        return 8L << (inputBits - g.blockShift(startLevel));
    }

    private static int stage2ConcatenatedTables(Granule g, int inputBits, int outputBits, int startLevel) {
        boolean levelExists = g.hasLevel(startLevel)
                // AArch64.S2InvalidSL: a 16K walk can start at level 0 only with FEAT_LPA2 (DS = 1)
                && !(g == Granule.G16K && startLevel == 0 && outputBits != 52);
        if (!levelExists) {
            throw new IllegalArgumentException(
                    "a stage 2 walk with the " + g.label() + " granule cannot start at level " + startLevel);
        }
        // AArch64.S2InconsistentSL: the start level must resolve at least one input bit, and at most
        // one full table's worth plus four more (sixteen concatenated tables).
        int lowest = g.blockShift(startLevel);
        int min = lowest + 1;
        int max = lowest + g.bitsPerLevel() + 4;
        if (inputBits < min || inputBits > max) {
            throw new IllegalArgumentException("a stage 2 walk from level " + startLevel + " with the "
                    + g.label() + " granule takes " + min + ".." + max + " input bits, not " + inputBits);
        }
        return 1 << Math.max(0, inputBits - lowest - g.bitsPerLevel());
    }

    private static long baseAddress(long ttbr, long tableSize, int outputBits) {
        int align = Long.numberOfTrailingZeros(tableSize);
        if (outputBits == 52) {
            // The 52-bit TTBR layout moves BADDR[51:48] to bits [5:2], so the base is at least
            // 64-byte aligned.
            align = Math.max(align, 6);
            return (((ttbr >>> 2) & 0xFL) << 48) | (ttbr & bits(47, align));
        }
        return ttbr & bits(47, align);
    }

    private static long bits(int high, int low) {
        return (-1L >>> (63 - high)) & (-1L << low);
    }

    private static void requireOutputBits(int outputBits) {
        if ((outputBits < 32 || outputBits > 48) && outputBits != 52) {
            throw new IllegalArgumentException("output size must be 32..48 or 52 bits: " + outputBits);
        }
    }

    private static void requireInputBits(Stage stage, Granule g, int inputBits, int outputBits) {
        // FEAT_TTST lets TxSZ reach 48 (47 with 64K): 16 or 17 input bits.
        int min = g == Granule.G64K ? 17 : 16;
        int max;
        if (g == Granule.G4K && stage == Stage.STAGE1) {
            max = 48; // 52 would need level -1
        } else if (g == Granule.G64K && stage == Stage.STAGE1) {
            max = 52; // FEAT_LVA
        } else {
            max = outputBits == 52 ? 52 : 48; // FEAT_LPA2 (DS = 1), or FEAT_LPA for 64K stage 2
        }
        if (inputBits < min || inputBits > max) {
            throw new IllegalArgumentException(stage + " with the " + g.label() + " granule and "
                    + outputBits + "-bit output takes " + min + ".." + max + " input bits, not " + inputBits);
        }
    }
}
