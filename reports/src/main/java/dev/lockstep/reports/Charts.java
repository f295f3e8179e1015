// The report's plots: JFreeChart charts rendered to PNG and carried in inline SVG figures.
package dev.lockstep.reports;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.util.List;
import java.util.Locale;

/**
 * Plots as SVG elements. Each method returns one {@code <svg>} element; {@code id} must be unique in
 * the page. Needs AWT fonts (the JDK's fontconfig
 * and any TrueType font); callers treat an {@link Error} or {@link RuntimeException} from here as
 * "this plot cannot be drawn" and leave it out with a note.
 */
final class Charts {
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b)};
    private static final Font TITLE = new Font("SansSerif", Font.BOLD, 14);
    private static final Font LABEL = new Font("SansSerif", Font.PLAIN, 12);
    private static final Font TICK = new Font("SansSerif", Font.PLAIN, 11);
    private static final Font CELL = new Font("SansSerif", Font.PLAIN, 10);
    private static final Color GRID = new Color(0xdde1e8);

    private Charts() {
    }

    /** One line of an XY plot; {@code dashed} for reference lines. */
    record Series(String name, double[] x, double[] y, boolean dashed) {
        Series(String name, double[] x, double[] y) {
            this(name, x, y, false);
        }
    }

    /** A horizontal band (lower..upper) with a line at {@code value}, e.g. a mean and its confidence interval. */
    record Band(String label, double value, double lower, double upper) {
    }

    /** An XY line chart. {@code band} may be null. */
    static String lineChart(String id, String title, String xLabel, String yLabel, List<Series> series, Band band,
                            int width, int height) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : series) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) {
                xy.add(s.x()[i], s.y()[i]);
            }
            data.addSeries(xy);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                series.size() > 1, false, false);
        style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setDrawSeriesLineAsPath(true); // one <path> per series, not one element per segment
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            r.setSeriesStroke(i, series.get(i).dashed()
                    ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(2f));
        }
        plot.setRenderer(r);
        stylePlot(plot);
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setAutoRangeIncludesZero(true);
        if (band != null && Double.isFinite(band.value())) {
            if (Double.isFinite(band.lower()) && Double.isFinite(band.upper())) {
                IntervalMarker m = new IntervalMarker(band.lower(), band.upper(), new Color(31, 119, 180, 40));
                plot.addRangeMarker(m, Layer.BACKGROUND);
            }
            ValueMarker mean = new ValueMarker(band.value(), new Color(0x1f2a44),
                    new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {4f, 3f}, 0f));
            mean.setLabel(band.label());
            mean.setLabelFont(TICK);
            mean.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            mean.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
            plot.addRangeMarker(mean);
            double top = Double.isFinite(band.upper()) ? band.upper() : band.value();
            if (y.getUpperBound() < top * 1.05) {
                y.setUpperBound(top * 1.05);
            }
        }
        return draw(chart, id, width, height);
    }

    /**
     * A line chart over runs (a category axis): one line per series, one point per run.
     *
     * @param runs   the category labels, oldest first
     * @param names  series names
     * @param values values[series][run]; NaN leaves a gap
     */
    static String runsChart(String id, String title, String yLabel, List<String> runs, List<String> names,
                            double[][] values, int width, int height) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int s = 0; s < names.size(); s++) {
            for (int r = 0; r < runs.size(); r++) {
                double v = values[s][r];
                data.addValue(Double.isFinite(v) ? Double.valueOf(v) : null, names.get(s), runs.get(r));
            }
        }
        JFreeChart chart = ChartFactory.createLineChart(title, "run", yLabel, data, PlotOrientation.VERTICAL,
                names.size() > 1, false, false);
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        LineAndShapeRenderer r = new LineAndShapeRenderer(true, true);
        for (int i = 0; i < names.size(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(r);
        CategoryAxis x = plot.getDomainAxis();
        x.setTickLabelFont(TICK);
        x.setLabelFont(LABEL);
        if (runs.size() > 4) {
            x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        plot.getRangeAxis().setTickLabelFont(TICK);
        plot.getRangeAxis().setLabelFont(LABEL);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        return draw(chart, id, width, height);
    }

    /** Width in pixels {@link #heatMap} draws {@code grid} at. */
    static int heatMapWidth(CoverageHeatMap.Grid g) {
        int labelChars = g.rows().stream().mapToInt(String::length).max().orElse(4);
        return Math.max(360, 60 + (int) (labelChars * 6.8) + 78 * g.columns().size());
    }

    /** Height in pixels {@link #heatMap} draws {@code grid} at. */
    static int heatMapHeight(CoverageHeatMap.Grid g) {
        return 110 + rowHeight(g) * g.rows().size();
    }

    private static int rowHeight(CoverageHeatMap.Grid g) {
        return g.rows().size() > 24 ? 17 : 24;
    }

    /**
     * A coverage heat map: one cell per bin, situations as rows, sizes as columns, the hit count in the
     * cell, colour on a log scale; no cell where there is no bin.
     */
    static String heatMap(String id, CoverageHeatMap.Grid g) {
        int rows = g.rows().size();
        int cols = g.columns().size();
        long max = Math.max(1, g.max());
        int n = g.bins();
        double[][] xyz = new double[3][n];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                long v = g.counts()[r][c];
                if (v != CoverageHeatMap.Grid.ABSENT) {
                    xyz[0][k] = c;
                    xyz[1][k] = r;
                    xyz[2][k] = v;
                    k++;
                }
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries(g.group(), xyz);
        boolean sizes = g.columns().stream().anyMatch(c -> CoverageHeatMap.bytes(c) >= 0);
        SymbolAxis x = new SymbolAxis(sizes ? "size" : null, g.columns().toArray(String[]::new));
        SymbolAxis y = new SymbolAxis(null, g.rows().stream().map(s -> s.isEmpty() ? "(none)" : s).toArray(String[]::new));
        y.setInverted(true);
        for (SymbolAxis a : List.of(x, y)) {
            a.setTickLabelFont(TICK);
            a.setLabelFont(LABEL);
            a.setGridBandsVisible(false);
        }
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(new LogScale(max));
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(new Color(0xfafbfc));
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setOutlinePaint(GRID);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        for (int i = 0; i < n; i++) {
            long v = (long) xyz[2][i];
            XYTextAnnotation a = new XYTextAnnotation(v == 0 ? "0" : Long.toString(v), xyz[0][i], xyz[1][i]);
            a.setFont(CELL);
            a.setPaint(v > 0 && Math.log1p(v) / Math.log1p(max) > 0.6 ? Color.WHITE : new Color(0x1f2a44));
            plot.addAnnotation(a);
        }
        JFreeChart chart = new JFreeChart("coverage: " + g.group(), TITLE, plot, false);
        style(chart);
        chart.addSubtitle(new TextTitle(n + " bins hit, " + sum(g) + " hits; empty cells: never hit or not a bin", TICK));
        return draw(chart, id, heatMapWidth(g), heatMapHeight(g));
    }

    private static long sum(CoverageHeatMap.Grid g) {
        long s = 0;
        for (long[] row : g.counts()) {
            for (long v : row) {
                s += Math.max(v, 0);
            }
        }
        return s;
    }

    /** Yellow through green to dark blue (ColorBrewer YlGnBu) by log(1 + count); a bin with count 0 is grey. */
    private record LogScale(long max) implements PaintScale {
        private static final Color[] STOPS = {
            new Color(0xffffcc), new Color(0xa1dab4), new Color(0x41b6c4), new Color(0x2c7fb8), new Color(0x253494)};

        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return max;
        }

        @Override
        public Paint getPaint(double value) {
            if (value <= 0) {
                return new Color(0xd9d9d9);
            }
            double f = max <= 1 ? 1 : Math.min(1, Math.log1p(value) / Math.log1p(max));
            double pos = f * (STOPS.length - 1);
            int i = Math.min((int) pos, STOPS.length - 2);
            double u = pos - i;
            Color a = STOPS[i];
            Color b = STOPS[i + 1];
            return new Color(mix(a.getRed(), b.getRed(), u), mix(a.getGreen(), b.getGreen(), u),
                    mix(a.getBlue(), b.getBlue(), u));
        }

        private static int mix(int a, int b, double f) {
            return (int) Math.round(a + (b - a) * f);
        }
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(TITLE);
            chart.getTitle().setPaint(new Color(0x1f2a44));
        }
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(TICK);
            chart.getLegend().setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
    }

    private static void stylePlot(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        for (var a : List.of(plot.getDomainAxis(), plot.getRangeAxis())) {
            a.setTickLabelFont(TICK);
            a.setLabelFont(LABEL);
        }
    }

    private static String draw(JFreeChart chart, String id, int width, int height) {
        // Rendered at twice the size so it stays sharp on dense screens, then carried as a PNG inside
        // an SVG element: one self-contained figure, no vector library with a licence of its own.
        java.awt.image.BufferedImage image = chart.createBufferedImage(width * 2, height * 2, width, height, null);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "png", png);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String data = java.util.Base64.getEncoder().encodeToString(png.toByteArray());
        // The picture's words stay text too (hidden, but in the page's DOM): for screen readers, for
        // search in the page, and so a check can read what the figure shows.
        StringBuilder words = new StringBuilder("<g class=\"plot-text\" visibility=\"hidden\">");
        for (String t : texts(chart)) {
            words.append("<text>").append(escape(t)).append("</text>");
        }
        words.append("</g>");
        // Scale down with the page instead of overflowing it.
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot-svg\" style=\"max-width:100%;height:auto\" id=\"" + id
                + "\" width=\"" + width + "\" height=\"" + height + "\" viewBox=\"0 0 " + width + " " + height + "\">"
                + "<title>" + escape(chart.getTitle() == null ? id : chart.getTitle().getText()) + "</title>"
                + "<image width=\"" + width + "\" height=\"" + height + "\" href=\"data:image/png;base64," + data + "\"/>"
                + words + "</svg>";
    }

    /** Every text the chart draws: titles, axis labels and symbols, category keys, annotations. */
    static List<String> texts(JFreeChart chart) {
        List<String> out = new java.util.ArrayList<>();
        if (chart.getTitle() != null) {
            out.add(chart.getTitle().getText());
        }
        for (Object t : chart.getSubtitles()) {
            if (t instanceof TextTitle tt) {
                out.add(tt.getText());
            }
        }
        if (chart.getPlot() instanceof XYPlot xy) {
            for (var axis : List.of(xy.getDomainAxis(), xy.getRangeAxis())) {
                if (axis.getLabel() != null) {
                    out.add(axis.getLabel());
                }
                if (axis instanceof SymbolAxis sa) {
                    out.addAll(List.of(sa.getSymbols()));
                }
            }
            for (Object a : xy.getAnnotations()) {
                if (a instanceof XYTextAnnotation ta) {
                    out.add(ta.getText());
                }
            }
        } else if (chart.getPlot() instanceof org.jfree.chart.plot.CategoryPlot cp) {
            if (cp.getDomainAxis().getLabel() != null) {
                out.add(cp.getDomainAxis().getLabel());
            }
            if (cp.getRangeAxis().getLabel() != null) {
                out.add(cp.getRangeAxis().getLabel());
            }
            for (Object k : cp.getDataset().getColumnKeys()) {
                out.add(String.valueOf(k));
            }
            for (Object k : cp.getDataset().getRowKeys()) {
                out.add(String.valueOf(k));
            }
        }
        return out;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
