package dev.lockstep.models.dart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.iopgtable.LpaeEncoding;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.Prot;
import java.util.List;
import org.junit.jupiter.api.Test;

class DartEncodingTest {

    @Test
    void aDart1ReadWritePage() {
        Mapping m = new Mapping(0x4000, 0x12345000L, 0x1000, 0x1000, Prot.of(Prot.READ | Prot.WRITE), false);
        // VALID (bit 0) | SP_DIS (bit 1, option spDis=SET) | OA in place (35:12) | SUBPAGE_END 0xfff (51:40)
        assertEquals(0x000fff0012345003L, DartEncoding.leaf(m, 0x4123, DartLayout.DART1, 0x1000, DartOptions.defaults()));
        DartOptions clear = DartOptions.defaults().with("spDis=CLEAR");
        assertEquals(0x000fff0012345001L, DartEncoding.leaf(m, 0x4123, DartLayout.DART1, 0x1000, clear));
    }

    @Test
    void aDart2ReadOnlyUncachedPage() {
        Mapping m = new Mapping(0, 0x812344000L, 0x4000, 0x4000, Prot.of(Prot.READ), false);
        // PTE[37:10] = PA[41:14] (PA >> 4) | VALID | NO_CACHE (bit 1, no IOMMU_CACHE) | NO_WRITE (bit 2) | END 0xfff
        assertEquals(0x000fff0081234407L, DartEncoding.leaf(m, 0x10, DartLayout.DART2, 0x4000, DartOptions.defaults()));
    }

    @Test
    void diffNamesTheCacheBitOnDart2() {
        Mapping m = new Mapping(0, 0x812344000L, 0x4000, 0x4000, Prot.of(Prot.READ | Prot.WRITE | Prot.CACHE), false);
        long want = DartEncoding.leaf(m, 0, DartLayout.DART2, 0x4000, DartOptions.defaults());
        List<LpaeEncoding.FieldDiff> d = DartEncoding.diff(want, want | 0b10, DartLayout.DART2);
        assertEquals(List.of("NO_CACHE"), d.stream().map(LpaeEncoding.FieldDiff::field).toList());
        assertTrue(DartEncoding.diff(want, want, DartLayout.DART2).isEmpty());
    }
}
