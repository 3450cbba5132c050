package io.github.lfm4j.model.sampling;

import java.util.SplittableRandom;

/**
 * Chooses next tokens from logits according to {@link SamplerParams}. Stateful only through its random generator
 * and reusable scratch buffers: one instance per generation stream, not thread-safe. Same seed, same logits and
 * same history ⇒ same token.
 */
public final class Sampler {
    private final SamplerParams params;
    private final SplittableRandom random;
    private float[] work = new float[0];
    private boolean[] seen = new boolean[0];
    private int[] ids = new int[0], tmp = new int[0];
    private double[] probs = new double[0];

    public Sampler(SamplerParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    public SamplerParams params() {
        return params;
    }

    /** Samples with no penalty history. */
    public int sample(float[] logits) {
        return sample(logits, null, 0);
    }

    /**
     * The next token for {@code logits} (not modified); {@code history[0 .. historyLength)} are the tokens so far
     * (prompt and generated), of which the last {@code penaltyLastN} are penalised.
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        int n = logits.length;
        ensureCapacity(n);
        System.arraycopy(logits, 0, work, 0, n);
        applyPenalties(history, historyLength, n);
        if (params.isGreedy()) return argmax(work, n);

        // candidates, most likely first
        int count;
        int k = params.topK();
        if (k > 0 && k < n) {
            count = TopK.selectInto(work, n, null, k, ids);
        } else {
            for (int i = 0; i < n; i++) ids[i] = i;
            count = n;
        }
        TopK.sortDescending(work, ids, count, tmp);

        // top-p and min-p on the untempered distribution of the candidates (llama.cpp order)
        float max = work[ids[0]];
        double sum = 0;
        for (int i = 0; i < count; i++) {
            probs[i] = Math.exp(work[ids[i]] - max);
            sum += probs[i];
        }
        if (params.topP() < 1f) {
            double cumulative = 0;
            for (int i = 0; i < count; i++) {
                cumulative += probs[i] / sum;
                if (cumulative >= params.topP()) {
                    count = i + 1;
                    break;
                }
            }
        }
        if (params.minP() > 0f) {
            // probs[0] is the top probability (unnormalised: 1), so the threshold is minP itself
            int keep = 1;
            while (keep < count && probs[keep] >= params.minP()) keep++;
            count = keep;
        }

        // temperature and draw
        double invT = 1.0 / params.temperature();
        double total = 0;
        for (int i = 0; i < count; i++) {
            probs[i] = Math.exp((work[ids[i]] - max) * invT);
            total += probs[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < count; i++) {
            u -= probs[i];
            if (u < 0) return ids[i];
        }
        return ids[count - 1];
    }

    private void applyPenalties(int[] history, int historyLength, int n) {
        float rep = params.repetitionPenalty(), presence = params.presencePenalty();
        if (history == null || historyLength == 0 || params.penaltyLastN() == 0 || (rep == 1f && presence == 0f)) return;
        int from = Math.max(0, historyLength - params.penaltyLastN());
        for (int i = from; i < historyLength; i++) {
            int t = history[i];
            if (t < 0 || t >= n || seen[t]) continue;
            seen[t] = true;
            float l = work[t];
            l = l > 0 ? l / rep : l * rep;
            work[t] = l - presence;
        }
        for (int i = from; i < historyLength; i++) {
            int t = history[i];
            if (t >= 0 && t < n) seen[t] = false;
        }
    }

    private void ensureCapacity(int n) {
        if (work.length < n) {
            work = new float[n];
            seen = new boolean[n];
            ids = new int[n];
            tmp = new int[n];
            probs = new double[n];
        }
    }

    /** Index of the largest of {@code v[0..n)}, the lowest index on ties. */
    public static int argmax(float[] v, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
