package io.github.lfm4j.bench.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * {@code results.csv}: one row per test and engine (RFC 4180 quoting), the engine's costs repeated on each row so
 * that every row stands alone; values that do not apply are empty. {@code samples_ts} holds every measured run's
 * tok/s separated by spaces, as llama-bench does.
 */
public final class CsvReport {
    private CsvReport() {}

    static final List<String> HEADER = List.of("model", "size_bytes", "n_params", "device", "threads", "type_k",
            "type_v", "test",
            "n_prompt", "n_gen", "n_depth", "repetitions", "avg_ts", "stddev_ts", "avg_ttft_ms", "load_seconds",
            "plan_jit_seconds", "peak_rss_bytes", "device_memory_bytes", "host_memory_bytes", "bytes_in_per_token",
            "bytes_out_per_token", "kernel_ms_per_token", "llama_cpp_avg_ts", "samples_ts");

    public static String render(BenchReport report) {
        StringBuilder sb = new StringBuilder(String.join(",", HEADER)).append('\n');
        ModelInfo m = report.model();
        for (EngineRun run : report.runs()) {
            for (TestResult r : run.results()) {
                SampleStats ts = r.tokensPerSecond();
                List<String> row = new ArrayList<>();
                row.add(quote(m.name()));
                row.add(Long.toString(m.sizeBytes()));
                row.add(Long.toString(m.params()));
                row.add(run.deviceLabel());
                row.add(Integer.toString(run.threads()));
                row.add(run.typeK());
                row.add(run.typeV());
                row.add(quote(r.test().name()));
                row.add(Integer.toString(r.test().nPrompt()));
                row.add(Integer.toString(r.test().nGen()));
                row.add(Integer.toString(r.test().depth()));
                row.add(Integer.toString(r.samplesNanos().length));
                row.add(num(ts.mean()));
                row.add(num(ts.stddev()));
                row.add(Double.isNaN(r.meanTtftMillis()) ? "" : num(r.meanTtftMillis()));
                row.add(num(run.loadSeconds()));
                row.add(opt(run.compileSeconds()));
                row.add(run.peakRssBytes().isPresent() ? Long.toString(run.peakRssBytes().getAsLong()) : "");
                row.add(run.deviceMemory().isPresent() ? Long.toString(run.deviceMemory().getAsLong()) : "");
                row.add(Long.toString(run.hostMemoryBytes()));
                var p = run.stepProfile();
                row.add(p.map(x -> num(x.bytesInPerToken())).orElse(""));
                row.add(p.map(x -> num(x.bytesOutPerToken())).orElse(""));
                row.add(p.map(x -> num(x.kernelMillisPerToken())).orElse(""));
                row.add(opt(report.llamaCppTokensPerSecond(run, r)));
                row.add(quote(Arrays.stream(r.samplesTokensPerSecond()).mapToObj(CsvReport::num)
                        .collect(Collectors.joining(" "))));
                sb.append(String.join(",", row)).append('\n');
            }
        }
        return sb.toString();
    }

    public static void write(BenchReport report, Path file) {
        try {
            Files.writeString(file, render(report), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private static String opt(OptionalDouble v) {
        return v.isPresent() ? num(v.getAsDouble()) : "";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
