package io.github.lfm4j.tornadovm.kernels;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.quant.Quantizer;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static io.github.lfm4j.tornadovm.kernels.MatMulKernelsTest.chunk;
import static io.github.lfm4j.tornadovm.kernels.OneTask.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batched (prefill) layer kernels against their twins on fresh random data, launched for more rows than the
 * chunk has (rows past n must stay NaN), outputs poisoned with NaN before each launch.
 */
class PrefillKernelsTest {
    private final Random random = new Random();

    private static void assertUntouched(FloatArray a, int from, String what) {
        for (int i = from; i < a.getSize(); i++) assertTrue(Float.isNaN(a.get(i)), what + "[" + i + "] past n was written");
    }

    private static FloatArray slice(FloatArray a, int count) {
        FloatArray s = new FloatArray(count);
        for (int i = 0; i < count; i++) s.set(i, a.get(i));
        return s;
    }

    /** The first {@code count} elements (the chunk's rows) close to the twin's; the rest left NaN. */
    private static void assertRows(FloatArray cpu, FloatArray gpu, int count, float tol, String what) {
        assertClose(slice(cpu, count), slice(gpu, count), tol, what);
        assertUntouched(gpu, count, what);
    }

    @Test
    void rmsnormRows() {
        int dim = 200, n = 5, max = 8;
        float eps = 1e-5f;
        FloatArray x = random(random, max * dim, 2f), w = random(random, dim, 1f), gpu = nan(max * dim),
                cpu = nan(max * dim);
        IntArray st = chunk(max, n, 7);
        PrefillNormKernels.rmsnormCpu(x, w, cpu, n, dim, eps);
        run(new Object[]{x, w, gpu, st}, new Object[]{gpu},
                tg -> tg.task("k", PrefillNormKernels::rmsnorm, new KernelContext(), x, w, gpu, st, dim, eps),
                max * PrefillNormKernels.LOCAL, PrefillNormKernels.LOCAL);
        for (int t = 0; t < n; t++) {
            double ss = 0;
            for (int i = 0; i < dim; i++) ss += (double) x.get(t * dim + i) * x.get(t * dim + i);
            double scale = 1 / Math.sqrt(ss / dim + eps);
            for (int i = 0; i < dim; i++) {
                assertEquals(x.get(t * dim + i) * scale * w.get(i), cpu.get(t * dim + i), 1e-5, "twin " + t + "," + i);
            }
        }
        assertRows(cpu, gpu, n * dim, 1e-5f, "rmsnorm rows");
    }

    @Test
    void qkNormRopeAppendRows() {
        int heads = 4, kvHeads = 2, headDim = 96, kvDim = kvHeads * headDim, qDim = heads * headDim, context = 20;
        int pos0 = 9, n = 6, max = 8, cacheOffset = context * kvDim;
        float eps = 1e-5f;
        FloatArray q = random(random, max * qDim, 3f), k = random(random, max * kvDim, 3f),
                v = random(random, max * kvDim, 1f);
        FloatArray qn = random(random, headDim, 1f), kn = random(random, headDim, 1f);
        FloatArray cos = new FloatArray(context * headDim / 2), sin = new FloatArray(context * headDim / 2);
        for (int i = 0; i < cos.getSize(); i++) {
            double a = random.nextDouble() * 6.3;
            cos.set(i, (float) Math.cos(a));
            sin.set(i, (float) Math.sin(a));
        }
        IntArray st = chunk(max, n, pos0);
        FloatArray kc = random(random, 2 * context * kvDim, 1f), vc = random(random, 2 * context * kvDim, 1f);
        for (int i = 0; i < n * kvDim; i++) {
            kc.set(cacheOffset + pos0 * kvDim + i, Float.NaN);
            vc.set(cacheOffset + pos0 * kvDim + i, Float.NaN);
        }
        for (int i = n * qDim; i < max * qDim; i++) q.set(i, Float.NaN); // rows past n: left as they are
        FloatArray qCpu = copy(q), kcCpu = copy(kc), vcCpu = copy(vc);
        PrefillNormKernels.qkNormRopeAppendCpu(qCpu, k, v, qn, kn, cos, sin, st, kcCpu, vcCpu, heads, kvHeads, headDim,
                kvDim, cacheOffset, eps);
        run(new Object[]{q, k, v, qn, kn, cos, sin, st, kc, vc}, new Object[]{q, kc, vc},
                tg -> tg.task("k", PrefillNormKernels::qkNormRopeAppend, new KernelContext(), q, k, v, qn, kn, cos,
                        sin, st, kc, vc, heads, kvHeads, headDim, kvDim, cacheOffset, eps),
                max * (heads + kvHeads) * PrefillNormKernels.LOCAL, PrefillNormKernels.LOCAL);
        assertRows(qCpu, q, n * qDim, 1e-5f, "q rows");
        // the cache: the chunk's slots written, every other slot (other layer, other positions) unchanged
        assertClose(kcCpu, kc, 1e-5f, "key cache");
        assertClose(vcCpu, vc, 0f, "value cache");
    }

