package io.github.lfm4j.kernels.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Int8ActivationsTest {

    @Test
    void everyValueIsWithinHalfAStepAndSumsMatch() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int cols = 8 * 32;
        Int8Activations a = new Int8Activations(cols);
        for (int trial = 0; trial < 50; trial++) {
            float[] x = new float[cols + 5];
            int off = trial % 6;
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * Math.exp(3 * rnd.nextGaussian()));
            if (trial == 0) java.util.Arrays.fill(x, off, off + 32, 0f); // an all-zero block
            a.quantize(x, off);
            for (int b = 0; b < cols / 32; b++) {
                double amax = 0;
                for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[off + 32 * b + j]));
                assertEquals(amax / 127, a.scale[b], amax / 127 * 1e-6, "scale of block " + b + " seed " + seed);
                int sum = 0;
                for (int j = 0; j < 32; j++) {
                    int q = a.q[32 * b + j];
                    sum += q;
                    assertTrue(Math.abs(q) <= 127, "q=" + q + " seed " + seed);
                    // half a step, plus the float rounding of x·(1/scale): a few 1e-5 steps at most
                    double err = Math.abs(x[off + 32 * b + j] - (double) a.scale[b] * q);
                    assertTrue(err <= a.scale[b] * 0.5001 + 1e-30, "element " + (32 * b + j) + " off by " + err + " seed " + seed);
                }
                assertEquals(sum, a.sum[b], "block sum, seed " + seed);
            }
        }
    }
}
