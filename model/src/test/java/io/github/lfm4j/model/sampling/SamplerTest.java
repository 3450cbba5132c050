package io.github.lfm4j.model.sampling;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    static final SamplerParams PLAIN = new SamplerParams(1f, 0, 1f, 0f, 1f, 0f, 64, 123);

    /** Logits whose softmax is exactly {@code probs}. */
    static float[] logitsOf(double... probs) {
        float[] l = new float[probs.length];
        for (int i = 0; i < probs.length; i++) l[i] = (float) Math.log(probs[i]);
        return l;
    }

    static double[] frequencies(Sampler s, float[] logits, int draws) {
        double[] f = new double[logits.length];
        for (int i = 0; i < draws; i++) f[s.sample(logits)] += 1.0 / draws;
        return f;
    }

    @Test
    void greedyIsArgmaxWithLowestIndexOnTies() {
        Sampler s = new Sampler(SamplerParams.greedy());
        assertEquals(2, s.sample(new float[]{0.1f, 3f, 5f, 5f, -2f}));
        assertEquals(0, s.sample(new float[]{1f, 1f}));
    }

    @Test
    void temperatureOneDrawsFromTheSoftmax() {
        float[] logits = logitsOf(0.5, 0.3, 0.15, 0.05);
        double[] f = frequencies(new Sampler(PLAIN), logits, 40_000);
        double[] expected = {0.5, 0.3, 0.15, 0.05};
        for (int i = 0; i < 4; i++) assertEquals(expected[i], f[i], 0.01, "token " + i);
    }

    @Test
    void lowTemperatureSharpensAndTopKOneIsGreedy() {
        float[] logits = logitsOf(0.4, 0.35, 0.25);
        double[] f = frequencies(new Sampler(PLAIN.withTemperature(0.05f)), logits, 2000);
        assertTrue(f[0] > 0.9, "T=0.05 should almost always pick the top token: " + f[0]);
        double[] k1 = frequencies(new Sampler(PLAIN.withTemperature(5f).withTopK(1)), logits, 500);
        assertEquals(1.0, k1[0], 1e-12);
    }

    @Test
    void topKTopPAndMinPRestrictTheCandidates() {
        float[] logits = logitsOf(0.5, 0.3, 0.15, 0.05);
        double[] k2 = frequencies(new Sampler(PLAIN.withTopK(2)), logits, 20_000);
        assertEquals(0.5 / 0.8, k2[0], 0.015);
        assertEquals(0, k2[2] + k2[3]);
        // top-p 0.7: 0.5 < 0.7 <= 0.8 keeps two tokens
        double[] p = frequencies(new Sampler(PLAIN.withTopP(0.7f)), logits, 20_000);
        assertEquals(0.5 / 0.8, p[0], 0.015);
        assertEquals(0, p[2] + p[3]);
        // min-p 0.35: keeps p >= 0.175, i.e. tokens 0 and 1
        double[] m = frequencies(new Sampler(PLAIN.withMinP(0.35f)), logits, 20_000);
        assertEquals(0.5 / 0.8, m[0], 0.015);
        assertEquals(0, m[2] + m[3]);
        // min-p 0.25 keeps 0.15 too
        double[] m2 = frequencies(new Sampler(PLAIN.withMinP(0.25f)), logits, 20_000);
        assertEquals(0.15 / 0.95, m2[2], 0.015);
        assertEquals(0, m2[3]);
    }

    @Test
    void sameSeedSameTokensDifferentSeedDifferentTokens() {
        float[] logits = new float[500];
        Random r = new Random(3);
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (r.nextDouble() * 4);
        int[] a = new int[50], b = new int[50], c = new int[50];
        Sampler sa = new Sampler(PLAIN.withSeed(9)), sb = new Sampler(PLAIN.withSeed(9)), sc = new Sampler(PLAIN.withSeed(10));
        for (int i = 0; i < 50; i++) {
            a[i] = sa.sample(logits);
            b[i] = sb.sample(logits);
            c[i] = sc.sample(logits);
        }
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    @Test
    void repetitionAndPresencePenaltiesApplyToTheRecentWindowOnly() {
        float[] logits = {2.0f, 1.9f, -1f, -1.05f};
        float[] copy = logits.clone();
        SamplerParams greedyRep = SamplerParams.greedy().withRepetitionPenalty(1.1f).withPenaltyLastN(2);
        Sampler s = new Sampler(greedyRep);
        // 2.0/1.1 = 1.82 < 1.9: the repeated token loses
        assertEquals(1, s.sample(logits, new int[]{0, 0}, 2));
        assertArrayEquals(copy, logits, "the caller's logits are not modified");
        // token 0 is outside the 2-token window
        assertEquals(0, s.sample(logits, new int[]{0, 3, 3}, 3));
        // negative logits are multiplied: -1 * 1.1 = -1.1 < -1.05
        assertEquals(3, s.sample(new float[]{-1f, -1.05f}, new int[]{0}, 1) + 2);
        Sampler presence = new Sampler(SamplerParams.greedy().withPresencePenalty(0.2f).withPenaltyLastN(8));
        assertEquals(1, presence.sample(logits, new int[]{0, 0, 0}, 3));   // 2.0 - 0.2 (once) < 1.9
        assertEquals(0, presence.sample(new float[]{2.0f, 1.7f}, new int[]{0, 0, 0}, 3)); // 1.8 > 1.7
    }

    @Test
    void invalidParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> PLAIN.withTopP(0f));
        assertThrows(IllegalArgumentException.class, () -> PLAIN.withTopP(1.5f));
        assertThrows(IllegalArgumentException.class, () -> PLAIN.withMinP(-0.1f));
        assertThrows(IllegalArgumentException.class, () -> PLAIN.withRepetitionPenalty(0f));
        assertThrows(IllegalArgumentException.class, () -> PLAIN.withPenaltyLastN(-1));
    }

    @Test
    void topLogprobsAreTheLogSoftmaxOfTheLargestLogits() {
        Random r = new Random(5);
        float[] logits = new float[1000];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (r.nextGaussian() * 3);
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (float l : logits) max = Math.max(max, l);
        for (float l : logits) z += Math.exp(l - max);
        double logZ = max + Math.log(z);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));

        TokenLogprob[] top = Logprobs.top(logits, 5);
        assertEquals(5, top.length);
        for (int i = 0; i < 5; i++) {
            assertEquals(order[i], top[i].token());
            assertEquals(logits[order[i]] - logZ, top[i].logprob(), 1e-5);
        }
        assertEquals(3, Logprobs.top(new float[]{1, 2, 3}, 10).length);
    }
}
