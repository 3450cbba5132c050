package io.github.lfm4j.tornadovm.kernels;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.quant.Quantizer;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static io.github.lfm4j.tornadovm.kernels.OneTask.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The non-matrix kernels of a layer against their CPU twins, on fresh random data, outputs poisoned with NaN. */
class LayerKernelsTest {
    private final Random random = new Random();

    private static IntArray step(int token, int position) {
        IntArray s = new IntArray(Step.SIZE);
        s.set(Step.TOKEN, token);
        s.set(Step.POSITION, position);
        return s;
    }

    @Test
    void rmsnorm() {
        int n = 200;
        float eps = 1e-5f;
        FloatArray x = random(random, n, 2f), w = random(random, n, 1f), gpu = nan(n), cpu = nan(n);
        NormKernels.rmsnormCpu(x, w, cpu, n, eps);
        run(new Object[]{x, w, gpu}, new Object[]{gpu},
                tg -> tg.task("k", NormKernels::rmsnorm, new KernelContext(), x, w, gpu, n, eps),
                NormKernels.LOCAL, NormKernels.LOCAL);
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x.get(i) * x.get(i);
        double scale = 1 / Math.sqrt(ss / n + eps);
        for (int i = 0; i < n; i++) assertEquals(x.get(i) * scale * w.get(i), cpu.get(i), 1e-5, "twin " + i);
        assertClose(cpu, gpu, 1e-5f, "rmsnorm");
    }

