package dev.channels.bench.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.util.List;

/**
 * The report's charts: one grouped bar chart per benchmark method, a group of bars per scenario
 * (parameter combination), a bar per implementation showing the scenario's compared figure
 * ({@link Scenario#compared}), the error (JMH's 99.9% confidence half-width)
 * as whiskers. Drawn by JFreeChart onto JFreeSVG's {@code Graphics2D}, which records the drawing as
 * SVG; nothing here writes SVG by hand.
 */
final class Charts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;
    /** Ours in blue shades, peers in greys and warm colours, so that ours stand out. */
    private static final Color[] OURS = {new Color(0x1f77b4), new Color(0x6baed6), new Color(0x08519c)};
    private static final Color[] PEERS = {new Color(0xd62728), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0xe377c2)};

    private Charts() {
    }

    /**
     * The SVG document of one benchmark method's chart.
     *
     * @param title the chart's title (the benchmark's short name)
     * @param scenarios the scenarios of that benchmark, all with the same mode and unit
     * @param implementations every implementation in those scenarios, in legend order
     */
    static String barChart(String title, List<Scenario> scenarios, List<String> implementations) {
        final SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
        chart(title, scenarios, implementations).draw(g2, new Rectangle(0, 0, WIDTH, HEIGHT));
        return g2.getSVGDocument();
    }

    /** The chart itself, for {@link #barChart}. */
    static JFreeChart chart(String title, List<Scenario> scenarios, List<String> implementations) {
        final DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        String unit = "";
        boolean higherIsBetter = true;
        for (Scenario s : scenarios) {
            final String category = s.label().isEmpty() ? title : s.label();
            for (String impl : implementations) {
                final JmhResult r = s.results().get(impl);
                if (r == null) {
                    data.add(null, null, impl, category); // keeps every group's bars in the same slots
                    continue;
                }
                final JmhResult.Metric m = s.compared(r);
                final double error = Double.isNaN(m.error()) ? 0.0 : m.error();
                data.add(m.score(), error, impl, category);
                unit = (s.comparedName().equals("score") ? "" : s.comparedName() + ", ") + m.unit();
                higherIsBetter = r.higherIsBetter();
            }
        }
        final CategoryAxis x = new CategoryAxis();
        x.setCategoryLabelPositions(scenarios.size() > 4 ? CategoryLabelPositions.UP_45
                : CategoryLabelPositions.STANDARD);
        final NumberAxis y = new NumberAxis(unit + (higherIsBetter ? " (higher is better)" : " (lower is better)"));
        final StatisticalBarRenderer bars = new StatisticalBarRenderer();
        bars.setErrorIndicatorPaint(Color.BLACK);
        bars.setDrawBarOutline(false);
        bars.setShadowVisible(false);
        bars.setItemMargin(0.05);
        int ours = 0;
        int peers = 0;
        for (int i = 0; i < implementations.size(); i++) {
            final String impl = implementations.get(i);
            bars.setSeriesPaint(i, Scenario.isOurs(impl) ? OURS[ours++ % OURS.length] : PEERS[peers++ % PEERS.length]);
        }
        final CategoryPlot plot = new CategoryPlot(data, x, y, bars);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        final JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle("whiskers: JMH's 99.9% confidence interval",
                new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
        return chart;
    }
}
