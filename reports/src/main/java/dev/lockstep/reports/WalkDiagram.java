// Draws a page-table walk as SVG: one box per level, arrows between them, the divergence in red.
package dev.lockstep.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SVG picture of a {@link PageTableWalk}: left to right one box per descriptor fetch (level,
 * table address, index, descriptor value, kind), an arrow from each to the next, and a last box
 * with where the walk ends up. The step where the contract and the walk part ways is drawn in red,
 * with a note below it saying how, and the contract's and the walk's full words.
 */
public final class WalkDiagram {
    private static final double BOX_W = 200;
    private static final double BOX_H = 104;
    private static final double GAP = 52;
    private static final double MARGIN = 16;
    private static final int NOTE_CHARS = 150;

    private static final String INK = "#1f2a44";
    private static final String BOX_FILL = "#f4f6fb";
    private static final String BOX_STROKE = "#5b6b8c";
    private static final String RED = "#c62828";
    private static final String RED_FILL = "#fdecea";

    private static final Pattern CONTRACT_PA = Pattern.compile("-> (pa 0x[0-9a-fA-F]+)");

    private WalkDiagram() {
    }

    /**
     * The SVG element. {@code idPrefix} makes its internal ids unique in a page holding several.
     */
    public static String svg(PageTableWalk w, String idPrefix) {
        Svg s = new Svg(idPrefix).arrowMarker("arrow", BOX_STROKE).arrowMarker("arrow-red", RED);
        int n = w.steps().size();
        double top = MARGIN + 18;
        s.text(MARGIN, MARGIN + 4, "walk of va " + (w.va().isEmpty() ? "?" : w.va()), 13, "start", false, "bold", INK, null);

        for (int i = 0; i < n; i++) {
            PageTableWalk.Step st = w.steps().get(i);
            double x = MARGIN + i * (BOX_W + GAP);
            boolean red = i == w.divergingStep();
            s.rect(x, top, BOX_W, BOX_H, red ? RED_FILL : BOX_FILL, red ? RED : BOX_STROKE, red ? 2.5 : 1.2,
                    red ? "walk-step walk-diverges" : "walk-step");
            double cx = x + 10;
            s.text(cx, top + 20, "L" + st.level() + " table " + st.table(), 12, "start", true, "bold", INK, null);
            s.text(cx, top + 40, "index [" + st.index() + "]", 12, "start", true, null, INK, null);
            s.text(cx, top + 60, st.descriptor(), 12, "start", true, null, red ? RED : INK, "walk-descriptor");
            s.text(cx, top + 80, st.kind().isEmpty() ? "descriptor" : st.kind(), 12, "start", false, "bold",
                    red ? RED : BOX_STROKE, null);
            if (red) {
                s.text(x + BOX_W - 8, top + 96, "✗ diverges here", 11, "end", false, "bold", RED, null);
            }
            double ax = x + BOX_W;
            s.line(ax + 2, top + BOX_H / 2, ax + GAP - 4, top + BOX_H / 2, i >= w.divergingStep() ? RED : BOX_STROKE,
                    1.6, null, s.markerRef(i >= w.divergingStep() ? "arrow-red" : "arrow"));
        }

        // Where the walk ends up, and what the contract says it should.
        double rx = MARGIN + n * (BOX_W + GAP);
        s.rect(rx, top, BOX_W + 40, BOX_H, "#ffffff", BOX_STROKE, 1.2, "walk-result");
        s.text(rx + 10, top + 20, "result", 12, "start", false, "bold", INK, null);
        s.text(rx + 10, top + 42, "walk: " + shortWalk(w.walk()), 11, "start", true, null, RED, null);
        s.text(rx + 10, top + 64, "contract: " + shortContract(w.contract()), 11, "start", true, null, "#2e7d32", null);

        // The note under the divergence: how they part, then both sides in full.
        List<String> note = new ArrayList<>();
        List<String> whyLines = Svg.wrap("✗ " + w.why(), NOTE_CHARS);
        note.addAll(whyLines);
        if (!w.contract().isEmpty()) {
            note.addAll(Svg.wrap("contract: " + w.contract(), NOTE_CHARS));
        }
        if (!w.walk().isEmpty()) {
            note.addAll(Svg.wrap("walk:     " + w.walk(), NOTE_CHARS));
        }
        double dx = MARGIN + w.divergingStep() * (BOX_W + GAP) + BOX_W / 2;
        double ny = top + BOX_H + 34;
        s.line(dx, top + BOX_H, dx, ny - 14, RED, 1.2, "4 3", null);
        for (int i = 0; i < note.size(); i++) {
            boolean why = i < whyLines.size();
            s.text(MARGIN, ny + i * 16, note.get(i), 11.5, "start", true, why ? "bold" : null, why ? RED : INK,
                    why ? "walk-why" : null);
        }
        double width = Math.max(rx + BOX_W + 40 + MARGIN, MARGIN * 2 + NOTE_CHARS * Svg.MONO_CHAR * 11.5 / 12);
        double height = ny + note.size() * 16 + MARGIN;
        return s.toSvg(width, height, "walk-diagram", "page-table walk of va " + w.va() + ": " + w.why());
    }

    // "pa 0x47afce200238 via L2 BLOCK, Permissions[...]" -> "pa 0x47afce200238 via L2 BLOCK"
    private static String shortWalk(String walk) {
        int comma = walk.indexOf(", ");
        String s = comma > 0 ? walk.substring(0, comma) : walk;
        return s.isEmpty() ? "?" : Svg.abbreviate(s, 34);
    }

    private static String shortContract(String contract) {
        Matcher m = CONTRACT_PA.matcher(contract);
        if (m.find()) {
            return m.group(1);
        }
        if (contract.startsWith("nothing mapped")) {
            return "nothing mapped";
        }
        return contract.isEmpty() ? "?" : Svg.abbreviate(contract, 30);
    }
}
