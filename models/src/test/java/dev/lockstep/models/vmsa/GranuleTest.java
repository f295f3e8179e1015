package dev.lockstep.models.vmsa;

import static dev.lockstep.models.vmsa.Granule.G16K;
import static dev.lockstep.models.vmsa.Granule.G4K;
import static dev.lockstep.models.vmsa.Granule.G64K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GranuleTest {

    @Test
    void sizeAndBitsPerLevelFollowFromTheShift() {
        // A table is one granule of 8-byte descriptors: 2^12/8 = 2^9, 2^14/8 = 2^11, 2^16/8 = 2^13.
        assertEquals(12, G4K.shift());
        assertEquals(4096, G4K.size());
        assertEquals(9, G4K.bitsPerLevel());
        assertEquals(14, G16K.shift());
        assertEquals(16384, G16K.size());
        assertEquals(11, G16K.bitsPerLevel());
        assertEquals(16, G64K.shift());
        assertEquals(65536, G64K.size());
        assertEquals(13, G64K.bitsPerLevel());
    }

    @ParameterizedTest(name = "{0} level {1} maps {2}")
    @CsvSource({
        // 4K: 4K, then x512 per level: 2M, 1G, 512G
        "G4K, 3, 0x1000",
        "G4K, 2, 0x200000",
        "G4K, 1, 0x40000000",
        "G4K, 0, 0x8000000000",
        // 16K: 16K, then x2048: 32M, 64G, 128T
        "G16K, 3, 0x4000",
        "G16K, 2, 0x2000000",
        "G16K, 1, 0x1000000000",
        "G16K, 0, 0x800000000000",
        // 64K: 64K, then x8192: 512M, 4T
        "G64K, 3, 0x10000",
        "G64K, 2, 0x20000000",
        "G64K, 1, 0x40000000000",
    })
    void blockSizeIsTheRegionOneDescriptorMaps(Granule g, int level, String size) {
        assertEquals(Long.decode(size), g.blockSize(level));
    }

    @Test
    void levelsOutsideTheGranuleAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> G64K.blockSize(0));
        assertThrows(IllegalArgumentException.class, () -> G4K.blockSize(4));
        assertThrows(IllegalArgumentException.class, () -> G4K.blockSize(-1));
        assertEquals(1, G64K.firstLevel());
        assertEquals(0, G16K.firstLevel());
        assertFalse(G64K.hasLevel(0));
        assertTrue(G4K.hasLevel(0));
    }

    @ParameterizedTest(name = "{0} level {1}, {2}-bit output: block allowed {3}")
    @CsvSource({
        "G4K, 0, 48, false", "G4K, 0, 52, true", "G4K, 1, 48, true", "G4K, 2, 48, true", "G4K, 3, 48, false",
        "G16K, 0, 52, false", "G16K, 1, 48, false", "G16K, 1, 52, true", "G16K, 2, 40, true", "G16K, 3, 52, false",
        "G64K, 0, 52, false", "G64K, 1, 48, false", "G64K, 1, 52, true", "G64K, 2, 48, true", "G64K, 3, 48, false",
    })
    void blocksOnlyWhereTheArchitecturePermitsThem(Granule g, int level, int outputBits, boolean allowed) {
        assertEquals(allowed, g.allowsBlockAt(level, outputBits));
    }

    @Test
    void ofSizeFindsOnlyArchitecturalGranules() {
        assertEquals(Optional.of(G4K), Granule.ofSize(4096));
        assertEquals(Optional.of(G16K), Granule.ofSize(16384));
        assertEquals(Optional.of(G64K), Granule.ofSize(65536));
        assertEquals(Optional.empty(), Granule.ofSize(8192));
        assertEquals(Optional.empty(), Granule.ofSize(0));
    }

    @Test
    void labels() {
        assertEquals("4k", G4K.label());
        assertEquals("16k", G16K.label());
        assertEquals("64k", G64K.label());
    }
}
