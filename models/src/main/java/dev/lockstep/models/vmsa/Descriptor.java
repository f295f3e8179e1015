package dev.lockstep.models.vmsa;

import java.util.Objects;

/**
 * One 64-bit translation table descriptor, decoded the way a walk at a given level reads it.
 *
 * <p>Bit 0 says whether the descriptor is valid. At levels 0..2 bit 1 separates a table (0b11) from
 * a block (0b01); at level 3, 0b11 is a page and 0b01 is reserved. A block where the granule does
 * not permit one is reserved too. The walk treats both reserved forms as invalid.
 *
 * <p>The static encoders build raw descriptors (for tests and tools that lay out tables); for every
 * well-formed {@code x}, {@code encode(decode(x, level, cfg), cfg) == x}.
 */
public sealed interface Descriptor
        permits Descriptor.Invalid, Descriptor.Reserved, Descriptor.Table, Descriptor.Block, Descriptor.Page {

    /** The descriptor as read from memory. */
    long raw();

    /** Bit 0 clear: the walk ends in a Translation fault; every other bit is ignored. */
    record Invalid(long raw) implements Descriptor {
    }

    /** An encoding with bit 0 set that the level does not allow; a Translation fault, like Invalid. */
    record Reserved(long raw, int level) implements Descriptor {
    }

    /**
     * A pointer to the next-level table, with the stage 1 limits it places on everything below it.
     * Stage 2 table descriptors carry no attributes; those fields are then false and zero.
     *
     * @param nsTable bit 63: later levels are Non-secure (ignored by a Non-secure walk)
     * @param apTable bits [62:61]: bit 0 removes EL0 access, bit 1 removes write access
     * @param uxnTable bit 60: execute-never at EL0 below
     * @param pxnTable bit 59: execute-never at EL1 below
     */
    record Table(long raw, long nextTableAddress, boolean nsTable, int apTable, boolean uxnTable, boolean pxnTable)
            implements Descriptor {
        public Table {
            if (apTable < 0 || apTable > 3) {
                throw new IllegalArgumentException("APTable is a 2-bit field: " + apTable);
            }
        }
    }

    /** A leaf at level 0..2 mapping {@code Granule.blockSize(level)} bytes from {@code outputAddress}. */
    record Block(long raw, int level, long outputAddress, LeafAttributes attributes) implements Descriptor {
        public Block {
            Objects.requireNonNull(attributes, "attributes");
            if (level < 0 || level >= Granule.PAGE_LEVEL) {
                throw new IllegalArgumentException("blocks exist at levels 0..2, not " + level);
            }
        }
    }

    /** A leaf at level 3 mapping one granule from {@code outputAddress}. */
    record Page(long raw, long outputAddress, LeafAttributes attributes) implements Descriptor {
        public Page {
            Objects.requireNonNull(attributes, "attributes");
        }
    }

    /**
     * Reads {@code raw} as a descriptor at {@code level} of a walk configured by {@code cfg}.
     *
     * @throws IllegalArgumentException if the granule has no such level
     */
    static Descriptor decode(long raw, int level, WalkConfig cfg) {
        Objects.requireNonNull(cfg, "cfg");
        Granule g = cfg.granule();
        if (!g.hasLevel(level)) {
            throw new IllegalArgumentException("the " + g.label() + " granule has no level " + level);
        }
        if ((raw & 1) == 0) {
            return new Invalid(raw);
        }
        boolean bit1 = (raw & 2) != 0;
        OutputAddressField field = OutputAddressField.of(cfg);
        if (level == Granule.PAGE_LEVEL) {
            return bit1
                    ? new Page(raw, field.extract(raw, g.shift()), LeafAttributes.fromDescriptor(raw, cfg.stage(), field))
                    : new Reserved(raw, level);
        }
        if (bit1) {
            long next = field.extract(raw, g.shift());
            if (cfg.stage() == Stage.STAGE2) {
                return new Table(raw, next, false, 0, false, false);
            }
            return new Table(raw, next, raw < 0, (int) ((raw >>> 61) & 3),
                    ((raw >>> 60) & 1) != 0, ((raw >>> 59) & 1) != 0);
        }
        if (!cfg.allowsBlockAt(level)) {
            return new Reserved(raw, level);
        }
        return new Block(raw, level, field.extract(raw, g.blockShift(level)),
                LeafAttributes.fromDescriptor(raw, cfg.stage(), field));
    }

    /**
     * The raw descriptor for {@code d}: its {@code raw()} for Invalid and Reserved, its fields
     * otherwise (a Table, Block or Page's own {@code raw()} is not consulted).
     *
     * @throws IllegalArgumentException if the fields cannot be encoded under {@code cfg}
     */
    static long encode(Descriptor d, WalkConfig cfg) {
        Objects.requireNonNull(d, "descriptor");
        if (d instanceof Invalid i) {
            return i.raw();
        }
        if (d instanceof Reserved r) {
            return r.raw();
        }
        if (d instanceof Table t) {
            return table(t.nextTableAddress(), t.nsTable(), t.apTable(), t.uxnTable(), t.pxnTable(), cfg);
        }
        if (d instanceof Block b) {
            return block(b.level(), b.outputAddress(), b.attributes(), cfg);
        }
        Page p = (Page) d;
        return page(p.outputAddress(), p.attributes(), cfg);
    }

    /**
     * Whether {@code raw} holds nothing the model ignores (IGNORED or RES0 bits, address bits below
     * a block's alignment), that is whether it survives {@code encode(decode(raw))} unchanged.
     */
    static boolean isWellFormed(long raw, int level, WalkConfig cfg) {
        return encode(decode(raw, level, cfg), cfg) == raw;
    }

    /**
     * A table descriptor with the 48-bit address layout and no attributes.
     *
     * @param nextTable 4K-aligned, below 2^48
     */
    static long table(long nextTable) {
        return OutputAddressField.PA48.insert(nextTable, 12) | 0b11;
    }

    /** A table descriptor with no attributes, in the address layout of {@code cfg}. */
    static long table(long nextTable, WalkConfig cfg) {
        return table(nextTable, false, 0, false, false, cfg);
    }

    /**
     * A table descriptor in the address layout of {@code cfg}.
     *
     * @param nextTable aligned to the granule
     * @throws IllegalArgumentException if an attribute is set at stage 2, where table descriptors
     *     have none
     */
    static long table(long nextTable, boolean nsTable, int apTable, boolean uxnTable, boolean pxnTable,
                      WalkConfig cfg) {
        Objects.requireNonNull(cfg, "cfg");
        if (apTable < 0 || apTable > 3) {
            throw new IllegalArgumentException("APTable is a 2-bit field: " + apTable);
        }
        if (cfg.stage() == Stage.STAGE2 && (nsTable || apTable != 0 || uxnTable || pxnTable)) {
            throw new IllegalArgumentException("stage 2 table descriptors have no attributes");
        }
        long raw = OutputAddressField.of(cfg).insert(nextTable, cfg.granule().shift()) | 0b11;
        return raw | (nsTable ? 1L << 63 : 0) | ((long) apTable << 61)
                | (uxnTable ? 1L << 60 : 0) | (pxnTable ? 1L << 59 : 0);
    }

    /**
     * A block descriptor at {@code level}.
     *
     * @param oa aligned to the block size
     * @throws IllegalArgumentException if the granule permits no block at {@code level}, or the
     *     attributes belong to the other stage
     */
    static long block(int level, long oa, LeafAttributes a, WalkConfig cfg) {
        Objects.requireNonNull(cfg, "cfg");
        if (!cfg.allowsBlockAt(level)) {
            throw new IllegalArgumentException("the " + cfg.granule().label() + " granule with "
                    + cfg.outputBits() + "-bit output has no blocks at level " + level);
        }
        return leaf(oa, cfg.granule().blockShift(level), a, cfg) | 0b01;
    }

    /**
     * A page descriptor (level 3).
     *
     * @param oa aligned to the granule
     * @throws IllegalArgumentException if the attributes belong to the other stage
     */
    static long page(long oa, LeafAttributes a, WalkConfig cfg) {
        Objects.requireNonNull(cfg, "cfg");
        return leaf(oa, cfg.granule().shift(), a, cfg) | 0b11;
    }

    private static long leaf(long oa, int alignment, LeafAttributes a, WalkConfig cfg) {
        Objects.requireNonNull(a, "attributes");
        if (a.stage() != cfg.stage()) {
            throw new IllegalArgumentException(a.stage() + " attributes in a " + cfg.stage() + " descriptor");
        }
        OutputAddressField field = OutputAddressField.of(cfg);
        return field.insert(oa, alignment) | a.toDescriptorBits(field);
    }
}