    @Test
    void shortConvRowsContinueTheState() {
        int dim = 100, width = 3, max = 8, stateOffset = (width - 1) * dim;
        FloatArray taps = random(random, dim * width, 1f);
        // a fresh start, a chunk after earlier tokens, and a chunk shorter than the state (n = 1 < L - 1)
        int[][] cases = {{0, 6}, {11, 8}, {20, 1}};
        for (int[] c : cases) {
            int pos0 = c[0], n = c[1];
            FloatArray bcx = random(random, max * 3 * dim, 2f);
            FloatArray state = random(random, 2 * (width - 1) * dim, 1f), stateCpu = copy(state), orig = copy(state);
            FloatArray gpu = nan(max * dim), cpu = nan(max * dim);
            IntArray st = chunk(max, n, pos0);
            PrefillConvKernels.shortConvCpu(bcx, taps, stateCpu, cpu, st, dim, width, stateOffset);
            run(new Object[]{bcx, taps, state, gpu, st}, new Object[]{state, gpu},
                    tg -> tg.task("k", PrefillConvKernels::shortConv, new KernelContext(), bcx, taps, state, gpu, st,
                            dim, width, stateOffset),
                    roundUp(dim, 64), 64);
            // the twin against float64: inputs before the chunk from the old state (zero at position 0)
            for (int t = 0; t < n; t++) {
                for (int ch = 0; ch < dim; ch++) {
                    double acc = 0;
                    for (int j = 0; j < width; j++) {
                        int time = t - (width - 1) + j;
                        double src = time >= 0 ? (double) bcx.get(time * 3 * dim + ch) * bcx.get(time * 3 * dim + 2 * dim + ch)
                                : pos0 == 0 ? 0 : orig.get(stateOffset + (width - 1 + time) * dim + ch);
                        acc += taps.get(ch * width + j) * src;
                    }
                    assertEquals(bcx.get(t * 3 * dim + dim + ch) * acc, cpu.get(t * dim + ch), 1e-4, "twin y " + t);
                }
            }
            assertRows(cpu, gpu, n * dim, 1e-5f, "conv y at " + pos0 + "+" + n);
            assertClose(stateCpu, state, 1e-6f, "conv state at " + pos0 + "+" + n);
        }
    }

