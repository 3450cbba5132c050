package io.github.lfm4j.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.gguf.GGMLType;

import java.io.File;
import java.io.IOException;
import java.util.Locale;

/**
 * Turns a JMH JSON result file of {@link MatvecBenchmark} / {@link MatmulBenchmark} into effective rates:
 * GB/s of weights streamed (what bounds decode) and GFLOP/s (2 per weight per token, what bounds prefill).
 * Usage: {@code java -cp lfm4j.jar io.github.lfm4j.bench.jmh.KernelBenchReport result.json}.
 * <p>
 * With JMH's sample mode ({@code -bm sample}) it also reports the median and the fastest invocation: on a shared,
 * busy machine the mean mostly measures the other tenants, while the fastest invocation shows what the kernel does
 * when it gets its cores. A type marked {@code *} ran with {@code repack=true} (repacked).
 */
public final class KernelBenchReport {
    private KernelBenchReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: KernelBenchReport <jmh-result.json>");
            System.exit(2);
        }
        JsonNode results = new ObjectMapper().readTree(new File(args[0]));
        System.out.printf(Locale.ROOT, "%-8s %-6s %-11s %6s %7s %10s %8s %8s | %10s %8s %8s | %10s %8s %8s%n",
                "bench", "type", "shape", "tokens", "threads", "mean", "GB/s", "GFLOP/s", "median", "GB/s", "GFLOP/s", "best", "GB/s", "GFLOP/s");
        for (JsonNode r : results) {
            String bench = r.get("benchmark").asText();
            bench = bench.substring(bench.lastIndexOf('.') + 1);
            JsonNode p = r.get("params");
            GGMLType type = GGMLType.valueOf(p.get("type").asText());
            int[] rc = BenchWeights.shape(p.get("shape").asText());
            int tokens = p.has("tokens") ? p.get("tokens").asInt() : 1;
            String threads = p.get("threads").asText();
            JsonNode metric = r.get("primaryMetric");
            String unit = metric.get("scoreUnit").asText();
            double toSeconds = switch (unit) {
                case "s/op" -> 1.0;
                case "ms/op" -> 1e-3;
                case "us/op" -> 1e-6;
                case "ns/op" -> 1e-9;
                default -> throw new IllegalArgumentException("unexpected JMH unit " + unit + " (use -bm avgt or -bm sample)");
            };
            double weightBytes = type.byteSize((long) rc[0] * rc[1]);
            double flops = 2.0 * rc[0] * rc[1] * tokens;
            // MatvecBenchmark's repack=true: the repacked kernel, marked with a star
            boolean repacked = p.has("repack") && p.get("repack").asBoolean(false);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-8s %-6s %-11s %6d %7s", bench,
                    type + (repacked ? "*" : ""),
                    p.get("shape").asText(), tokens, threads.equals("0") ? "all" : threads));
            JsonNode percentiles = metric.get("scorePercentiles");
            double[] times = {metric.get("score").asDouble(),
                    percentiles == null || !percentiles.has("50.0") ? Double.NaN : percentiles.get("50.0").asDouble(),
                    percentiles == null || !percentiles.has("0.0") ? Double.NaN : percentiles.get("0.0").asDouble()};
            for (int k = 0; k < times.length; k++) {
                double seconds = times[k] * toSeconds;
                line.append(String.format(Locale.ROOT, "%s %7.3f %-2s %8.2f %8.2f", k == 0 ? " " : " |", times[k], unit.replace("/op", ""),
                        weightBytes / seconds / 1e9, flops / seconds / 1e9));
            }
            System.out.println(line);
        }
    }
}
