// The RTKit message transcript in a finding's detail, read back for the sequence diagram.
package dev.lockstep.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code rtkit transcript:} block the RTKit campaign appends to each finding's detail
 * (bench's RtkitTranscript writes it; docs/reports.md), read back as lines:
 *
 * <pre>
 * rtkit transcript:
 *   IOP -&gt; AP: HELLO (ep 0x00, 0x00100000000c000b)
 *   AP -&gt; IOP: HELLO_REPLY (ep 0x00, 0x00200000000c000c)
 *   call: boot
 *   diverges: after EPMAP LAST (AWAIT_EPMAP) the driver sends ..., the model does not
 *   model: (nothing)
 *   driver: AP -&gt; IOP: EPMAP reply LAST (ep 0x00, 0x...)
 * end of transcript
 * </pre>
 *
 * Lines before {@code diverges:} are agreed (what the driver did, and the model with it); after it
 * each line belongs to the model or the driver. Reading is tolerant: a detail without the block
 * gives nothing, unknown or blank lines are skipped, a block without its end runs to the end of
 * the text, and nothing here throws on any text.
 *
 * @param lines      the transcript's lines in order
 * @param divergence the {@code diverges:} text, or "" if the block has none
 */
public record Transcript(List<Line> lines, String divergence) {

    public static final String BEGIN = "rtkit transcript:";
    public static final String END = "end of transcript";

    /** The lifelines of the diagram, left to right. */
    public static final String FIRMWARE = "firmware (IOP)";
    public static final String DRIVER = "AP driver";
    public static final String MODEL = "model";

    /** Longest transcript drawn; a longer one keeps its last lines (the divergence) and says so. */
    static final int MAX_ARROWS = 80;

    /** Who a line belongs to: both sides (before the divergence), or one of them after it. */
    public enum Side { AGREED, MODEL, DRIVER }

    /**
     * One transcript line.
     *
     * @param side who did it
     * @param kind {@code IOP -> AP}, {@code AP -> IOP}, {@code call}, {@code callback}, {@code return}, ...,
     *             or {@code nothing} for a side that did nothing
     * @param text what, after the kind
     */
    public record Line(Side side, String kind, String text) {
        public Line {
            Objects.requireNonNull(side, "side");
            kind = Objects.requireNonNullElse(kind, "");
            text = Objects.requireNonNullElse(text, "");
        }
    }

    public Transcript {
        lines = List.copyOf(lines);
        divergence = Objects.requireNonNullElse(divergence, "");
    }

    /** The transcript in {@code detail}, or empty when the detail has no (readable) transcript block. */
    public static Optional<Transcript> parse(String detail) {
        if (detail == null) {
            return Optional.empty();
        }
        List<String> text = detail.lines().toList();
        int begin = -1;
        for (int i = 0; i < text.size(); i++) {
            if (text.get(i).trim().equals(BEGIN)) {
                begin = i;
                break;
            }
        }
        if (begin < 0) {
            return Optional.empty();
        }
        List<Line> out = new ArrayList<>();
        String divergence = "";
        boolean after = false;
        for (int i = begin + 1; i < text.size(); i++) {
            String l = text.get(i).trim();
            if (l.equals(END)) {
                break;
            }
            if (l.startsWith("diverges:")) {
                after = true;
                divergence = l.substring("diverges:".length()).trim();
                continue;
            }
            Side side = Side.AGREED;
            if (after && l.startsWith("model:")) {
                side = Side.MODEL;
                l = l.substring("model:".length()).trim();
            } else if (after && l.startsWith("driver:")) {
                side = Side.DRIVER;
                l = l.substring("driver:".length()).trim();
            } else if (after) {
                continue; // after the divergence every line names its side
            }
            if (l.equals("(nothing)") && side != Side.AGREED) {
                out.add(new Line(side, "nothing", "(nothing)"));
                continue;
            }
            int colon = l.indexOf(": ");
            if (colon <= 0) {
                continue;
            }
            String kind = l.substring(0, colon).trim();
            if (!kind.matches("[A-Za-z][A-Za-z -]*|IOP -> AP|AP -> IOP") || kind.length() > 20) {
                continue;
            }
            out.add(new Line(side, kind, l.substring(colon + 2).trim()));
        }
        if (out.isEmpty() && divergence.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Transcript(out, divergence));
    }

    /**
     * The arrows of the diagram (lifelines {@link #FIRMWARE}, {@link #DRIVER}, {@link #MODEL}):
     * firmware messages from the firmware to the driver, the AP's messages back, calls, callbacks
     * and returns as notes on the lifeline that made them; the divergence as a red rule, then the
     * model's and the driver's own lines, in red. A transcript longer than {@link #MAX_ARROWS}
     * keeps its last lines, after a note saying how many were left out.
     */
    public List<SequenceDiagram.Arrow> arrows() {
        List<SequenceDiagram.Arrow> out = new ArrayList<>();
        int firstSide = lines.size();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).side() != Side.AGREED) {
                firstSide = i;
                break;
            }
        }
        for (int i = 0; i < lines.size(); i++) {
            if (i == firstSide && !divergence.isEmpty()) {
                out.add(SequenceDiagram.Arrow.rule("✗ diverges: " + divergence));
            }
            Line l = lines.get(i);
            boolean red = l.side() != Side.AGREED;
            String self = l.side() == Side.MODEL ? MODEL : DRIVER;
            switch (l.kind()) {
                case "IOP -> AP" -> out.add(new SequenceDiagram.Arrow(FIRMWARE, self, l.text(), red));
                case "AP -> IOP" -> out.add(new SequenceDiagram.Arrow(self, FIRMWARE, l.text(), red));
                case "nothing" -> out.add(new SequenceDiagram.Arrow(self, self, "(nothing)", red));
                default -> out.add(new SequenceDiagram.Arrow(self, self, l.kind() + ": " + l.text(), red));
            }
        }
        if (firstSide == lines.size() && !divergence.isEmpty()) {
            out.add(SequenceDiagram.Arrow.rule("✗ diverges: " + divergence));
        }
        if (out.size() > MAX_ARROWS) {
            int cut = out.size() - MAX_ARROWS + 1;
            List<SequenceDiagram.Arrow> kept = new ArrayList<>();
            kept.add(SequenceDiagram.Arrow.rule("… " + cut + " earlier lines left out (the detail has them)"));
            kept.addAll(out.subList(cut, out.size()));
            return kept;
        }
        return out;
    }

    /** The SVG sequence diagram of this transcript. */
    public String svg(String title, String idPrefix) {
        return SequenceDiagram.svg(List.of(FIRMWARE, DRIVER, MODEL), arrows(), title, idPrefix);
    }
}
