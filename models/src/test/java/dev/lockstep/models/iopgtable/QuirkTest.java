package dev.lockstep.models.iopgtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.WalkConfig;
import org.junit.jupiter.api.Test;

/** The io_pgtable_cfg quirks as the header documents them. */
class QuirkTest {

    @Test
    void aQuirkOutsideItsDocumentedFormatsIsNotAConfiguration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                new PgtableConfig(PgtableFormat.ARM_64_LPAE_S2, Granule.G4K, 48, 48, Quirk.ARM_NS.bit(), true));
        assertTrue(e.getMessage().contains("arm-ns"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () ->
                new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 1L << 3, true));
        assertTrue(new PgtableConfig(PgtableFormat.APPLE_DART, Granule.G4K, 32, 36, Quirk.NO_PERMS.bit(), true).has(Quirk.NO_PERMS));
    }

    @Test
    void noPermsMapsEverythingWithFullAccess() {
        PgtableConfig cfg = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, Quirk.NO_PERMS.bit(), true);
        IoPgtableModel m = new IoPgtableModel(cfg, ContractOptions.defaults());
        MapOutcome o = m.map(0x1000, 0x2000, 0x1000, 1, Prot.of(Prot.NOEXEC | Prot.CACHE));
        assertEquals(0, o.status());
        Prot p = m.lookup(0x1000).orElseThrow().prot();
        assertTrue(p.read() && p.write() && !p.noexec() && p.cache(), p.toString());
        IoPgtableModel plain = new IoPgtableModel(new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 0, true),
                ContractOptions.defaults());
        plain.map(0x1000, 0x2000, 0x1000, 1, Prot.of(Prot.NOEXEC | Prot.CACHE));
        assertFalse(plain.lookup(0x1000).isPresent(), "without the quirk a no-access map installs nothing");
    }

    @Test
    void armNsSetsNsTableInTablesAndNsInLeavesAtStage1Only() {
        WalkConfig s1 = WalkConfig.stage1(Granule.G4K, 48, 48, 0x1000_0000L, 0);
        long t = LpaeEncoding.table(0x2000_0000L, s1, true);
        assertEquals(0x2000_0000L | 0b11 | 1L << 63, t);
        assertEquals("NSTable", LpaeEncoding.tableDiff(t, LpaeEncoding.table(0x2000_0000L, s1, false), 1, s1).get(0).field());
        Descriptor.Table decoded = (Descriptor.Table) Descriptor.decode(t, 1, s1);
        assertTrue(decoded.nsTable());
    }

    @Test
    void softwareBitsAreJudgedOnlyWhenAsked() {
        WalkConfig s1 = WalkConfig.stage1(Granule.G4K, 48, 48, 0x1000_0000L, 0);
        long t = LpaeEncoding.table(0x2000_0000L, s1, false);
        var diffs = LpaeEncoding.tableDiff(t, t | 1L << 55, 1, s1);
        assertEquals("software bits", diffs.get(0).field());
        assertTrue(LpaeEncoding.judged(diffs, ContractOptions.defaults()).isEmpty());
        assertEquals(1, LpaeEncoding.judged(diffs, ContractOptions.defaults().with("softwareBits=ZERO")).size());
    }

    @Test
    void ttbr1TakesTheTopOfTheAddressSpace() {
        PgtableConfig cfg = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, Quirk.ARM_TTBR1.bit(), true);
        IoPgtableModel m = new IoPgtableModel(cfg, ContractOptions.defaults());
        long last = -0x1000L;                      // 0xffff_ffff_ffff_f000: the last page of the space
        assertTrue(cfg.acceptsIova(last));
        assertFalse(cfg.acceptsIova(0x1000));
        assertEquals(0, m.map(last, 0x5000, 0x1000, 1, Prot.of(Prot.READ)).status());
        assertEquals(0x5fffL, m.iovaToPhys(-1L));
        assertEquals(-Errno.ERANGE, m.map(0x1000, 0x5000, 0x1000, 1, Prot.of(Prot.READ)).status());
        assertTrue(cfg.runsPastInputEnd(last, 0x2000));
        assertEquals(0xffff_0000_0000_1000L, cfg.iovaAt(0x1000));
    }
}
