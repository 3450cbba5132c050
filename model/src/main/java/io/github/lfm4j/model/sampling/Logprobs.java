package io.github.lfm4j.model.sampling;

/** Log-probabilities of the raw model distribution (log-softmax of the logits), for "top logprobs" outputs. */
public final class Logprobs {
    private Logprobs() {}

    /** The {@code k} most likely tokens, most likely first, with their log-probabilities. */
    public static TokenLogprob[] top(float[] logits, int k) {
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, got " + k);
        k = Math.min(k, logits.length);
        double logZ = logSumExp(logits);
        int[] idx = TopK.indices(logits, k);
        TokenLogprob[] out = new TokenLogprob[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = new TokenLogprob(idx[i], (float) (logits[idx[i]] - logZ));
        return out;
    }

    /** {@code log Σ exp(logits)}, computed stably around the maximum. */
    public static double logSumExp(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        return max + Math.log(sum);
    }
}
