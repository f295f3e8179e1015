package dev.lockstep.models.iopgtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.vmsa.Permissions;
import dev.lockstep.models.vmsa.Shareability;
import org.junit.jupiter.api.Test;

class Stage1SemanticsTest {
    private final ContractOptions opts = ContractOptions.defaults();

    @Test
    void privRemovesEveryEl0Right() {
        Permissions p = Stage1Semantics.expectedPermissions(Prot.of(Prot.READ | Prot.WRITE | Prot.PRIV), opts);
        assertTrue(p.el1Read());
        assertTrue(p.el1Write());
        assertFalse(p.el0Read());
        assertFalse(p.el0Write());
        assertFalse(p.el0Exec());
        assertTrue(p.el1Exec());
    }

    @Test
    void el0WritableIsNeverPrivilegedExecutable() {
        Permissions p = Stage1Semantics.expectedPermissions(Prot.of(Prot.READ | Prot.WRITE), opts);
        assertTrue(p.el0Write());
        assertTrue(p.el0Exec());
        assertFalse(p.el1Exec());
    }

    @Test
    void noexecForbidsFetchEverywhere() {
        Permissions p = Stage1Semantics.expectedPermissions(Prot.of(Prot.READ | Prot.NOEXEC | Prot.PRIV), opts);
        assertFalse(p.el1Exec());
        assertFalse(p.el0Exec());
        assertFalse(p.el1Write());
    }

    @Test
    void writeOnlyGrantsReadUnlessAskedExact() {
        assertTrue(Stage1Semantics.expectedPermissions(Prot.of(Prot.WRITE), opts).el1Read());
        assertFalse(Stage1Semantics.expectedPermissions(Prot.of(Prot.WRITE), opts.with("writeOnly=EXACT")).el1Read());
    }

    @Test
    void memoryTypeFollowsMmioThenCache() {
        assertEquals("Device-nGnRE", Stage1Semantics.expectedMemory(Prot.of(Prot.MMIO | Prot.CACHE | Prot.READ), opts));
        assertEquals("Normal-WB", Stage1Semantics.expectedMemory(Prot.of(Prot.CACHE | Prot.READ), opts));
        assertEquals("Normal-NC", Stage1Semantics.expectedMemory(Prot.of(Prot.READ), opts));
        assertEquals(Shareability.INNER, Stage1Semantics.expectedShareability(Prot.of(Prot.CACHE | Prot.READ), opts));
        assertEquals(Shareability.OUTER, Stage1Semantics.expectedShareability(Prot.of(Prot.READ), opts));
    }

    @Test
    void protParsesWhatItPrints() {
        for (int b = 0; b <= Prot.ALL; b++) {
            assertEquals(Prot.of(b), Prot.parse(Prot.of(b).toString()));
        }
    }

    @Test
    void mismatchKeysCarryNoAddresses() {
        dev.lockstep.models.vmsa.Translation stray = new dev.lockstep.models.vmsa.Translation.Translated(0x1234000L, 0xdead000L, 3,
                dev.lockstep.models.vmsa.DescriptorKind.PAGE, 0x1000, new Permissions(true, true, true, true, true, false),
                dev.lockstep.models.vmsa.MemoryType.fromMairAttr(0xff), Shareability.INNER, 3, true, false, true, false, java.util.List.of());
        var mm = Stage1Semantics.compare(java.util.Optional.empty(), 0x1234000L, stray, opts);
        assertEquals(1, mm.size());
        assertFalse(mm.get(0).key().matches(".*0x[0-9a-f]+.*"), mm.get(0).key());
    }
}
