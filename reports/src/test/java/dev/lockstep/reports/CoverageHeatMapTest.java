// Coverage bins laid out as grids: one per group, situations down, sizes across.
package dev.lockstep.reports;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoverageHeatMapTest {

    private static CoverageHeatMap.Grid grid(CoverageHeatMap m, String group) {
        return m.grids().stream().filter(g -> g.group().equals(group)).findFirst().orElseThrow();
    }

    @Test
    void oneGridPerGroupWithSituationsAsRowsAndSizesAsColumns() {
        Map<String, Long> c = new TreeMap<>(Map.of(
                "bin:map/fresh/4K", 10L, "bin:map/fresh/2M", 20L, "bin:map/fresh/1G", 30L,
                "bin:map/over-split/2M", 4L, "bin:map/bad-pgsize/other", 9L, "bin:map/fresh/16K", 2L,
                "bin:unmap/hole/4K", 5L, "bins_hit", 7L, "bins_total", 12L, "driver_edges", 3L));
        CoverageHeatMap m = CoverageHeatMap.of(c);
        assertEquals(List.of("map", "unmap"), m.grids().stream().map(CoverageHeatMap.Grid::group).toList());

        CoverageHeatMap.Grid map = grid(m, "map");
        assertEquals(List.of("bad-pgsize", "fresh", "over-split"), map.rows());
        // By bytes, then words: 4K < 16K < 2M < 1G, then "other".
        assertEquals(List.of("4K", "16K", "2M", "1G", "other"), map.columns());
        assertEquals(30, map.count("fresh", "1G"));
        assertEquals(4, map.count("over-split", "2M"));
        assertEquals(CoverageHeatMap.Grid.ABSENT, map.count("over-split", "4K"));
        assertEquals(9, map.count("bad-pgsize", "other"));
        assertEquals(6, map.bins());
        assertEquals(30, map.max());
        // The row order matches counts[][]: fresh is row 1, 2M column 2.
        assertEquals(20, map.counts()[1][2]);

        assertEquals(List.of("hole"), grid(m, "unmap").rows());
    }

    @Test
    void twoPartKeysHaveOneColumnAndLongKeysKeepTheirMiddle() {
        CoverageHeatMap m = CoverageHeatMap.of(Map.of(
                "bin:prot/R|W", 3L, "bin:prot/NONE", 1L, "bin:walk/fault/translation/L2", 8L, "bin:walk/block/L1", 2L,
                "bin:walk/page/L3", 0L));
        CoverageHeatMap.Grid prot = grid(m, "prot");
        assertEquals(List.of(CoverageHeatMap.ALL), prot.columns());
        assertEquals(List.of("NONE", "R|W"), prot.rows());
        assertEquals(3, prot.count("R|W", CoverageHeatMap.ALL));

        CoverageHeatMap.Grid walk = grid(m, "walk");
        assertEquals(List.of("block", "fault/translation", "page"), walk.rows());
        assertEquals(List.of("L1", "L2", "L3"), walk.columns());
        assertEquals(8, walk.count("fault/translation", "L2"));
        // A bin listed with 0 hits is a bin, not an empty cell.
        assertEquals(0, walk.count("page", "L3"));
        assertEquals(3, walk.bins());
    }

    @Test
    void noBinsNoGrids() {
        assertTrue(CoverageHeatMap.of(Map.of("bins_hit", 3L)).grids().isEmpty());
    }

    @Test
    void sizesParse() {
        assertEquals(4096, CoverageHeatMap.bytes("4K"));
        assertEquals(2L << 20, CoverageHeatMap.bytes("2M"));
        assertEquals(64L << 30, CoverageHeatMap.bytes("64G"));
        assertEquals(-1, CoverageHeatMap.bytes("L3"));
        assertEquals(-1, CoverageHeatMap.bytes("other"));
    }

    @Test
    void theHeatMapPlotHasACellLabelPerBin() {
        CoverageHeatMap.Grid map = CoverageHeatMap.of(Map.of("bin:map/fresh/4K", 1813L, "bin:map/fresh/2M", 845L,
                "bin:map/inside-larger/2M", 35L)).grids().get(0);
        String svg = Charts.heatMap("hm1", map);
        assertTrue(svg.startsWith("<svg"), svg.substring(0, 40));
        for (String s : List.of(">1813<", ">845<", ">35<", ">fresh<", ">inside-larger<", ">4K<", ">2M<")) {
            assertTrue(svg.contains(s), "missing " + s);
        }
    }
}
