// A small SVG writer for the pictures Lockstep draws itself (walks, sequence diagrams).
package dev.lockstep.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds one {@code <svg>} element as text, fit to be inlined in an HTML page or saved as a file.
 * Coordinates are in user units (pixels at 100 %). Text is escaped; the caller chooses ids, and
 * must make them unique in the page ({@link #id(String)} prefixes them).
 */
final class Svg {
    /** Width of one character of the 12 px monospace font, for laying out text. */
    static final double MONO_CHAR = 7.3;

    private final StringBuilder body = new StringBuilder();
    private final String idPrefix;

    Svg(String idPrefix) {
        this.idPrefix = idPrefix;
    }

    String id(String local) {
        return idPrefix + "-" + local;
    }

    /** Defines an arrow head marker named {@code name} in {@code color}; refer to it with {@link #markerRef}. */
    Svg arrowMarker(String name, String color) {
        body.append("<defs><marker id=\"").append(id(name)).append("\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" ")
                .append("markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">")
                .append("<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"").append(color).append("\"/></marker></defs>\n");
        return this;
    }

    String markerRef(String name) {
        return "url(#" + id(name) + ")";
    }

    Svg rect(double x, double y, double w, double h, String fill, String stroke, double strokeWidth, String cssClass) {
        body.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" rx=\"4\" fill=\"").append(fill).append("\" stroke=\"")
                .append(stroke).append("\" stroke-width=\"").append(n(strokeWidth)).append('"');
        cls(cssClass).append("/>\n");
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, double width, String dash, String markerEnd) {
        body.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(stroke).append("\" stroke-width=\"")
                .append(n(width)).append('"');
        if (dash != null) {
            body.append(" stroke-dasharray=\"").append(dash).append('"');
        }
        if (markerEnd != null) {
            body.append(" marker-end=\"").append(markerEnd).append('"');
        }
        body.append("/>\n");
        return this;
    }

    Svg path(String d, String stroke, double width, String markerEnd) {
        body.append("<path d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"").append(n(width)).append('"');
        if (markerEnd != null) {
            body.append(" marker-end=\"").append(markerEnd).append('"');
        }
        body.append("/>\n");
        return this;
    }

    /** Text at (x, y) (baseline); {@code anchor} is start, middle or end. */
    Svg text(double x, double y, String text, double size, String anchor, boolean mono, String weight, String fill,
             String cssClass) {
        body.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" font-size=\"").append(n(size))
                .append("\" text-anchor=\"").append(anchor).append("\" font-family=\"")
                .append(mono ? "DejaVu Sans Mono, Menlo, Consolas, monospace" : "DejaVu Sans, Helvetica, Arial, sans-serif")
                .append("\" fill=\"").append(fill).append('"');
        if (weight != null) {
            body.append(" font-weight=\"").append(weight).append('"');
        }
        cls(cssClass).append('>').append(escape(text)).append("</text>\n");
        return this;
    }

    Svg raw(String markup) {
        body.append(markup);
        return this;
    }

    /** The whole element, {@code width} x {@code height}, scaling down to its container's width. */
    String toSvg(double width, double height, String cssClass, String title) {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"" + cssClass + "\" width=\"" + n(width)
                + "\" height=\"" + n(height) + "\" viewBox=\"0 0 " + n(width) + " " + n(height)
                + "\" style=\"max-width:100%;height:auto\" role=\"img\">\n<title>" + escape(title) + "</title>\n"
                + body + "</svg>\n";
    }

    private StringBuilder cls(String cssClass) {
        if (cssClass != null) {
            body.append(" class=\"").append(cssClass).append('"');
        }
        return body;
    }

    static String n(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Escapes text for XML and HTML content and attribute values; drops characters XML cannot hold. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    boolean ok = cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp <= 0xD7FF)
                            || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
                    sb.appendCodePoint(ok ? cp : 0xFFFD);
                }
            }
        });
        return sb.toString();
    }

    /** {@code s} cut to {@code max} characters, the last one "…" when cut. */
    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** Splits {@code text} into lines of at most {@code width} characters, at spaces where it can. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        for (String para : text.split("\n")) {
            String rest = para;
            while (rest.length() > width) {
                int cut = rest.lastIndexOf(' ', width);
                if (cut <= width / 3) {
                    cut = width;
                }
                lines.add(rest.substring(0, cut).stripTrailing());
                rest = rest.substring(cut).stripLeading();
            }
            lines.add(rest);
        }
        return lines;
    }
}