    @Test
    void qkNormRopeAppend() {
        int heads = 4, kvHeads = 2, headDim = 96, kvDim = kvHeads * headDim, context = 7, pos = 5, layers = 2;
        int cacheOffset = context * kvDim; // second layer's slice
        float eps = 1e-5f;
        FloatArray q = random(random, heads * headDim, 3f), k = random(random, kvDim, 3f), v = random(random, kvDim, 1f);
        FloatArray qn = random(random, headDim, 1f), kn = random(random, headDim, 1f);
        FloatArray cos = new FloatArray(context * headDim / 2), sin = new FloatArray(context * headDim / 2);
        for (int i = 0; i < cos.getSize(); i++) {
            double a = random.nextDouble() * 6.3;
            cos.set(i, (float) Math.cos(a));
            sin.set(i, (float) Math.sin(a));
        }
        IntArray st = step(0, pos);
        FloatArray kc = random(random, layers * context * kvDim, 1f), vc = random(random, layers * context * kvDim, 1f);
        FloatArray qCpu = copy(q), qOrig = copy(q), kcCpu = copy(kc), vcCpu = copy(vc);
        // poison the slots that must be written
        for (int i = 0; i < kvDim; i++) {
            kc.set(cacheOffset + pos * kvDim + i, Float.NaN);
            vc.set(cacheOffset + pos * kvDim + i, Float.NaN);
        }
        NormKernels.qkNormRopeAppendCpu(qCpu, k, v, qn, kn, cos, sin, st, kcCpu, vcCpu, heads, kvHeads, headDim, kvDim,
                cacheOffset, eps);
        run(new Object[]{q, k, v, qn, kn, cos, sin, st, kc, vc}, new Object[]{q, kc, vc},
                tg -> tg.task("k", NormKernels::qkNormRopeAppend, new KernelContext(), q, k, v, qn, kn, cos, sin, st,
                        kc, vc, heads, headDim, kvDim, cacheOffset, eps),
                (heads + kvHeads) * NormKernels.LOCAL, NormKernels.LOCAL);
        // twin against a float64 norm + rotation of every query head
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            double ss = 0;
            for (int i = 0; i < headDim; i++) ss += (double) qOrig.get(h * headDim + i) * qOrig.get(h * headDim + i);
            double sc = 1 / Math.sqrt(ss / headDim + eps);
            for (int i = 0; i < half; i++) {
                double a = qOrig.get(h * headDim + i) * sc * qn.get(i), b = qOrig.get(h * headDim + i + half) * sc * qn.get(i + half);
                double c = cos.get(pos * half + i), sn = sin.get(pos * half + i);
                assertEquals(a * c - b * sn, qCpu.get(h * headDim + i), 1e-4, "twin q");
                assertEquals(a * sn + b * c, qCpu.get(h * headDim + i + half), 1e-4, "twin q");
            }
        }
        assertClose(qCpu, q, 1e-5f, "q");
        assertClose(kcCpu, kc, 1e-5f, "key cache");
        assertClose(vcCpu, vc, 0f, "value cache");
    }

    @Test
    void attention() {
        int heads = 6, kvHeads = 2, headDim = 40, kvDim = kvHeads * headDim, context = 150, pos = 130, group = heads / kvHeads;
        int cacheOffset = context * kvDim;
        float scale = (float) (1 / Math.sqrt(headDim));
        FloatArray q = random(random, heads * headDim, 2f);
        FloatArray kc = random(random, 2 * context * kvDim, 2f), vc = random(random, 2 * context * kvDim, 1f);
        // one large score, to check the max subtraction keeps exp finite
        for (int i = 0; i < headDim; i++) kc.set(cacheOffset + 3 * kvDim + i, 40f * Math.signum(q.get(i)));
        FloatArray scores = nan(heads * context), gpu = nan(heads * headDim), cpu = nan(heads * headDim);
        IntArray st = step(0, pos);
        AttentionKernels.attentionCpu(q, kc, vc, cpu, st, heads, headDim, kvDim, group, cacheOffset, scale);
        run(new Object[]{q, kc, vc, scores, st}, new Object[]{gpu},
                tg -> tg.task("k", AttentionKernels::attention, new KernelContext(), q, kc, vc, scores, gpu, st,
                        headDim, kvDim, group, context, cacheOffset, scale),
                heads * AttentionKernels.LOCAL, AttentionKernels.LOCAL);
        // twin against float64 softmax attention
        for (int h = 0; h < heads; h++) {
            int kvo = cacheOffset + (h / group) * headDim;
            double[] s = new double[pos + 1];
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j <= pos; j++) {
                for (int i = 0; i < headDim; i++) s[j] += (double) q.get(h * headDim + i) * kc.get(kvo + j * kvDim + i);
                s[j] *= scale;
                max = Math.max(max, s[j]);
            }
            for (int j = 0; j <= pos; j++) sum += s[j] = Math.exp(s[j] - max);
            for (int i = 0; i < headDim; i++) {
                double acc = 0;
                for (int j = 0; j <= pos; j++) acc += s[j] * vc.get(kvo + j * kvDim + i);
                assertEquals(acc / sum, cpu.get(h * headDim + i), 1e-5, "twin head " + h + " dim " + i);
            }
        }
        assertClose(cpu, gpu, 1e-5f, "attention");
    }

    @Test
    void shortConvShiftsStateAndStartsFreshAtZero() {
        int dim = 100, width = 3, layers = 2, stateOffset = (width - 1) * dim;
        FloatArray taps = random(random, dim * width, 1f);
        for (int pos : new int[]{0, 9}) {
            FloatArray bcx = random(random, 3 * dim, 2f);
            FloatArray state = random(random, layers * (width - 1) * dim, 1f), stateCpu = copy(state),
                    stateOrig = copy(state);
            FloatArray gpu = nan(dim), cpu = nan(dim);
            IntArray st = step(0, pos);
            ConvKernels.shortConvCpu(bcx, taps, stateCpu, cpu, st, dim, width, stateOffset);
            run(new Object[]{bcx, taps, state, st}, new Object[]{state, gpu},
                    tg -> tg.task("k", ConvKernels::shortConv, new KernelContext(), bcx, taps, state, gpu, st, dim,
                            width, stateOffset),
                    roundUp(dim, 64), 64);
            for (int c = 0; c < dim; c++) {
                double bx = (double) bcx.get(c) * bcx.get(2 * dim + c), acc = taps.get(c * width + width - 1) * bx;
                for (int j = 0; j < width - 1; j++) {
                    acc += pos == 0 ? 0 : (double) taps.get(c * width + j) * stateOrig.get(stateOffset + j * dim + c);
                }
                assertEquals(bcx.get(dim + c) * acc, cpu.get(c), 1e-5, "twin y " + c);
                assertEquals(bx, stateCpu.get(stateOffset + (width - 2) * dim + c), 1e-6, "newest state slot " + c);
                assertEquals(pos == 0 ? 0 : stateOrig.get(stateOffset + (width - 1) * dim + c - dim),
                        stateCpu.get(stateOffset + c), 0, "shifted slot " + c);
                assertEquals(stateOrig.get(c), stateCpu.get(c), 0, "other layer's state untouched");
            }
            assertClose(cpu, gpu, 1e-5f, "conv y at position " + pos);
            assertClose(stateCpu, state, 1e-6f, "conv state at position " + pos);
        }
    }

    @Test
    void swiglu() {
        int n = 300;
        FloatArray gate = random(random, n, 6f), up = random(random, n, 2f), cpu = copy(gate);
        ElementwiseKernels.swigluCpu(cpu, up, n);
        for (int i = 0; i < n; i++) {
            double g = gate.get(i);
            assertEquals(g / (1 + Math.exp(-g)) * up.get(i), cpu.get(i), 1e-5, "twin " + i);
        }
        run(new Object[]{gate, up}, new Object[]{gate},
                tg -> tg.task("k", ElementwiseKernels::swiglu, new KernelContext(), gate, up, n), roundUp(n, 64), 64);
        assertClose(cpu, gate, 1e-5f, "swiglu");
    }

    private DeviceMatrix embedding(GGMLType type, int rows, int cols) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
        return DeviceMatrix.of(type, MemorySegment.ofArray(Quantizer.quantize(type, w)), rows, cols, "embd");
    }

    @Test
    void embeddingLookupInEveryLayout() {
        int rows = 50, token = 37;
        IntArray st = step(token, 3);
        for (GGMLType type : new GGMLType[]{GGMLType.F32, GGMLType.F16, GGMLType.Q8_0, GGMLType.Q4_0, GGMLType.Q4_K,
                GGMLType.Q5_K, GGMLType.Q6_K}) {
            int dim = type.blockSize == KQuantBlocks.WEIGHTS ? 512 : 160; // K-quant rows: whole super-blocks
            DeviceMatrix m = embedding(type, rows, dim);
            FloatArray gpu = nan(dim), cpu = nan(dim);
            ElementwiseKernels.embedCpu(m, token, cpu);
            switch (m.layout()) {
                case F32 -> run(new Object[]{m.values(), st}, new Object[]{gpu},
                        tg -> tg.task("k", ElementwiseKernels::embedF32, new KernelContext(), m.values(), st, gpu, dim),
                        roundUp(dim, 64), 64);
                case F16 -> run(new Object[]{m.halves(), st}, new Object[]{gpu},
                        tg -> tg.task("k", ElementwiseKernels::embedF16, new KernelContext(), m.halves(), st, gpu, dim),
                        roundUp(dim, 64), 64);
                case Q8_0 -> run(new Object[]{m.quants(), m.scales(), st}, new Object[]{gpu},
                        tg -> tg.task("k", ElementwiseKernels::embedQ8, new KernelContext(), m.quants(), m.scales(), st,
                                gpu, dim), roundUp(dim, 64), 64);
                case Q4_0 -> run(new Object[]{m.quants(), m.scales(), st}, new Object[]{gpu},
                        tg -> tg.task("k", ElementwiseKernels::embedQ4, new KernelContext(), m.quants(), m.scales(), st,
                                gpu, dim), roundUp(dim, 64), 64);
                default -> {
                    int layout = MatMulKernels.layoutCode(m.layout());
                    run(new Object[]{m.quants(), st}, new Object[]{gpu},
                            tg -> tg.task("k", ElementwiseKernels::embedKQuant, new KernelContext(), m.quants(), st,
                                    gpu, dim, layout), roundUp(dim, 64), 64);
                }
            }
            assertClose(cpu, gpu, 0f, type + " embedding");
        }
    }

    @Test
    void argmaxPicksLowestIndexOfTheMaximum() {
        int n = 5000;
        FloatArray x = random(random, n, 10f);
        int at = 1 + random.nextInt(n - 2);
        x.set(at, 50f);
        x.set(n - 1, 50f); // a tie later on: the first one wins
        IntArray result = new IntArray(1);
        result.set(0, -1);
        assertEquals(at, ElementwiseKernels.argmaxCpu(x, n));
        run(new Object[]{x, result}, new Object[]{result},
                tg -> tg.task("k", ElementwiseKernels::argmax, new KernelContext(), x, result, n),
                ElementwiseKernels.ARGMAX_LOCAL, ElementwiseKernels.ARGMAX_LOCAL);
        assertEquals(at, result.get(0));
    }

    @Test
    void splitAttentionEqualsSinglePass() {
        int heads = 4, kvHeads = 1, headDim = 48, kvDim = kvHeads * headDim, context = 3 * AttentionKernels.CHUNK + 20;
        int splits = AttentionKernels.splits(context), group = heads / kvHeads, cacheOffset = 0;
        float scale = (float) (1 / Math.sqrt(headDim));
        assertEquals(4, splits);
        // positions ending inside the second chunk (two chunks empty) and inside the last one
        for (int pos : new int[]{AttentionKernels.CHUNK + 7, context - 1}) {
            FloatArray q = random(random, heads * headDim, 2f);
            FloatArray kc = random(random, context * kvDim, 2f), vc = random(random, context * kvDim, 1f);
            for (int i = 0; i < headDim; i++) kc.set(5 * kvDim + i, 30f * Math.signum(q.get(i))); // one dominant score
            FloatArray scores = nan(heads * context), gpu = nan(heads * headDim);
            FloatArray pMax = nan(heads * splits), pSum = nan(heads * splits), pOut = nan(heads * splits * headDim);
            FloatArray single = nan(heads * headDim), twin = nan(heads * headDim);
            IntArray st = step(0, pos);
            AttentionKernels.attentionCpu(q, kc, vc, single, st, heads, headDim, kvDim, group, cacheOffset, scale);
            AttentionKernels.attentionSplitCpu(q, kc, vc, twin, st, heads, headDim, kvDim, group, splits, cacheOffset,
                    scale);
            assertClose(single, twin, 1e-5f, "split twin vs single pass at " + pos);
            String name = "split" + pos;
            uk.ac.manchester.tornado.api.TaskGraph tg = new uk.ac.manchester.tornado.api.TaskGraph(name)
                    .transferToDevice(uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION, q, kc, vc,
                            scores, pMax, pSum, pOut, gpu, st)
                    .task("split", AttentionKernels::attentionSplit, new KernelContext(), q, kc, vc, scores, pMax, pSum,
                            pOut, st, headDim, kvDim, group, context, splits, cacheOffset, scale)
                    .task("combine", AttentionKernels::attentionCombine, new KernelContext(), pMax, pSum, pOut, gpu,
                            headDim, splits)
                    .transferToHost(uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION, gpu);
            uk.ac.manchester.tornado.api.GridScheduler grids = new uk.ac.manchester.tornado.api.GridScheduler();
            uk.ac.manchester.tornado.api.WorkerGrid1D a = new uk.ac.manchester.tornado.api.WorkerGrid1D(
                    heads * splits * AttentionKernels.LOCAL);
            a.setLocalWork(AttentionKernels.LOCAL, 1, 1);
            uk.ac.manchester.tornado.api.WorkerGrid1D b = new uk.ac.manchester.tornado.api.WorkerGrid1D(
                    heads * AttentionKernels.LOCAL);
            b.setLocalWork(AttentionKernels.LOCAL, 1, 1);
            grids.addWorkerGrid(name + ".split", a);
            grids.addWorkerGrid(name + ".combine", b);
            try (uk.ac.manchester.tornado.api.TornadoExecutionPlan plan =
                         new uk.ac.manchester.tornado.api.TornadoExecutionPlan(tg.snapshot())) {
                plan.withGridScheduler(grids).execute();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertClose(twin, gpu, 1e-5f, "split attention at " + pos);
        }
    }
}
