package io.github.lfm4j.model.sampling;

/**
 * How to choose the next token from the logits. Filters are applied in llama.cpp's default order: penalties,
 * top-k, top-p, min-p, then temperature and a draw.
 *
 * @param temperature       divides the logits before the draw; 0 (or below) means greedy (argmax after penalties)
 * @param topK              keep the K most likely tokens; 0 or below disables
 * @param topP              keep the smallest set of most likely tokens whose probability sum reaches P; 1 disables
 * @param minP              drop tokens whose probability is below minP × the top probability; 0 disables
 * @param repetitionPenalty for tokens among the last {@code penaltyLastN}: positive logits divided, negative ones
 *                          multiplied by this (as llama.cpp and HF); 1 disables
 * @param presencePenalty   subtracted once from the logit of every token among the last {@code penaltyLastN}; 0 disables
 * @param penaltyLastN      how many recent tokens the penalties look at
 * @param seed              random seed; the same seed, logits and history give the same tokens
 */
public record SamplerParams(float temperature, int topK, float topP, float minP, float repetitionPenalty,
                            float presencePenalty, int penaltyLastN, long seed) {

    /**
     * Liquid AI's recommendation for LFM2.5-1.2B-Thinking (model card: temperature 0.05, top-k 50, repetition
     * penalty 1.05), with llama.cpp's 64-token penalty window.
     */
    public static final float DEFAULT_TEMPERATURE = 0.05f;
    public static final int DEFAULT_TOP_K = 50;
    public static final float DEFAULT_TOP_P = 1.0f;
    public static final float DEFAULT_MIN_P = 0.0f;
    public static final float DEFAULT_REPETITION_PENALTY = 1.05f;
    public static final int DEFAULT_PENALTY_LAST_N = 64;

    public SamplerParams {
        if (Float.isNaN(temperature)) throw new IllegalArgumentException("temperature is NaN");
        if (!(topP > 0f && topP <= 1f)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0f && minP <= 1f)) throw new IllegalArgumentException("min-p must be in [0, 1], got " + minP);
        if (!(repetitionPenalty > 0f)) {
            throw new IllegalArgumentException("repetition penalty must be positive, got " + repetitionPenalty);
        }
        if (Float.isNaN(presencePenalty)) throw new IllegalArgumentException("presence penalty is NaN");
        if (penaltyLastN < 0) throw new IllegalArgumentException("penalty window must be >= 0, got " + penaltyLastN);
    }

    /** The recommended defaults with the given seed. */
    public static SamplerParams defaults(long seed) {
        return new SamplerParams(DEFAULT_TEMPERATURE, DEFAULT_TOP_K, DEFAULT_TOP_P, DEFAULT_MIN_P,
                DEFAULT_REPETITION_PENALTY, 0f, DEFAULT_PENALTY_LAST_N, seed);
    }

    /** Pure argmax, no penalties. */
    public static SamplerParams greedy() {
        return new SamplerParams(0f, 0, 1f, 0f, 1f, 0f, 0, 0L);
    }

    public boolean isGreedy() {
        return temperature <= 0f;
    }

    public SamplerParams withTemperature(float t) {
        return new SamplerParams(t, topK, topP, minP, repetitionPenalty, presencePenalty, penaltyLastN, seed);
    }

    public SamplerParams withTopK(int k) {
        return new SamplerParams(temperature, k, topP, minP, repetitionPenalty, presencePenalty, penaltyLastN, seed);
    }

    public SamplerParams withTopP(float p) {
        return new SamplerParams(temperature, topK, p, minP, repetitionPenalty, presencePenalty, penaltyLastN, seed);
    }

    public SamplerParams withMinP(float p) {
        return new SamplerParams(temperature, topK, topP, p, repetitionPenalty, presencePenalty, penaltyLastN, seed);
    }

    public SamplerParams withRepetitionPenalty(float r) {
        return new SamplerParams(temperature, topK, topP, minP, r, presencePenalty, penaltyLastN, seed);
    }

    public SamplerParams withPresencePenalty(float p) {
        return new SamplerParams(temperature, topK, topP, minP, repetitionPenalty, p, penaltyLastN, seed);
    }

    public SamplerParams withPenaltyLastN(int n) {
        return new SamplerParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, n, seed);
    }

    public SamplerParams withSeed(long s) {
        return new SamplerParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, penaltyLastN, s);
    }
}
