// Draws a message transcript (RTKit mailbox traffic, link frames, ...) as an SVG sequence diagram.
package dev.lockstep.reports;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A sequence diagram: participants as columns with a dashed lifeline each, and one arrow per
 * message, top to bottom in order, its label above it. A message to oneself is a small loop. A
 * message can be highlighted (drawn in red), e.g. the first one where the target and the model
 * disagree.
 *
 * <p>Generic on purpose: built for the RTKit transcript (host, coprocessor, model), usable for any
 * list of (from, to, label).
 */
public final class SequenceDiagram {

    /**
     * One message.
     *
     * @param from      the sender
     * @param to        the receiver (may be the sender)
     * @param label     what was sent, one line
     * @param highlight whether to draw it in red
     */
    public record Arrow(String from, String to, String label, boolean highlight) {
        public Arrow {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            label = Objects.requireNonNullElse(label, "");
        }

        public Arrow(String from, String to, String label) {
            this(from, to, label, false);
        }

        /**
         * Not a message but a rule across every lifeline with {@code label} above it (drawn in red),
         * e.g. "diverges here": its {@code from} and {@code to} are both "".
         */
        public static Arrow rule(String label) {
            return new Arrow("", "", label, true);
        }

        /** Whether this is a {@link #rule}. */
        public boolean isRule() {
            return from.isEmpty() && to.isEmpty();
        }
    }

    private static final double MIN_LANE = 220;
    private static final double HEAD_W = 150;
    private static final double HEAD_H = 34;
    private static final double ROW = 40;
    private static final double MARGIN = 16;
    private static final String INK = "#1f2a44";
    private static final String RED = "#c62828";

    private SequenceDiagram() {
    }

    /** The participants in order of first appearance. */
    public static List<String> participants(List<Arrow> arrows) {
        Set<String> p = new LinkedHashSet<>();
        for (Arrow a : arrows) {
            if (a.isRule()) {
                continue;
            }
            p.add(a.from());
            p.add(a.to());
        }
        return new ArrayList<>(p);
    }

    /** The SVG element for {@code arrows}, participants in order of first appearance. */
    public static String svg(List<Arrow> arrows, String title, String idPrefix) {
        return svg(participants(arrows), arrows, title, idPrefix);
    }

    /**
     * The SVG element; {@code participants} gives the column order, and participants used by an
     * arrow but missing from it are added at the right.
     */
    public static String svg(List<String> participants, List<Arrow> arrows, String title, String idPrefix) {
        List<String> cols = new ArrayList<>(participants);
        for (String p : participants(arrows)) {
            if (!cols.contains(p)) {
                cols.add(p);
            }
        }
        // Lanes wide enough for the longest label between neighbours (longer ones are cut with "…").
        int longest = arrows.stream().filter(a -> !a.from().equals(a.to())).mapToInt(a -> a.label().length()).max().orElse(0);
        // A note on a lifeline that is not the last one runs into the next lane: make room for it too.
        String lastCol = cols.isEmpty() ? "" : cols.get(cols.size() - 1);
        int longestSelf = arrows.stream().filter(a -> !a.isRule() && a.from().equals(a.to()) && !a.from().equals(lastCol))
                .mapToInt(a -> a.label().length()).max().orElse(0);
        double lane = Math.max(MIN_LANE, Math.min(600, Math.max(longest * Svg.MONO_CHAR + 40, longestSelf * Svg.MONO_CHAR + 60)));
        Svg s = new Svg(idPrefix).arrowMarker("arrow", INK).arrowMarker("arrow-red", RED);
        double top = MARGIN;
        double lifeTop = top + HEAD_H;
        double bottom = lifeTop + ROW * (arrows.size() + 1);
        for (int i = 0; i < cols.size(); i++) {
            double cx = center(i, lane);
            s.rect(cx - HEAD_W / 2, top, HEAD_W, HEAD_H, "#eef2fa", "#5b6b8c", 1.2, "participant");
            s.text(cx, top + 22, Svg.abbreviate(cols.get(i), 20), 13, "middle", false, "bold", INK, null);
            s.line(cx, lifeTop, cx, bottom, "#9aa5bd", 1, "5 4", null);
        }
        for (int k = 0; k < arrows.size(); k++) {
            Arrow a = arrows.get(k);
            double y = lifeTop + ROW * (k + 1);
            if (a.isRule()) {
                double x1 = MARGIN;
                double x2 = center(Math.max(cols.size() - 1, 0), lane) + HEAD_W / 2;
                s.line(x1, y, x2, y, RED, 1.6, "6 4", null);
                s.text(x1 + 4, y - 6, Svg.abbreviate(a.label(), Math.max(12, (int) ((x2 - x1) / Svg.MONO_CHAR) - 2)), 12, "start",
                        false, "bold", RED, "message-rule");
                continue;
            }
            int f = cols.indexOf(a.from());
            int t = cols.indexOf(a.to());
            String color = a.highlight() ? RED : INK;
            String marker = s.markerRef(a.highlight() ? "arrow-red" : "arrow");
            String cls = a.highlight() ? "message message-highlight" : "message";
            if (f == t) {
                double x = center(f, lane);
                s.path("M " + Svg.n(x) + " " + Svg.n(y - 10) + " h 36 v 16 h -34", color, 1.4, marker);
                String label = f == cols.size() - 1 ? a.label()
                        : Svg.abbreviate(a.label(), Math.max(12, (int) ((lane - 60) / Svg.MONO_CHAR)));
                s.text(x + 42, y, label, 12, "start", true, a.highlight() ? "bold" : null, color, cls);
            } else {
                double x1 = center(f, lane);
                double x2 = center(t, lane);
                double dir = Math.signum(x2 - x1);
                s.line(x1, y, x2 - dir * 2, y, color, 1.4, null, marker);
                int room = Math.max(12, (int) (Math.abs(x2 - x1) / Svg.MONO_CHAR) - 2);
                s.text((x1 + x2) / 2, y - 6, Svg.abbreviate(a.label(), room), 12, "middle", true,
                        a.highlight() ? "bold" : null, color, cls);
            }
        }
        int selfLabel = arrows.stream().filter(a -> !a.isRule() && a.from().equals(a.to()) && a.from().equals(lastCol)).mapToInt(a -> a.label().length()).max().orElse(0);
        double width = MARGIN * 2 + lane * Math.max(cols.size() - 1, 0) + HEAD_W / 2 + Math.max(HEAD_W / 2, 50 + selfLabel * Svg.MONO_CHAR);
        return s.toSvg(width, bottom + MARGIN, "sequence-diagram", title);
    }

    private static double center(int column, double lane) {
        return MARGIN + HEAD_W / 2 + column * lane;
    }
}
