package dev.lockstep.bench.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.coverage.ConfigSpace.Dimension;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Quirk;
import dev.lockstep.models.vmsa.Granule;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ALLOC parameters a campaign's cases are drawn from. */
class ConfigSpaceTest {
    @TempDir
    Path dir;

    private static final PgtableConfig S1 = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 0, true);
    private static final PgtableConfig DART2 = new PgtableConfig(PgtableFormat.APPLE_DART2, Granule.G16K, 32, 42, 0, true);
    /** The host agent's table memory: 64 MiB at 32 GiB, so it needs 36 output bits. */
    private static final long TABLES_END = 0x8_0000_0000L + (64L << 20);

    @Test
    void aSingleSpaceAlwaysGivesItsConfiguration() {
        ConfigSpace one = ConfigSpace.of(S1);
        assertTrue(one.single());
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 50; i++) {
            assertEquals(S1, one.draw(r));
            assertEquals(S1, one.neighbour(S1, r));
        }
    }

    @Test
    void drawsStayInsideTheModelsRangesTheGivenFormatsAndTheTargetsTableMemory() {
        ConfigSpace space = new ConfigSpace(List.of(S1, DART2), EnumSet.allOf(Dimension.class)).forTables(TABLES_END);
        SplittableRandom r = new SplittableRandom(7);
        Set<PgtableFormat> formats = new HashSet<>();
        Set<Integer> dartOas = new HashSet<>();
        Set<Boolean> walks = new HashSet<>();
        Set<Granule> granules = new HashSet<>();
        Set<Long> quirkSets = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            PgtableConfig c = space.draw(r);
            assertTrue(space.contains(c), c.toString());
            quirkSets.add(c.quirks());
            assertFalse(c.has(Quirk.ARM_OUTER_WBWA) && c.coherentWalk(), "ARM_OUTER_WBWA is documented for a non-coherent walker: " + c);
            assertTrue(c.format() == PgtableFormat.ARM_64_LPAE_S1 || c.quirks() == 0, "DART has no quirk it must accept: " + c);
            formats.add(c.format());
            walks.add(c.coherentWalk());
            assertTrue(c.ias() >= c.format().minIas() && c.ias() <= c.format().maxIas());
            assertTrue(1L << c.oas() >= TABLES_END, "oas " + c.oas() + " cannot address the tables");
            if (c.format() == PgtableFormat.APPLE_DART2) {
                dartOas.add(c.oas());
            } else {
                granules.add(c.granule());
                assertTrue(Set.of(36, 40, 42, 44, 48).contains(c.oas()), "an output size TCR.IPS encodes: " + c.oas());
            }
        }
        assertEquals(Set.of(PgtableFormat.ARM_64_LPAE_S1, PgtableFormat.APPLE_DART2), formats);
        assertEquals(Set.of(36, 42), dartOas, "the DART2 widths of the fact sheet");
        assertEquals(Set.of(true, false), walks);
        assertEquals(Set.of(Granule.G4K, Granule.G16K, Granule.G64K), granules);
        // Every set of ARM_NS, ARM_TTBR1 and ARM_OUTER_WBWA; never NO_PERMS, which a format may refuse.
        assertEquals(8, quirkSets.size(), quirkSets.toString());
        assertTrue(quirkSets.stream().noneMatch(Quirk.NO_PERMS::in));
    }

    @Test
    void aNeighbourDiffersInOneParameter() {
        ConfigSpace space = new ConfigSpace(List.of(S1, DART2), EnumSet.allOf(Dimension.class)).forTables(TABLES_END);
        SplittableRandom r = new SplittableRandom(3);
        int formatChanges = 0;
        for (int i = 0; i < 500; i++) {
            PgtableConfig c = space.draw(r);
            PgtableConfig n = space.neighbour(c, r);
            assertTrue(space.contains(n));
            if (n.format() != c.format()) {
                formatChanges++;
                continue;
            }
            int differ = (n.granule() != c.granule() ? 1 : 0) + (n.ias() != c.ias() ? 1 : 0) + (n.oas() != c.oas() ? 1 : 0)
                    + (n.coherentWalk() != c.coherentWalk() ? 1 : 0) + (n.quirks() != c.quirks() ? 1 : 0);
            assertTrue(differ <= 1, c + " -> " + n);
        }
        assertTrue(formatChanges > 0, "the format is a parameter too when several are given");
    }

    @Test
    void pairsNameTheFormatWithEachVariedValue() {
        ConfigSpace space = new ConfigSpace(List.of(S1), EnumSet.of(Dimension.OAS, Dimension.WALK));
        assertEquals(List.of("arm64-lpae-s1", "arm64-lpae-s1 oas=48", "arm64-lpae-s1 walk=1"), space.pairs(S1));
        ConfigSpace quirky = new ConfigSpace(List.of(S1), EnumSet.of(Dimension.QUIRKS));
        assertEquals(List.of("arm64-lpae-s1", "arm64-lpae-s1 quirks=none"), quirky.pairs(S1));
        PgtableConfig both = new PgtableConfig(S1.format(), S1.granule(), 48, 48, Quirk.ARM_NS.bit() | Quirk.ARM_TTBR1.bit(), true);
        assertEquals(List.of("arm64-lpae-s1", "arm64-lpae-s1 arm-ns", "arm64-lpae-s1 arm-ttbr1"), quirky.pairs(both), "one pair per quirk");
        assertTrue(quirky.contains(both));
        assertFalse(space.contains(both), "quirks not varied: the base's");
        assertFalse(quirky.contains(new PgtableConfig(S1.format(), S1.granule(), 48, 48, Quirk.ARM_OUTER_WBWA.bit(), true)));
    }

    private static PgtableConfig ias(int bits) {
        return new PgtableConfig(S1.format(), S1.granule(), bits, S1.oas(), 0, true);
    }

    @Test
    void anInputSizeIsNamedByTheTableTheWalkStartsAt() {
        ConfigSpace space = new ConfigSpace(List.of(S1), EnumSet.of(Dimension.IAS));
        PgtableConfig s2 = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S2, Granule.G4K, 40, 48, 0, true);
        // 4K: 48 bits start at level 0 with a full table; 40 bits at level 0 with 2 entries; 39 at level 1, full; 33 at level 1, 8 entries.
        assertEquals("granule=12 start=0 top=full", ConfigSpace.topTable(ias(48)));
        assertEquals("granule=12 start=0 top=few", ConfigSpace.topTable(s2));
        assertEquals("granule=12 start=1 top=full", ConfigSpace.topTable(ias(39)));
        assertEquals("granule=12 start=1 top=few", ConfigSpace.topTable(ias(33)));
        assertEquals("granule=12 start=1 top=part", ConfigSpace.topTable(ias(36)));
        assertEquals(space.pairs(ias(44)), space.pairs(ias(45)), "two sizes that give the same start table are one pair");
    }

    @Test
    void theSpaceSurvivesTheRunDirectory() throws Exception {
        ConfigSpace space = new ConfigSpace(List.of(S1, DART2), EnumSet.of(Dimension.GRANULE, Dimension.WALK));
        Path f = dir.resolve("config-space.txt");
        space.store(f);
        assertEquals(space, ConfigSpace.load(f, 0).orElseThrow());
        assertTrue(ConfigSpace.load(dir.resolve("none.txt"), 0).isEmpty());
    }

    @Test
    void anUnknownParameterIsOneLineNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigSpace.parseVary("granule,quirk"));
        assertTrue(e.getMessage().contains("'quirk'") && e.getMessage().contains("granule, ias, oas, walk, quirks, all or none"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(EnumSet.allOf(Dimension.class), ConfigSpace.parseVary("all"));
        assertTrue(ConfigSpace.parseVary("none").isEmpty());
    }
}
