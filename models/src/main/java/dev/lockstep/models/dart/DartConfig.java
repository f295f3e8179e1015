package dev.lockstep.models.dart;

import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.vmsa.Granule;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The shape of one DART address space: entry layout, granule, input and output sizes, and the
 * table base address in each TTBR (fact sheet §2.2).
 *
 * <p>Every table is one granule of 8-byte entries, so each level resolves {@code shift - 3} iova
 * bits (9 for 4K, 11 for 16K). The walk has
 * {@code levels = max(2, ceil((ias - pageShift - maxTableBits) / bitsPerLevel))} levels below the
 * TTBR, where {@code maxTableBits} (2 for 4K, 0 for 16K) is how many iova bits may pick a TTBR. The
 * iova bits above the levels pick the TTBR; when the levels already cover the input, there is one
 * TTBR and the top table is only partly used. The hardware names three levels (its faults are
 * NO_PGD, NO_PMD, NO_PTE), so configurations that would need more are refused.
 *
 * <p>Levels are numbered up to the leaf, {@link #LEAF_LEVEL} = 2 (the PTE level); 1 is the PMD
 * level and 0, only in three-level walks, the PGD level. So a 6.1 walk is L1 then L2:
 * <pre>
 *   4K,  ias 32:  TTBR = iova[31:30] (4 TTBRs), L1 = [29:21], L2 = [20:12]
 *   16K, ias 32:  one TTBR, L1 = [35:25] (31:25 used), L2 = [24:14]
 *   16K, ias 42:  one TTBR, L0 = [46:36], L1 = [35:25], L2 = [24:14]
 * </pre>
 *
 * @param ias the input size: the domain's aperture is [0, 2^ias)
 * @param oas the output size the io-pgtable caller may use, at most the layout's
 * @param ttbrs the table base address of TTBR 0, 1, ...; TTBRs past the end of the list are
 *     invalid (a walk through them faults NO_TTBR). A configuration used only for the contract may
 *     pass an empty list.
 */
public record DartConfig(DartLayout layout, Granule granule, int ias, int oas, List<Long> ttbrs) {

    /** The level of leaves (the PTE level). */
    public static final int LEAF_LEVEL = 2;
    /** The most levels below the TTBR: PGD, PMD and PTE. */
    public static final int MAX_LEVELS = 3;
    /** The smallest input size: 32 bits, as every DART io-pgtable is created with in 6.1. */
    public static final int MIN_IAS = 32;
    /** The smallest output size accepted. */
    public static final int MIN_OAS = 32;

    public DartConfig {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(granule, "granule");
        if (granule != Granule.G4K && granule != Granule.G16K) {
            throw new IllegalArgumentException("DART pages are 4K or 16K, not " + granule.label());
        }
        if (ias < MIN_IAS || ias > maxIas(granule)) {
            throw new IllegalArgumentException("a DART with " + granule.label() + " pages takes an ias of "
                    + MIN_IAS + ".." + maxIas(granule) + " bits (at most " + MAX_LEVELS + " levels), not " + ias);
        }
        if (oas < MIN_OAS || oas > layout.maxOas()) {
            throw new IllegalArgumentException(layout + " takes an oas of " + MIN_OAS + ".." + layout.maxOas() + ", not " + oas);
        }
        ttbrs = List.copyOf(ttbrs);
        int count = 1 << ttbrBits(granule, ias);
        if (ttbrs.size() > count) {
            throw new IllegalArgumentException("this geometry has " + count + " TTBR(s), not " + ttbrs.size());
        }
        for (long base : ttbrs) {
            if (base < 0 || (base >>> layout.maxOas()) != 0 || (base & (granule.size() - 1)) != 0) {
                throw new IllegalArgumentException("TTBR table base 0x" + Long.toHexString(base)
                        + " is not a " + granule.label() + "-aligned address below 2^" + layout.maxOas());
            }
        }
    }

    /** The 6.1 configuration: ias 32 and the layout's full output size (36 for t8103, 42 for t6000). */
    public static DartConfig linux61(DartLayout layout, Granule granule, List<Long> ttbrs) {
        return new DartConfig(layout, granule, MIN_IAS, layout.maxOas(), ttbrs);
    }

    /**
     * The configuration an io-pgtable caller asks for with {@code cfg}.
     *
     * @throws IllegalArgumentException if {@code cfg} is not an APPLE_DART or APPLE_DART2 one
     */
    public static DartConfig of(PgtableConfig cfg, List<Long> ttbrs) {
        DartLayout layout = DartLayout.of(cfg.format()).orElseThrow(
                () -> new IllegalArgumentException(cfg.format().cliName() + " is not a DART format"));
        return new DartConfig(layout, cfg.granule(), cfg.ias(), cfg.oas(), ttbrs);
    }

    /** How many iova bits at most may pick a TTBR: 2 (four TTBRs) with 4K pages, 0 with 16K. */
    public static int maxTableBits(Granule g) {
        return g == Granule.G4K ? 2 : 0;
    }

    /** The number of levels below the TTBR a walk of an {@code ias}-bit input takes. */
    public static int levels(Granule g, int ias) {
        int bpl = g.bitsPerLevel();
        int needed = -Math.floorDiv(-(ias - g.shift() - maxTableBits(g)), bpl);
        return Math.max(2, needed);
    }

    /** The largest ias {@link #MAX_LEVELS} levels and the TTBR bits resolve: 41 (4K) or 47 (16K). */
    public static int maxIas(Granule g) {
        return g.shift() + maxTableBits(g) + MAX_LEVELS * g.bitsPerLevel();
    }

    private static int ttbrBits(Granule g, int ias) {
        return Math.max(0, ias - g.shift() - levels(g, ias) * g.bitsPerLevel());
    }

    public int levels() {
        return levels(granule, ias);
    }

    /** The level the walk reads first, in the TTBR's table: 1 for two levels, 0 for three. */
    public int startLevel() {
        return LEAF_LEVEL + 1 - levels();
    }

    public int pageShift() {
        return granule.shift();
    }

    public long pageSize() {
        return granule.size();
    }

    public int bitsPerLevel() {
        return granule.bitsPerLevel();
    }

    /** Entries in every table, the top one included: 512 or 2048. */
    public int entriesPerTable() {
        return 1 << bitsPerLevel();
    }

    /**
     * The lowest iova bit the index at {@code level} resolves.
     *
     * @throws IllegalArgumentException if {@code level} is not a level of this walk
     */
    public int shiftOf(int level) {
        if (level < startLevel() || level > LEAF_LEVEL) {
            throw new IllegalArgumentException("level " + level + " is not in this walk (levels "
                    + startLevel() + ".." + LEAF_LEVEL + ")");
        }
        return pageShift() + (LEAF_LEVEL - level) * bitsPerLevel();
    }

    /**
     * The index of {@code iova}'s entry in the table at {@code level}: bitsPerLevel bits from
     * {@link #shiftOf}. Bits at or above ias are not masked off here; the walk refuses such iovas.
     */
    public int indexOf(long iova, int level) {
        return (int) ((iova >>> shiftOf(level)) & (entriesPerTable() - 1));
    }

    /** How many iova bits pick the TTBR: 0..{@link #maxTableBits}. */
    public int ttbrBits() {
        return ttbrBits(granule, ias);
    }

    /** How many TTBRs the geometry uses: 1, 2 or 4. */
    public int ttbrCount() {
        return 1 << ttbrBits();
    }

    /** The TTBR {@code iova} walks from: the iova bits above the top level, within ias. */
    public int ttbrIndex(long iova) {
        int low = pageShift() + levels() * bitsPerLevel();
        return (int) ((iova >>> low) & (ttbrCount() - 1));
    }

    /** The table base address in TTBR {@code index}, or empty when that TTBR is invalid. */
    public OptionalLong ttbr(int index) {
        return index >= 0 && index < ttbrs.size() ? OptionalLong.of(ttbrs.get(index)) : OptionalLong.empty();
    }

    /** Whether {@code iova} is inside the aperture [0, 2^ias). */
    public boolean acceptsIova(long iova) {
        return iova >= 0 && (iova >>> ias) == 0;
    }

    /** 2^ias, the first iova outside the aperture. */
    public long inputLimit() {
        return 1L << ias;
    }

    /** 2^oas, the first paddr a caller may not map. */
    public long outputLimit() {
        return 1L << oas;
    }

    /** Entries of {@code iova}'s leaf table from its entry to the table's end: 1..entriesPerTable. */
    public long entriesLeftInLeafTable(long iova) {
        return entriesPerTable() - indexOf(iova, LEAF_LEVEL);
    }
}
