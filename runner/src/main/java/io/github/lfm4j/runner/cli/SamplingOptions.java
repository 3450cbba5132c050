package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.sampling.SamplerParams;
import picocli.CommandLine.Option;

/**
 * The sampling options shared by the generating commands ({@code @Mixin}); an option not given keeps the
 * {@link SamplerParams#defaults} value.
 */
final class SamplingOptions {

    @Option(names = "--temp", paramLabel = "T", description = "Temperature; 0 = greedy, without the default"
            + " repetition penalty (default: " + SamplerParams.DEFAULT_TEMPERATURE + ").")
    Float temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "Top-k; 0 disables (default: " + SamplerParams.DEFAULT_TOP_K + ").")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "Top-p; 1 disables (default: " + SamplerParams.DEFAULT_TOP_P + ").")
    Float topP;

    @Option(names = "--min-p", paramLabel = "P", description = "Min-p; 0 disables (default: " + SamplerParams.DEFAULT_MIN_P + ").")
    Float minP;

    @Option(names = "--repeat-penalty", paramLabel = "R",
            description = "Repetition penalty; 1 disables (default: " + SamplerParams.DEFAULT_REPETITION_PENALTY + ").")
    Float repeatPenalty;

    @Option(names = "--presence-penalty", paramLabel = "P", description = "Presence penalty (default: 0).")
    Float presencePenalty;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: random).")
    Long seed;

    /** The parameters these options ask for; a seed drawn from the clock when none is given. */
    SamplerParams toParams() {
        SamplerParams p = SamplerParams.defaults(seed != null ? seed : System.nanoTime());
        if (temperature != null) p = p.withTemperature(temperature);
        // --temp 0 means plain greedy decoding (comparable with other engines) unless a penalty is asked for
        if (p.isGreedy()) p = p.withRepetitionPenalty(1f);
        if (topK != null) p = p.withTopK(topK);
        if (topP != null) p = p.withTopP(topP);
        if (minP != null) p = p.withMinP(minP);
        if (repeatPenalty != null) p = p.withRepetitionPenalty(repeatPenalty);
        if (presencePenalty != null) p = p.withPresencePenalty(presencePenalty);
        return p;
    }
}
