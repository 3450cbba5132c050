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
 */
public final class KernelBenchReport {
    private KernelBenchReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: KernelBenchReport <jmh-result.json>");
            System.exit(2);
        }
        JsonNode results = new ObjectMapper().readTree(new File(args[0]));
        System.out.printf(Locale.ROOT, "%-8s %-6s %-11s %7s %7s %12s %9s %9s%n",
                "bench", "type", "shape", "tokens", "threads", "time", "GB/s", "GFLOP/s");
        for (JsonNode r : results) {
            String bench = r.get("benchmark").asText();
            bench = bench.substring(bench.lastIndexOf('.') + 1);
            JsonNode p = r.get("params");
            GGMLType type = GGMLType.valueOf(p.get("type").asText());
            int[] rc = BenchWeights.shape(p.get("shape").asText());
            int tokens = p.has("tokens") ? p.get("tokens").asInt() : 1;
            String threads = p.get("threads").asText();
            double score = r.get("primaryMetric").get("score").asDouble();
            String unit = r.get("primaryMetric").get("scoreUnit").asText();
            double seconds = score * switch (unit) {
                case "s/op" -> 1.0;
                case "ms/op" -> 1e-3;
                case "us/op" -> 1e-6;
                case "ns/op" -> 1e-9;
                default -> throw new IllegalArgumentException("unexpected JMH unit " + unit + " (use -bm avgt)");
            };
            double weightBytes = type.byteSize((long) rc[0] * rc[1]);
            double flops = 2.0 * rc[0] * rc[1] * tokens;
            System.out.printf(Locale.ROOT, "%-8s %-6s %-11s %7d %7s %9.3f %-2s %9.2f %9.2f%n", bench, type, p.get("shape").asText(),
                    tokens, threads.equals("0") ? "all" : threads, score, unit.replace("/op", ""), weightBytes / seconds / 1e9, flops / seconds / 1e9);
        }
    }
}
