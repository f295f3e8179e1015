package dev.lockstep.models.vmsa;

import static dev.lockstep.models.vmsa.Granule.G4K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.vmsa.Translation.Translated;
import org.junit.jupiter.api.Test;

/**
 * Stage 1 permissions: AP[2:1] and XN bits at the leaf, tightened by APTable, UXNTable and PXNTable
 * on the way down, and EL0-writable memory made privileged execute-never.
 */
class WalkerPermissionTest {

    static final WalkConfig CFG = WalkConfig.stage1(G4K, 39, 48, 0x4000_0000L, 0xff);
    static final long VA = 0x40_2030_1ABCL; // L1 index 0x100, L2 0x101, L3 0x101

    /** A table-level restriction: APTable, UXNTable, PXNTable, NSTable. */
    record Limits(int apTable, boolean uxnTable, boolean pxnTable, boolean nsTable) {
        static final Limits NONE = new Limits(0, false, false, false);
    }

    static Translated walk(Limits l1, Limits l2, LeafAttributes leaf) {
        SparseMemory mem = new SparseMemory();
        mem.writeU64(0x4000_0800L,
                Descriptor.table(0x4000_1000L, l1.nsTable(), l1.apTable(), l1.uxnTable(), l1.pxnTable(), CFG));
        mem.writeU64(0x4000_1808L,
                Descriptor.table(0x4000_2000L, l2.nsTable(), l2.apTable(), l2.uxnTable(), l2.pxnTable(), CFG));
        mem.writeU64(0x4000_2808L, Descriptor.page(0x8_7654_3000L, leaf, CFG));
        return assertInstanceOf(Translated.class, Walker.walk(CFG, mem, VA));
    }

    static Permissions leafOnly(int ap) {
        return walk(Limits.NONE, Limits.NONE, LeafAttributes.stage1(0, ap, 3)).permissions();
    }

    @Test
    void apZeroZeroIsPrivilegedReadWriteOnly() {
        // EL0 has no data access, but UXN = 0 still lets it execute: execute-only memory.
        assertEquals(new Permissions(false, false, true, true, true, true), leafOnly(0b00));
    }

    @Test
    void apZeroOneIsReadWriteAtBothLevelsAndThereforePrivilegedExecuteNever() {
        assertEquals(new Permissions(true, true, true, true, true, false), leafOnly(0b01));
    }

    @Test
    void apOneZeroIsPrivilegedReadOnly() {
        assertEquals(new Permissions(false, false, true, true, false, true), leafOnly(0b10));
    }

    @Test
    void apOneOneIsReadOnlyAtBothLevelsAndStaysPrivilegedExecutable() {
        assertEquals(new Permissions(true, false, true, true, false, true), leafOnly(0b11));
    }

    @Test
    void leafExecuteNeverBits() {
        Permissions uxn = walk(Limits.NONE, Limits.NONE, LeafAttributes.stage1(0, 0b11, 3).withUxn(true)).permissions();
        assertFalse(uxn.el0Exec());
        assertTrue(uxn.el1Exec());
        Permissions pxn = walk(Limits.NONE, Limits.NONE, LeafAttributes.stage1(0, 0b11, 3).withPxn(true)).permissions();
        assertTrue(pxn.el0Exec());
        assertFalse(pxn.el1Exec());
    }

    @Test
    void apTableZeroRemovesEl0AccessAndWithItThePrivilegedExecuteNever() {
        // Leaf AP 01 (EL0 RW) under APTable 01: EL0 loses access, so the region is no longer
        // EL0-writable and EL1 may execute it again.
        Permissions p = walk(new Limits(0b01, false, false, false), Limits.NONE, LeafAttributes.stage1(0, 0b01, 3))
                .permissions();
        assertEquals(new Permissions(false, false, true, true, true, true), p);
    }

    @Test
    void apTableOneMakesEverythingBelowReadOnly() {
        // Leaf AP 01 under APTable 10 at level 2: read-only at both ELs, so not EL0-writable.
        Permissions p = walk(Limits.NONE, new Limits(0b10, false, false, false), LeafAttributes.stage1(0, 0b01, 3))
                .permissions();
        assertEquals(new Permissions(true, false, true, true, false, true), p);
    }

    @Test
    void apTableLimitsAccumulateAcrossLevels() {
        // APTable 01 at level 1 and 10 at level 2: no EL0 access and read-only at EL1.
        Permissions p = walk(new Limits(0b01, false, false, false), new Limits(0b10, false, false, false),
                LeafAttributes.stage1(0, 0b01, 3)).permissions();
        assertEquals(new Permissions(false, false, true, true, false, true), p);
    }

    @Test
    void xnTablesForceExecuteNeverBelow() {
        Permissions uxnTable = walk(new Limits(0, true, false, false), Limits.NONE, LeafAttributes.stage1(0, 0b11, 3))
                .permissions();
        assertFalse(uxnTable.el0Exec());
        assertTrue(uxnTable.el1Exec());
        Permissions pxnTable = walk(Limits.NONE, new Limits(0, false, true, false), LeafAttributes.stage1(0, 0b11, 3))
                .permissions();
        assertTrue(pxnTable.el0Exec());
        assertFalse(pxnTable.el1Exec());
    }

    @Test
    void nsTableForcesTheLeafNonSecure() {
        assertFalse(walk(Limits.NONE, Limits.NONE, LeafAttributes.stage1(0, 0, 3)).ns());
        assertTrue(walk(Limits.NONE, Limits.NONE, LeafAttributes.stage1(0, 0, 3).withNs(true)).ns());
        assertTrue(walk(new Limits(0, false, false, true), Limits.NONE, LeafAttributes.stage1(0, 0, 3)).ns());
    }
}