    @Test
    void causalAttentionRows() {
        int heads = 6, kvHeads = 2, headDim = 40, kvDim = kvHeads * headDim, qDim = heads * headDim, context = 300;
        int pos0 = 150, n = 13, max = 16, group = heads / kvHeads, cacheOffset = context * kvDim;
        float scale = (float) (1 / Math.sqrt(headDim));
        FloatArray q = random(random, max * qDim, 2f);
        FloatArray kc = random(random, 2 * context * kvDim, 2f), vc = random(random, 2 * context * kvDim, 1f);
        // a dominant key early on (the online softmax must rescale what it has summed before it), and poison past
        // the last position a query may see
        for (int i = 0; i < headDim; i++) kc.set(cacheOffset + 70 * kvDim + i, 40f * Math.signum(q.get(i)));
        for (int i = (pos0 + n) * kvDim; i < context * kvDim; i++) {
            kc.set(cacheOffset + i, Float.NaN);
            vc.set(cacheOffset + i, Float.NaN);
        }
        FloatArray gpu = nan(max * qDim), cpu = nan(max * qDim);
        IntArray st = chunk(max, n, pos0);
        PrefillAttentionKernels.attentionCpu(q, kc, vc, cpu, st, heads, headDim, kvDim, group, cacheOffset, scale);
        run(new Object[]{q, kc, vc, gpu, st}, new Object[]{gpu},
                tg -> tg.task("k", PrefillAttentionKernels::attention, new KernelContext(), q, kc, vc, gpu, st, heads,
                        headDim, kvDim, group, cacheOffset, scale),
                max * heads * PrefillAttentionKernels.LOCAL, PrefillAttentionKernels.LOCAL);
        // the twin against float64 causal softmax attention, for the first and the last query
        for (int t : new int[]{0, n - 1}) {
            int len = pos0 + t + 1;
            for (int h = 0; h < heads; h++) {
                int kvo = cacheOffset + (h / group) * headDim;
                double[] s = new double[len];
                double max2 = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < len; j++) {
                    for (int i = 0; i < headDim; i++) s[j] += (double) q.get(t * qDim + h * headDim + i) * kc.get(kvo + j * kvDim + i);
                    s[j] *= scale;
                    max2 = Math.max(max2, s[j]);
                }
                for (int j = 0; j < len; j++) sum += s[j] = Math.exp(s[j] - max2);
                for (int i = 0; i < headDim; i++) {
                    double acc = 0;
                    for (int j = 0; j < len; j++) acc += s[j] * vc.get(kvo + j * kvDim + i);
                    assertEquals(acc / sum, cpu.get(t * qDim + h * headDim + i), 1e-5, "twin " + t + "," + h);
                }
            }
        }
        assertRows(cpu, gpu, n * qDim, 1e-5f, "attention rows");
    }

    @Test
    void embeddingRowsInEveryLayout() {
        int rows = 50, n = 3, max = 4;
        IntArray st = chunk(max, n, 0);
        st.set(Step.TOKENS, 37);
        st.set(Step.TOKENS + 1, 0);
        st.set(Step.TOKENS + 2, 49);
        for (GGMLType type : new GGMLType[]{GGMLType.F32, GGMLType.F16, GGMLType.Q8_0, GGMLType.Q4_0, GGMLType.Q4_K,
                GGMLType.Q5_K, GGMLType.Q6_K}) {
            int dim = type.blockSize == KQuantBlocks.WEIGHTS ? 512 : 160; // K-quant rows: whole super-blocks
            float[] w = new float[rows * dim];
            for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
            DeviceMatrix m = DeviceMatrix.of(type, MemorySegment.ofArray(Quantizer.quantize(type, w)), rows, dim, "e");
            FloatArray gpu = nan(max * dim), cpu = nan(max * dim);
            PrefillElementwiseKernels.embedCpu(m, st, cpu);
            int global = roundUp(max * dim, 64);
            switch (m.layout()) {
                case F16 -> run(new Object[]{m.halves(), st, gpu}, new Object[]{gpu},
                        tg -> tg.task("k", PrefillElementwiseKernels::embedF16, new KernelContext(), m.halves(), st,
                                gpu, dim), global, 64);
                case F32 -> run(new Object[]{m.values(), st, gpu}, new Object[]{gpu},
                        tg -> tg.task("k", PrefillElementwiseKernels::embedF32, new KernelContext(), m.values(), st,
                                gpu, dim), global, 64);
                case Q8_0 -> run(new Object[]{m.quants(), m.scales(), st, gpu}, new Object[]{gpu},
                        tg -> tg.task("k", PrefillElementwiseKernels::embedQ8, new KernelContext(), m.quants(),
                                m.scales(), st, gpu, dim), global, 64);
                case Q4_0 -> run(new Object[]{m.quants(), m.scales(), st, gpu}, new Object[]{gpu},
                        tg -> tg.task("k", PrefillElementwiseKernels::embedQ4, new KernelContext(), m.quants(),
                                m.scales(), st, gpu, dim), global, 64);
                default -> {
                    int layout = MatMulKernels.layoutCode(m.layout());
                    run(new Object[]{m.quants(), st, gpu}, new Object[]{gpu},
                            tg -> tg.task("k", PrefillElementwiseKernels::embedKQuant, new KernelContext(), m.quants(),
                                    st, gpu, dim, layout), global, 64);
                }
            }
            // only the chunk's rows: TornadoVM did not copy the poisoned Q4_0 output in (the kernel only writes it),
            // so rows past n held whatever the fresh device buffer held
            assertClose(slice(cpu, n * dim), slice(gpu, n * dim), 0f, type + " embedding rows");
        }
    }

    @Test
    void swigluRowsAndLastRow() {
        int width = 300, n = 3, max = 4, dim = 70;
        FloatArray gate = random(random, max * width, 6f), up = random(random, max * width, 2f);
        for (int i = n * width; i < max * width; i++) gate.set(i, Float.NaN);
        FloatArray cpu = copy(gate);
        PrefillElementwiseKernels.swigluCpu(cpu, up, n, width);
        for (int i = 0; i < n * width; i++) {
            double g = gate.get(i);
            assertEquals(g / (1 + Math.exp(-g)) * up.get(i), cpu.get(i), 1e-5, "twin " + i);
        }
        IntArray st = chunk(max, n, 0);
        run(new Object[]{gate, up, st}, new Object[]{gate},
                tg -> tg.task("k", PrefillElementwiseKernels::swiglu, new KernelContext(), gate, up, st, width),
                roundUp(max * width, 64), 64);
        assertRows(cpu, gate, n * width, 1e-5f, "swiglu rows");

        FloatArray xs = random(random, max * dim, 1f), x = nan(dim), xCpu = nan(dim);
        PrefillElementwiseKernels.lastRowCpu(xs, xCpu, n, dim);
        for (int i = 0; i < dim; i++) assertEquals(xs.get((n - 1) * dim + i), xCpu.get(i), 0f, "twin last row");
        run(new Object[]{xs, x, st}, new Object[]{x},
                tg -> tg.task("k", PrefillElementwiseKernels::lastRow, new KernelContext(), xs, x, st, dim),
                roundUp(dim, 64), 64);
        assertClose(xCpu, x, 0f, "last row");
    }
}
