package io.github.lfm4j.kernels.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** VectorOps against plain float64 loops, at lengths around the vector width (tails included) and at offsets. */
class VectorOpsTest {
    static final Random R = new Random(11);

    static float[] rand(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) R.nextGaussian();
        return a;
    }

    @Test
    void dotAndAxpy() {
        for (int n : new int[]{1, 3, 7, 8, 15, 16, 17, 63, 64, 65, 2048}) {
            float[] a = rand(n + 5), b = rand(n + 3);
            double expected = 0;
            for (int i = 0; i < n; i++) expected += (double) a[5 + i] * b[3 + i];
            assertEquals(expected, VectorOps.dot(a, 5, b, 3, n), 1e-4 * Math.sqrt(n), "n=" + n);

            float[] y = rand(n + 2), y0 = y.clone();
            VectorOps.axpy(0.7f, a, 5, y, 2, n);
            for (int i = 0; i < n; i++) assertEquals(y0[2 + i] + 0.7 * a[5 + i], y[2 + i], 1e-5);
            assertEquals(y0[0], y[0]);
        }
    }

    @Test
    void dotColumnsOfATransposedMatrix() {
        int d = 64, stride = 40;
        float[] x = rand(d + 3), m = rand(5 + d * stride);
        for (int n : new int[]{1, 7, 8, 9, 33, 40}) {
            float[] out = new float[n + 2];
            VectorOps.dotColumns(x, 3, d, m, 5, stride, 0.125f, out, 2, n);
            for (int j = 0; j < n; j++) {
                double e = 0;
                for (int i = 0; i < d; i++) e += (double) x[3 + i] * m[5 + i * stride + j];
                assertEquals(e * 0.125, out[2 + j], 1e-5, "n=" + n + " j=" + j);
            }
            assertEquals(0f, out[0]);
        }
    }

    @Test
    void rmsnormMatchesDefinition() {
        int n = 37;
        float[] x = rand(n + 4), w = rand(n), out = new float[n + 1];
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x[4 + i] * x[4 + i];
        double scale = 1 / Math.sqrt(ss / n + 1e-5);
        VectorOps.rmsnorm(out, 1, x, 4, w, n, 1e-5f);
        for (int i = 0; i < n; i++) assertEquals(x[4 + i] * scale * w[i], out[1 + i], 1e-5);
        VectorOps.rmsnorm(x, 4, x, 4, w, n, 1e-5f); // in place
        for (int i = 0; i < n; i++) assertEquals(out[1 + i], x[4 + i], 0f);
    }

    @Test
    void softmaxMatchesDefinitionAtVectorLengths() {
        for (int n : new int[]{5, 16, 33, 300}) {
            float[] x = rand(n + 2);
            for (int i = 0; i < x.length; i++) x[i] *= 10;
            float[] orig = x.clone();
            VectorOps.softmax(x, 2, n);
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int i = 0; i < n; i++) max = Math.max(max, orig[2 + i]);
            for (int i = 0; i < n; i++) z += Math.exp(orig[2 + i] - max);
            for (int i = 0; i < n; i++) assertEquals(Math.exp(orig[2 + i] - max) / z, x[2 + i], 1e-6);
            assertEquals(orig[0], x[0]);
        }
    }

    @Test
    void softmaxIsStableForLargeValues() {
        float[] x = {1000f, 1001f, 999f, 1000f};
        VectorOps.softmax(x, 1, 3);
        double z = Math.exp(0) + Math.exp(-2) + Math.exp(-1);
        assertEquals(1000f, x[0]);
        assertEquals(Math.exp(0) / z, x[1], 1e-6);
        assertEquals(Math.exp(-2) / z, x[2], 1e-6);
        assertEquals(Math.exp(-1) / z, x[3], 1e-6);
    }

    @Test
    void neoxRopeRotatesHalves() {
        int hd = 64, pos = 37;
        float base = 1_000_000f;
        float[] x = rand(hd + 2), orig = x.clone(), cos = new float[hd / 2], sin = new float[hd / 2];
        VectorOps.ropeTable(pos, hd, base, cos, sin);
        VectorOps.ropeNeox(x, 2, hd, cos, sin);
        for (int i = 0; i < hd / 2; i++) {
            double theta = pos * Math.pow(base, -2.0 * i / hd);
            double a = orig[2 + i], b = orig[2 + i + hd / 2];
            assertEquals(a * Math.cos(theta) - b * Math.sin(theta), x[2 + i], 1e-5);
            assertEquals(a * Math.sin(theta) + b * Math.cos(theta), x[2 + i + hd / 2], 1e-5);
        }
    }

    @Test
    void swigluAndElementwise() {
        for (int n : new int[]{3, 20, 67}) {
            float[] g = rand(n + 1), u = rand(n), g0 = g.clone();
            for (int i = 0; i < n; i++) g[1 + i] = g0[1 + i] *= 8; // reach the saturated parts of the sigmoid
            VectorOps.swiglu(g, 1, u, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(g0[1 + i] / (1 + Math.exp(-g0[1 + i])) * u[i], g[1 + i], 1e-5 * (1 + Math.abs(g0[1 + i])));
            }
        }
        float[] g0 = rand(20), u = rand(20);
        float[] y = new float[20];
        VectorOps.mul(g0, 0, u, 0, y, 0, 20);
        for (int i = 0; i < 20; i++) assertEquals((double) g0[i] * u[i], y[i], 1e-6);
        VectorOps.add(u, 0, y, 0, 20);
        for (int i = 0; i < 20; i++) assertEquals((double) g0[i] * u[i] + u[i], y[i], 1e-5);
        assertEquals(3, VectorOps.argmax(new float[]{0, 5, 1, 9, 9}, 0, 5));
    }
}
