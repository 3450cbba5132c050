package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.kernels.cache.KvCache;
import io.github.lfm4j.kernels.cache.KvCacheType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiled online-softmax attention over a {@link KvCache} against a float64 attention written here: keys and
 * values stored as each cache type defines them (f16 by the JDK's rounding, q8_0 by ggml's rule re-implemented in
 * double below), then plain two-pass softmax attention in double. Prompts cross tiles and blocks, and the query
 * batch starts at a non-zero position, as a prefill after earlier turns does.
 */
class TiledAttentionTest {

    @ParameterizedTest(name = "{0}/{1} headDim {2} group {3} past {4} batch {5}")
    @CsvSource({
            "f32, f32, 64, 4, 0, 1",
            "f32, f32, 64, 4, 300, 1",
            "f16, f16, 64, 4, 700, 1",
            "q8_0, q8_0, 64, 4, 517, 1",
            "f16, q8_0, 64, 4, 100, 37",
            "q8_0, f16, 64, 3, 0, 130",
            "f32, f32, 64, 6, 250, 70",
            "f16, f16, 16, 2, 63, 65",
            "f32, f32, 16, 1, 0, 300",
            "f16, f16, 32, 5, 255, 2",
    })
    void matchesTheFloat64Reference(String kt, String vt, int headDim, int group, int past, int batch) {
        KvCacheType keyType = KvCacheType.parse(kt), valueType = KvCacheType.parse(vt);
        int kvHeads = 2, heads = kvHeads * group, total = past + batch;
        Random rnd = new Random(31L * headDim + past + batch);
        float[][] keys = new float[total][kvHeads * headDim], values = new float[total][kvHeads * headDim];
        KvCache cache = new KvCache(keyType, valueType, kvHeads, headDim, total + 10);
        for (int p = 0; p < total; p++) {
            for (int c = 0; c < kvHeads * headDim; c++) {
                keys[p][c] = (float) (rnd.nextGaussian() * 1.5);
                values[p][c] = (float) rnd.nextGaussian();
            }
            cache.append(p, keys[p], 0, values[p], 0);
        }
        int qDim = heads * headDim;
        float[] q = new float[batch * qDim], out = new float[batch * qDim];
        for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
        float scale = (float) (1 / Math.sqrt(headDim));
        TiledAttention kernel = new TiledAttention(headDim);
        for (int g = 0; g < kvHeads; g++) kernel.run(cache, g, g * group, group, past, batch, q, qDim, out, scale);

        double[][] k = stored(keys, keyType), v = stored(values, valueType);
        double worst = 0;
        for (int t = 0; t < batch; t++) {
            for (int hh = 0; hh < heads; hh++) {
                int g = hh / group, len = past + t + 1;
                double[] s = new double[len];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    double dot = 0;
                    for (int i = 0; i < headDim; i++) dot += q[t * qDim + hh * headDim + i] * k[j][g * headDim + i];
                    s[j] = dot * scale;
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < len; j++) sum += s[j] = Math.exp(s[j] - max);
                for (int i = 0; i < headDim; i++) {
                    double o = 0;
                    for (int j = 0; j < len; j++) o += s[j] / sum * v[j][g * headDim + i];
                    worst = Math.max(worst, Math.abs(o - out[t * qDim + hh * headDim + i]));
                }
            }
        }
        // the kernel computes in float from the same stored values: only float rounding separates it
        assertTrue(worst < 2e-5, "max difference " + worst);
    }

    /** The values as the cache type stores them, back in double. */
    private static double[][] stored(float[][] x, KvCacheType type) {
        double[][] r = new double[x.length][];
        for (int p = 0; p < x.length; p++) {
            r[p] = new double[x[p].length];
            for (int c0 = 0; c0 < x[p].length; c0 += 32) {
                int end = Math.min(x[p].length, c0 + 32);
                double amax = 0;
                for (int c = c0; c < end; c++) amax = Math.max(amax, Math.abs(x[p][c]));
                float d = (float) (amax / 127);
                double dh = Float.float16ToFloat(Float.floatToFloat16(d));
                for (int c = c0; c < end; c++) {
                    r[p][c] = switch (type) {
                        case F32 -> x[p][c];
                        case F16 -> Float.float16ToFloat(Float.floatToFloat16(x[p][c]));
                        case Q8_0 -> {
                            double y = d == 0 ? 0 : x[p][c] * (1.0f / d);
                            yield Math.signum(y) * Math.floor(Math.abs(y) + 0.5) * dh;
                        }
                    };
                }
            }
        }
        return r;
    }
}
