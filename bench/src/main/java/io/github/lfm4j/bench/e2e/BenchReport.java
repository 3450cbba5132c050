package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.runner.api.Device;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Everything one {@code lfm4j bench} produced, as the Markdown, JSON, CSV and chart writers see it.
 *
 * @param llamaCpp llama-bench's results on the same file; null when the comparison was not run
 */
public record BenchReport(ModelInfo model, BenchSettings settings, List<EngineRun> runs,
                          List<LlamaBenchResult> llamaCpp, SystemInfo system) {

    public BenchReport {
        runs = List.copyOf(runs);
        llamaCpp = llamaCpp == null ? null : List.copyOf(llamaCpp);
    }

    public boolean hasLlamaCpp() {
        return llamaCpp != null;
    }

    /** llama.cpp's tok/s for the same test and thread count; only CPU rows have a counterpart. */
    public OptionalDouble llamaCppTokensPerSecond(EngineRun run, TestResult r) {
        if (llamaCpp == null || run.device() != Device.CPU) return OptionalDouble.empty();
        return llamaCpp.stream().filter(l -> l.matches(r.test(), run.threads(), run.typeK(), run.typeV()))
                .mapToDouble(LlamaBenchResult::avgTs).findFirst();
    }
}
