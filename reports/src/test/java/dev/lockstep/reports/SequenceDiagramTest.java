// The sequence diagram writer, on a hand-made RTKit transcript.
package dev.lockstep.reports;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequenceDiagramTest {

    // An RTKit boot as the mailbox carries it, written by hand; the last reply is the one a model
    // would flag (the coprocessor answers a power state the host did not ask for).
    static final List<SequenceDiagram.Arrow> TRANSCRIPT = List.of(
            new SequenceDiagram.Arrow("coprocessor", "host", "MGMT HELLO min=11 max=12"),
            new SequenceDiagram.Arrow("host", "coprocessor", "MGMT HELLO_REPLY ver=12"),
            new SequenceDiagram.Arrow("coprocessor", "host", "MGMT EPMAP base=0 bitmap=0x1f"),
            new SequenceDiagram.Arrow("host", "coprocessor", "MGMT EPMAP_REPLY more=0"),
            new SequenceDiagram.Arrow("host", "host", "start endpoint syslog"),
            new SequenceDiagram.Arrow("host", "coprocessor", "MGMT IOP_PWR_STATE 0x20"),
            new SequenceDiagram.Arrow("coprocessor", "host", "MGMT IOP_PWR_STATE_ACK 0x10", true));

    @Test
    void participantsInOrderOfFirstAppearance() {
        assertEquals(List.of("coprocessor", "host"), SequenceDiagram.participants(TRANSCRIPT));
    }

    @Test
    void oneArrowPerMessageWithItsLabelAndTheHighlightInRed() throws Exception {
        String svg = SequenceDiagram.svg(List.of("host", "coprocessor"), TRANSCRIPT, "RTKit boot", "rt");
        Document d = WalkDiagramTest.xml(svg);
        assertEquals(2, WalkDiagramTest.byClass(d, "rect", "participant").size());
        List<Element> messages = WalkDiagramTest.byClass(d, "text", "message");
        assertEquals(TRANSCRIPT.size(), messages.size());
        for (int i = 0; i < TRANSCRIPT.size(); i++) {
            assertEquals(TRANSCRIPT.get(i).label(), messages.get(i).getTextContent());
        }
        List<Element> red = WalkDiagramTest.byClass(d, "text", "message-highlight");
        assertEquals(1, red.size());
        assertEquals("MGMT IOP_PWR_STATE_ACK 0x10", red.get(0).getTextContent());
        // Columns in the order given: host left of coprocessor.
        List<Element> heads = WalkDiagramTest.byClass(d, "rect", "participant");
        assertTrue(Double.parseDouble(heads.get(0).getAttribute("x")) < Double.parseDouble(heads.get(1).getAttribute("x")));
        // The self-message is a loop (a path), the others lines with arrow heads.
        assertEquals(1, d.getElementsByTagNameNS("*", "path").getLength() - 2); // 2 paths are the markers' heads
        assertTrue(svg.contains("<title>RTKit boot</title>"));
    }

    @Test
    void participantsMissingFromTheGivenOrderAreAdded() throws Exception {
        String svg = SequenceDiagram.svg(List.of("host"), List.of(new SequenceDiagram.Arrow("host", "model", "predict <x>")),
                "t", "p");
        Document d = WalkDiagramTest.xml(svg);
        assertEquals(2, WalkDiagramTest.byClass(d, "rect", "participant").size());
        assertTrue(svg.contains("predict &lt;x&gt;"));
    }
}
