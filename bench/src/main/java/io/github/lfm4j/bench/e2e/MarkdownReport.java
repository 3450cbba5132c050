package io.github.lfm4j.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The report on stdout: llama-bench's table (model, size, params, device, threads, test, t/s as mean ± stddev) with
 * the time to first token and, when asked for, llama.cpp's t/s; then one row per engine with its load time, device
 * code planning/JIT time, memory, and (GPU) bytes copied in/out and device kernel time per greedy decode step.
 */
public final class MarkdownReport {
    private MarkdownReport() {}

    public static String render(BenchReport report) {
        StringBuilder sb = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("model", "size", "params", "device", "threads", "type_k",
                "type_v", "test", "t/s", "ttft ms"));
        List<Boolean> right = new ArrayList<>(List.of(false, true, true, false, true, false, false, true, true, true));
        if (report.hasLlamaCpp()) {
            header.add("llama.cpp t/s");
            right.add(true);
        }
        List<List<String>> rows = new ArrayList<>();
        ModelInfo m = report.model();
        for (EngineRun run : report.runs()) {
            for (TestResult r : run.results()) {
                SampleStats ts = r.tokensPerSecond();
                double ttft = r.meanTtftMillis();
                List<String> row = new ArrayList<>(List.of(m.name(), Units.bytes(m.sizeBytes()), Units.params(m.params()),
                        run.deviceLabel(), Integer.toString(run.threads()), run.typeK(), run.typeV(), r.test().name(),
                        Units.fixed2(ts.mean()) + " ± " + Units.fixed2(ts.stddev()),
                        Double.isNaN(ttft) ? Units.NA : Units.fixed2(ttft)));
                if (report.hasLlamaCpp()) {
                    OptionalDouble l = report.llamaCppTokensPerSecond(run, r);
                    row.add(l.isPresent() ? Units.fixed2(l.getAsDouble()) : Units.NA);
                }
                rows.add(row);
            }
        }
        table(sb, header, right, rows);
        sb.append('\n');

        List<String> h2 = List.of("device", "threads", "cache", "load s", "plan/JIT s", "peak RSS", "device mem",
                "host mem (mapped + heap)", "in B/token", "out B/token", "kernel ms/token");
        List<Boolean> r2 = List.of(false, true, false, true, true, true, true, true, true, true, true);
        List<List<String>> rows2 = new ArrayList<>();
        for (EngineRun run : report.runs()) {
            var p = run.stepProfile();
            rows2.add(List.of(run.deviceLabel(), Integer.toString(run.threads()), run.cacheLabel(),
                    Units.fixed3(run.loadSeconds()),
                    run.compileSeconds().isPresent() ? Units.fixed2(run.compileSeconds().getAsDouble()) : Units.NA,
                    run.peakRssBytes().isPresent() ? Units.bytes(run.peakRssBytes().getAsLong()) : Units.NA,
                    run.deviceMemory().isPresent() ? Units.bytes(run.deviceMemory().getAsLong()) : Units.NA,
                    Units.bytes(run.hostMemoryBytes()),
                    p.map(x -> Units.fixed2(x.bytesInPerToken())).orElse(Units.NA),
                    p.map(x -> Units.fixed2(x.bytesOutPerToken())).orElse(Units.NA),
                    p.map(x -> Units.fixed3(x.kernelMillisPerToken())).orElse(Units.NA)));
        }
        table(sb, h2, r2, rows2);
        SystemInfo s = report.system();
        int w = report.settings().warmups();
        sb.append('\n').append(report.settings().repetitions()).append(" runs per test after ")
                .append(w == 1 ? "a warm-up" : w + " warm-up runs").append("; ")
                .append(s.cpu()).append(", ").append(s.processors()).append(" processors, ")
                .append(s.vectorBits()).append("-bit vectors, Java ")
                .append(s.javaVersion()).append(", ").append(s.date()).append('\n');
        return sb.toString();
    }

    private static void table(StringBuilder sb, List<String> header, List<Boolean> right, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(3, header.get(i).length());
            for (List<String> row : rows) w[i] = Math.max(w[i], row.get(i).length());
        }
        line(sb, header, right, w);
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
            sb.append(' ').append("-".repeat(right.get(i) ? w[i] - 1 : w[i])).append(right.get(i) ? ":" : "").append(" |");
        }
        sb.append('\n');
        for (List<String> row : rows) line(sb, row, right, w);
    }

    private static void line(StringBuilder sb, List<String> cells, List<Boolean> right, int[] w) {
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
            String c = cells.get(i), pad = " ".repeat(w[i] - c.length());
            sb.append(' ').append(right.get(i) ? pad + c : c + pad).append(" |");
        }
        sb.append('\n');
    }
}
