// The RTKit transcript block of a finding's detail: parsing (tolerant) and the arrows drawn from it.
package dev.lockstep.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptTest {

    /** A detail.txt as the RTKit campaign writes it (title, the scoreboard's lines, the transcript, the replay note). */
    static final String DETAIL = """
            rtkit: after crashlog crash (EPMAP_COMPLETE) the driver sends crashlog buffer, the model does not

            model sent []
            driver sent [ep 0x01 msg0 0x0010400800001000]
            DMA allocations [0x800001000]

            rtkit transcript:
              call: wake
              AP -> IOP: IOP_PWR ON (ep 0x00, 0x0060000000000020)
              waits: wake
              IOP -> AP: EPMAP LAST (ep 0x00, 0x0088000100000003)
              AP -> IOP: EPMAP reply LAST (ep 0x00, 0x0088000100000000)
              IOP -> AP: crashlog crash (ep 0x01, 0x0010400000000000)
              diverges: after crashlog crash (EPMAP_COMPLETE) the driver sends crashlog buffer, the model does not
              model: callback: crashed
              driver: AP -> IOP: crashlog buffer (ep 0x01, 0x0010400800001000)
              model: state: not running, crashed
              driver: state: not running
            end of transcript
            replays identically twice
            """;

    @Test
    void readsTheLinesTheDivergenceAndTheSides() {
        Transcript t = Transcript.parse(DETAIL).orElseThrow();
        assertEquals("after crashlog crash (EPMAP_COMPLETE) the driver sends crashlog buffer, the model does not", t.divergence());
        assertEquals(10, t.lines().size(), t.lines().toString());
        assertEquals(new Transcript.Line(Transcript.Side.AGREED, "call", "wake"), t.lines().get(0));
        assertEquals(new Transcript.Line(Transcript.Side.AGREED, "AP -> IOP", "IOP_PWR ON (ep 0x00, 0x0060000000000020)"),
                t.lines().get(1));
        assertEquals(new Transcript.Line(Transcript.Side.AGREED, "IOP -> AP", "crashlog crash (ep 0x01, 0x0010400000000000)"),
                t.lines().get(5));
        assertEquals(new Transcript.Line(Transcript.Side.MODEL, "callback", "crashed"), t.lines().get(6));
        assertEquals(new Transcript.Line(Transcript.Side.DRIVER, "AP -> IOP", "crashlog buffer (ep 0x01, 0x0010400800001000)"),
                t.lines().get(7));
        assertEquals(new Transcript.Line(Transcript.Side.DRIVER, "state", "not running"), t.lines().get(9));
    }

    @Test
    void arrowsGoBetweenFirmwareDriverAndModelAndTheDivergenceIsRed() {
        List<SequenceDiagram.Arrow> a = Transcript.parse(DETAIL).orElseThrow().arrows();
        // 10 lines and the rule.
        assertEquals(11, a.size());
        assertEquals(new SequenceDiagram.Arrow("AP driver", "AP driver", "call: wake", false), a.get(0));
        assertEquals(new SequenceDiagram.Arrow("AP driver", "firmware (IOP)", "IOP_PWR ON (ep 0x00, 0x0060000000000020)", false), a.get(1));
        assertEquals(new SequenceDiagram.Arrow("firmware (IOP)", "AP driver", "EPMAP LAST (ep 0x00, 0x0088000100000003)", false), a.get(3));
        assertTrue(a.get(6).isRule());
        assertTrue(a.get(6).label().contains("diverges: after crashlog crash"));
        assertEquals(new SequenceDiagram.Arrow("model", "model", "callback: crashed", true), a.get(7));
        assertEquals(new SequenceDiagram.Arrow("AP driver", "firmware (IOP)", "crashlog buffer (ep 0x01, 0x0010400800001000)", true), a.get(8));
        assertTrue(a.subList(0, 6).stream().noneMatch(SequenceDiagram.Arrow::highlight));
        assertTrue(a.subList(6, 11).stream().allMatch(SequenceDiagram.Arrow::highlight));

        String svg = Transcript.parse(DETAIL).orElseThrow().svg("t", "x");
        assertTrue(svg.contains("class=\"sequence-diagram\""), svg);
        assertTrue(svg.contains(">firmware (IOP)<") && svg.contains(">AP driver<") && svg.contains(">model<"), svg);
        assertTrue(svg.contains("message-rule"), svg);
        assertEquals(4, SummaryPageTest.count(svg, "message message-highlight"), svg);
    }

    @Test
    void aSideThatDidNothingIsANoteOnItsLifeline() {
        Transcript t = Transcript.parse("""
                rtkit transcript:
                  IOP -> AP: oslog Init (ep 0x08, 0x010ec310ef162d6b)
                  diverges: after oslog Init (RUNNING) the model sends oslog Ack, the driver does not
                  model: AP -> IOP: oslog Ack (ep 0x08, 0x0300000000000000)
                  driver: (nothing)
                end of transcript
                """).orElseThrow();
        List<SequenceDiagram.Arrow> a = t.arrows();
        assertEquals(new SequenceDiagram.Arrow("model", "firmware (IOP)", "oslog Ack (ep 0x08, 0x0300000000000000)", true), a.get(2));
        assertEquals(new SequenceDiagram.Arrow("AP driver", "AP driver", "(nothing)", true), a.get(3));
    }

    @Test
    void isTolerant() {
        assertTrue(Transcript.parse(null).isEmpty());
        assertTrue(Transcript.parse("").isEmpty());
        assertTrue(Transcript.parse("model sent []\ndriver sent []\n").isEmpty());
        assertTrue(Transcript.parse("rtkit transcript:\nend of transcript\n").isEmpty());
        assertTrue(Transcript.parse("rtkit transcript:\n  garbage\n  :::\n  x:\n").isEmpty());
        // No end, unknown and side-less lines after the divergence are skipped.
        Transcript t = Transcript.parse("rtkit transcript:\n  call: boot\n  ??? what\n  diverges: x\n  stray: line\n  driver: return: boot = 0")
                .orElseThrow();
        assertEquals(List.of(new Transcript.Line(Transcript.Side.AGREED, "call", "boot"),
                new Transcript.Line(Transcript.Side.DRIVER, "return", "boot = 0")), t.lines());
        assertEquals("x", t.divergence());
        // Lines after the block are not part of it.
        assertFalse(Transcript.parse(DETAIL).orElseThrow().lines().stream().anyMatch(l -> l.text().contains("replays")));
    }

    @Test
    void aLongTranscriptKeepsItsEnd() {
        StringBuilder b = new StringBuilder("rtkit transcript:\n");
        for (int i = 0; i < 300; i++) {
            b.append("  IOP -> AP: syslog log ").append(i).append('\n');
        }
        b.append("  diverges: late\n  model: (nothing)\n  driver: callback: crashed\nend of transcript\n");
        List<SequenceDiagram.Arrow> a = Transcript.parse(b.toString()).orElseThrow().arrows();
        assertEquals(Transcript.MAX_ARROWS, a.size());
        assertTrue(a.get(0).isRule() && a.get(0).label().contains("earlier lines left out"), a.get(0).toString());
        assertEquals(new SequenceDiagram.Arrow("AP driver", "AP driver", "callback: crashed", true), a.get(a.size() - 1));
    }
}
