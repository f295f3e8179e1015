// Page-table walks: read from a finding's detail, drawn as SVG with the divergence marked.
package dev.lockstep.reports;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WalkDiagramTest {

    static Document xml(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> byClass(Document d, String tag, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList nl = d.getElementsByTagNameNS("*", tag);
        for (int i = 0; i < nl.getLength(); i++) {
            Element e = (Element) nl.item(i);
            if ((" " + e.getAttribute("class") + " ").contains(" " + cls + " ")) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void parsesEveryWalkAndTakesTheMinimisedRunsLast() {
        List<PageTableWalk> all = PageTableWalk.parseAll(RunDirs.SEMANTIC_DETAIL, "4k");
        assertEquals(2, all.size());
        PageTableWalk w = PageTableWalk.parse(RunDirs.SEMANTIC_DETAIL, "4k").orElseThrow();
        assertEquals("0xffe00b98", w.va());
        assertEquals(List.of(
                new PageTableWalk.Step(0, "0x800000000", 0, "0x0000000800001003", "Table"),
                new PageTableWalk.Step(1, "0x800001000", 3, "0x0000000800002003", "Table"),
                new PageTableWalk.Step(2, "0x800002000", 510, "0x000047afce200f87", "Block")), w.steps());
        assertEquals(List.of("EL0 execute: expected denied, walk gives granted"), w.mismatches());
        assertTrue(w.contract().startsWith("mapped by Mapping["), w.contract());
        assertTrue(w.walk().startsWith("pa 0x47afce200b98 via L2 BLOCK"), w.walk());
        // Same leaf level (2M block at L2 with 4K granule): the attributes of the leaf differ.
        assertEquals(2, w.divergingStep());
        assertEquals("EL0 execute: expected denied, walk gives granted", w.why());
    }

    @Test
    void aWalkThatFaultsDivergesWhereItFaults() {
        String d = """
                va 0xffffa0492660
                contract: mapped by Mapping[iova=1, paddr=2, size=4096, pgsize=4096, prot=R, split=false] -> pa 0xf129d81a6660, permissions P
                walk:     TRANSLATION fault at level 2
                  translation: expected mapped, walk gives TRANSLATION fault at level 2
                walk steps (level, table, index, descriptor):
                  L0 table 0x800000000 [511] = 0x0000000800001003  Table
                  L1 table 0x800001000 [510] = 0x0000000800002003  Table
                  L2 table 0x800002000 [258] = 0x0000000000000000  Invalid
                """;
        PageTableWalk w = PageTableWalk.parse(d, "4k").orElseThrow();
        assertEquals(2, w.divergingStep());
        assertTrue(w.why().startsWith("the walk faults at L2 where the contract maps the address"), w.why());
    }

    @Test
    void aLeafAtTheWrongLevelDivergesAtTheUpperOfTheTwoLevels() {
        // The contract mapped a 2M block (leaf at L2 with 4K), the driver built an L3 table of pages:
        // the walk and the contract part at L2, where one has a table and the other a block.
        String d = """
                va 0x200000
                contract: mapped by Mapping[iova=2097152, paddr=0, size=2097152, pgsize=2097152, prot=R, split=false] -> pa 0x0, x
                walk:     pa 0x0 via L3 PAGE, x
                  level: expected 2, walk gives 3
                walk steps (level, table, index, descriptor):
                  L0 table 0x800000000 [0] = 0x0000000800001003  Table
                  L1 table 0x800001000 [0] = 0x0000000800002003  Table
                  L2 table 0x800002000 [1] = 0x0000000800003003  Table
                  L3 table 0x800003000 [0] = 0x0000000000000743  Page
                """;
        PageTableWalk w = PageTableWalk.parse(d, "4k").orElseThrow();
        assertEquals(2, w.divergingStep());
        assertTrue(w.why().startsWith("the contract puts the leaf at L2, the walk at L3"), w.why());
        // With a 16K granule, 2M is not a leaf size: fall back to the leaf.
        assertEquals(3, PageTableWalk.parse(d, "16k").orElseThrow().divergingStep());
    }

    @Test
    void nothingMappedButTheWalkTranslatesDivergesAtTheLeaf() {
        String d = """
                va 0x1000
                contract: nothing mapped: translation fault
                walk:     pa 0x5000 via L3 PAGE, x
                walk steps (level, table, index, descriptor):
                  L0 table 0x800000000 [0] = 0x0000000800001003  Table
                  L3 table 0x800003000 [1] = 0x0000000000005743  Page
                """;
        PageTableWalk w = PageTableWalk.parse(d, "4k").orElseThrow();
        assertEquals(1, w.divergingStep());
        assertTrue(w.why().contains("maps nothing"), w.why());
    }

    @Test
    void textWithoutStepsHasNoWalk() {
        assertTrue(PageTableWalk.parse("operation: map ...\ncontract:  status -EEXIST\ndriver: status 0\n", "4k").isEmpty());
        assertTrue(PageTableWalk.parse("walk steps (level, table, index, descriptor):\n  L? table zz\n", "4k").isEmpty());
        assertTrue(PageTableWalk.parse("", "").isEmpty());
    }

    @Test
    void leafLevels() {
        assertEquals(3, PageTableWalk.leafLevel(4096, "4k"));
        assertEquals(2, PageTableWalk.leafLevel(2L << 20, "4K"));
        assertEquals(1, PageTableWalk.leafLevel(1L << 30, "4k"));
        assertEquals(2, PageTableWalk.leafLevel(32L << 20, "16k"));
        assertEquals(2, PageTableWalk.leafLevel(512L << 20, "64k"));
        assertEquals(-1, PageTableWalk.leafLevel(8192, "4k"));
        assertEquals(-1, PageTableWalk.leafLevel(4096, ""));
    }

    @Test
    void theDrawingHasABoxPerLevelWithItsDescriptorAndMarksTheDivergence() throws Exception {
        PageTableWalk w = PageTableWalk.parse(RunDirs.SEMANTIC_DETAIL, "4k").orElseThrow();
        String svg = WalkDiagram.svg(w, "t1");
        Document doc = xml(svg); // well-formed
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        for (PageTableWalk.Step s : w.steps()) {
            assertTrue(svg.contains(">" + s.descriptor() + "<"), "descriptor " + s.descriptor());
            assertTrue(svg.contains(">L" + s.level() + " table " + s.table() + "<"), "table of L" + s.level());
            assertTrue(svg.contains(">index [" + s.index() + "]<"), "index of L" + s.level());
        }
        assertEquals(3, byClass(doc, "rect", "walk-step").size());
        List<Element> red = byClass(doc, "rect", "walk-diverges");
        assertEquals(1, red.size());
        // The third box (L2) is the red one: boxes are 200 wide with 52 between, from x = 16.
        assertEquals("520", red.get(0).getAttribute("x"));
        // The descriptor drawn red is the diverging step's.
        List<Element> descriptors = byClass(doc, "text", "walk-descriptor");
        assertEquals(3, descriptors.size());
        assertEquals("0x000047afce200f87", descriptors.get(2).getTextContent());
        assertTrue(svg.contains("EL0 execute: expected denied, walk gives granted"));
        // Ids are prefixed, so two walks can share a page.
        assertTrue(svg.contains("id=\"t1-arrow\""));
    }

    @Test
    void textIsEscaped() throws Exception {
        PageTableWalk w = new PageTableWalk("<va>", "a & b", "x \"y\"", List.of(),
                List.of(new PageTableWalk.Step(1, "0x1", 2, "0x3", "<Table>")), 0, "why <not>");
        xml(WalkDiagram.svg(w, "e")); // parses: nothing unescaped
    }
}
