package io.github.lfm4j.bench.e2e;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * PNG charts of a report, drawn with XChart without a display:
 * <ul>
 *   <li>{@code throughput.png}: mean tok/s ± stddev per test, one bar per device × threads; prompt processing and
 *       token generation in two panels, since their scales differ by an order of magnitude or more.</li>
 *   <li>{@code context.png} (with a context sweep): decode tok/s ± stddev against the context depth, and beside it
 *       prefill tok/s against depth when the sweep times a prompt too; one line per device × threads × cache type.</li>
 * </ul>
 */
public final class BenchCharts {
    static {
        // before any AWT class loads: render off-screen, also where no display exists (servers, CI)
        System.setProperty("java.awt.headless", "true");
    }

    static final int WIDTH = 560, HEIGHT = 420;

    private BenchCharts() {}

    /** Writes the charts the report has data for into {@code dir}; returns the files written. */
    public static List<Path> write(BenchReport report, Path dir) {
        List<Path> files = new ArrayList<>();
        CategoryChart pp = throughput(report, "Prompt processing", t -> t.kind() == TestSpec.Kind.PP);
        CategoryChart tg = throughput(report, "Token generation", t -> t.kind() == TestSpec.Kind.TG);
        List<CategoryChart> panels = new ArrayList<>();
        if (pp != null) panels.add(pp);
        if (tg != null) panels.add(tg);
        if (!panels.isEmpty()) files.add(save(panels, dir.resolve("throughput.png")));
        XYChart ctx = contextSweep(report, TestSpec.Kind.SWEEP);
        XYChart ctxPp = contextSweep(report, TestSpec.Kind.SWEEP_PP);
        if (ctx != null) files.add(save(ctxPp == null ? List.of(ctx) : List.of(ctx, ctxPp), dir.resolve("context.png")));
        return files;
    }

    /** Bars of every engine for the tests {@code which} selects; null when there are none. */
    static CategoryChart throughput(BenchReport report, String title, Predicate<TestSpec> which) {
        List<String> tests = new ArrayList<>();
        for (EngineRun run : report.runs()) {
            for (TestResult r : run.results()) {
                if (which.test(r.test()) && !tests.contains(r.test().name())) tests.add(r.test().name());
            }
        }
        if (tests.isEmpty()) return null;
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title + " - " + report.model().name()).xAxisTitle("test").yAxisTitle("tokens/s").build();
        style(chart.getStyler());
        fromZero(chart.getStyler());
        chart.getStyler().setErrorBarsColorSeriesColor(false);
        chart.getStyler().setErrorBarsColor(java.awt.Color.BLACK);
        chart.getStyler().setLabelsVisible(false);
        for (EngineRun run : report.runs()) {
            List<Double> means = new ArrayList<>(), errors = new ArrayList<>();
            for (String name : tests) {
                TestResult r = run.results().stream().filter(x -> x.test().name().equals(name)).findFirst().orElse(null);
                SampleStats s = r == null ? null : r.tokensPerSecond();
                means.add(s == null ? 0.0 : s.mean());
                errors.add(s == null ? 0.0 : s.stddev());
            }
            chart.addSeries(run.label(), tests, means, errors);
        }
        return chart;
    }

    /** Decode ({@code SWEEP}) or prefill ({@code SWEEP_PP}) tok/s against depth, one line per engine; null without. */
    static XYChart contextSweep(BenchReport report, TestSpec.Kind kind) {
        if (report.settings().sweepDepths().isEmpty()) return null;
        if (kind == TestSpec.Kind.SWEEP_PP && report.settings().sweepPrompt() == 0) return null;
        String what = kind == TestSpec.Kind.SWEEP ? "decode" : "prefill";
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title((kind == TestSpec.Kind.SWEEP ? "Decode" : "Prefill") + " speed vs context - " + report.model().name())
                .xAxisTitle("tokens in context").yAxisTitle(what + " tokens/s").build();
        style(chart.getStyler());
        fromZero(chart.getStyler());
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        for (EngineRun run : report.runs()) {
            List<TestResult> sweep = run.results().stream()
                    .filter(r -> r.test().kind() == kind).toList();
            double[] x = new double[sweep.size()], y = new double[sweep.size()], e = new double[sweep.size()];
            for (int i = 0; i < x.length; i++) {
                SampleStats s = sweep.get(i).tokensPerSecond();
                x[i] = sweep.get(i).test().depth();
                y[i] = s.mean();
                e[i] = s.stddev();
            }
            chart.addSeries(run.label(), x, y, e);
        }
        return chart;
    }

    private static void style(Styler s) {
        // below the plot: inside, the legend hides the top of the tallest bar or line
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        s.setPlotBackgroundColor(java.awt.Color.WHITE);
        s.setDecimalPattern("#,##0.#");
    }

    /** Speeds are positive: a mean minus a large stddev must not pull the axis below zero. */
    private static void fromZero(org.knowm.xchart.style.AxesChartStyler s) {
        s.setYAxisMin(0.0);
    }

    private static <C extends Chart<?, ?>> Path save(List<C> charts, Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            if (charts.size() == 1) BitmapEncoder.saveBitmap(charts.getFirst(), out, BitmapEncoder.BitmapFormat.PNG);
            else BitmapEncoder.saveBitmap(charts, 1, charts.size(), out, BitmapEncoder.BitmapFormat.PNG);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
