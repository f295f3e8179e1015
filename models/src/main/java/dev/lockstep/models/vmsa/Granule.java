package dev.lockstep.models.vmsa;

import java.util.Optional;

/**
 * The translation granule: the size of the smallest page, and through it the shape of every table,
 * since a table is one granule of 8-byte descriptors and so resolves {@code shift - 3} address bits
 * per level.
 *
 * <p>Levels count down to 3, the level of pages. A descriptor at level {@code l} maps
 * 2<sup>{@link #blockShift blockShift(l)}</sup> bytes: 4K gives 4K/2M/1G/512G at levels 3..0, 16K
 * gives 16K/32M/64G/128T, 64K gives 64K/512M/4T at levels 3..1.
 */
public enum Granule {
    G4K(12),
    G16K(14),
    G64K(16);

    /** The level whose descriptors map single pages. */
    public static final int PAGE_LEVEL = 3;

    private final int shift;

    Granule(int shift) {
        this.shift = shift;
    }

    /** log2 of the granule size: 12, 14 or 16. */
    public int shift() {
        return shift;
    }

    /** The granule size in bytes. */
    public long size() {
        return 1L << shift;
    }

    /** Address bits one full table resolves: a granule holds 2^(shift-3) descriptors of 8 bytes. */
    public int bitsPerLevel() {
        return shift - 3;
    }

    /** The granule of {@code bytes} bytes, or empty when no granule has that size. */
    public static Optional<Granule> ofSize(long bytes) {
        for (Granule g : values()) {
            if (g.size() == bytes) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /**
     * The lowest-numbered level a walk can start at. 64K has no level 0: its level 1 already
     * resolves up to bit 51. (The 4K granule's level -1, reachable only with 52-bit input under
     * FEAT_LPA2, is outside the model.)
     */
    public int firstLevel() {
        return this == G64K ? 1 : 0;
    }

    /** Whether {@code level} is a level of this granule's walks. */
    public boolean hasLevel(int level) {
        return level >= firstLevel() && level <= PAGE_LEVEL;
    }

    /**
     * log2 of the region one descriptor at {@code level} maps, which is also the lowest input
     * address bit that level's index resolves.
     *
     * @throws IllegalArgumentException if the granule has no such level
     */
    public int blockShift(int level) {
        requireLevel(level);
        return shift + (PAGE_LEVEL - level) * bitsPerLevel();
    }

    /**
     * The size of the region one descriptor at {@code level} maps (level 3: one page).
     *
     * @throws IllegalArgumentException if the granule has no such level
     */
    public long blockSize(int level) {
        return 1L << blockShift(level);
    }

    /**
     * Whether a block descriptor (bits[1:0] = 0b01) is permitted at {@code level}, after
     * {@code AArch64.BlockDescSupported}: 4K at levels 1 and 2, and at level 0 with FEAT_LPA2's
     * 52-bit layout; 16K at level 2, and level 1 with 52-bit; 64K at level 2, and level 1 when the
     * implementation has 52-bit physical addresses (FEAT_LPA). The model takes {@code outputBits ==
     * 52} for both conditions. Level 3 has pages, never blocks, so this is false there; it is also
     * false for a level the granule does not have.
     */
    public boolean allowsBlockAt(int level, int outputBits) {
        return allowsBlockAt(level, outputBits, outputBits == 52);
    }

    /**
     * As {@link #allowsBlockAt(int, int)}, with the implementation's FEAT_LPA named: the 64K granule's
     * level-1 blocks depend on the implementation having 52-bit physical addresses, not on the
     * output size a configuration selects.
     */
    public boolean allowsBlockAt(int level, int outputBits, boolean featLpa) {
        boolean pa52 = outputBits == 52;
        return switch (this) {
            case G4K -> level == 1 || level == 2 || (level == 0 && pa52);
            case G16K -> level == 2 || (level == 1 && pa52);
            case G64K -> level == 2 || (level == 1 && (pa52 || featLpa));
        };
    }

    /** The short name used in reports and file names: "4k", "16k", "64k". */
    public String label() {
        return (size() >> 10) + "k";
    }

    private void requireLevel(int level) {
        if (!hasLevel(level)) {
            throw new IllegalArgumentException(
                    "the " + label() + " granule has no level " + level + " (levels " + firstLevel() + "..3)");
        }
    }
}
