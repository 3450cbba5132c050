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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiled prefill matmul (one kernel, the layout an int argument) in each layout against its twin on fresh random
 * data: rows not a multiple of the row tile, F32/F16 columns not a multiple of 32, n tokens filling the last token tile partly and fewer than the launch's
 * maximum (rows past n must stay untouched); the twin against a float64 product.
 */
class MatMulKernelsTest {
    private final Random random = new Random();

    static IntArray chunk(int maxBatch, int n, int position) {
        IntArray s = new IntArray(Step.size(maxBatch));
        s.set(Step.BATCH, n);
        s.set(Step.POSITION, position);
        return s;
    }

    private void check(GGMLType type, int rows, int cols, int n, int maxBatch, boolean add) {
        float[] wf = new float[rows * cols];
        for (int i = 0; i < wf.length; i++) wf[i] = (float) random.nextGaussian();
        DeviceMatrix m = DeviceMatrix.of(type, MemorySegment.ofArray(Quantizer.quantize(type, wf)), rows, cols, "w");
        FloatArray x = random(random, maxBatch * cols, 1f);
        FloatArray start = random(random, maxBatch * rows, 3f);
        FloatArray gpu = add ? copy(start) : nan(maxBatch * rows), cpu = copy(gpu);
        for (int i = n * rows; i < maxBatch * rows; i++) gpu.set(i, Float.NaN); // rows past n: must stay untouched
        IntArray st = chunk(maxBatch, n, 0);
        MatMulKernels.matmulCpu(m, x, cpu, n, add);
        int a = add ? 1 : 0, global = MatMulKernels.groups(rows, maxBatch) * MatMulKernels.LOCAL;
        MatMulKernels.Weights wa = MatMulKernels.Weights.standIns().of(m);
        int layout = MatMulKernels.layoutCode(m.layout());
        run(new Object[]{wa.values(), wa.halves(), wa.quants(), wa.scales(), x, gpu, st}, new Object[]{gpu},
                tg -> tg.task("k", MatMulKernels::matmul, new KernelContext(), wa.values(), wa.halves(), wa.quants(),
                        wa.scales(), x, gpu, st, rows, cols, layout, a), global, MatMulKernels.LOCAL);
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < rows; r++) {
                double ref = add ? start.get(t * rows + r) : 0;
                for (int c = 0; c < cols; c++) ref += (double) m.value(r, c) * x.get(t * cols + c);
                assertEquals(ref, cpu.get(t * rows + r), 1e-4 * Math.max(1, Math.abs(ref)), "twin " + t + "," + r);
            }
        }
        FloatArray written = new FloatArray(n * rows), expected = new FloatArray(n * rows);
        for (int i = 0; i < n * rows; i++) {
            written.set(i, gpu.get(i));
            expected.set(i, cpu.get(i));
        }
        assertClose(expected, written, 1e-5f, type + (add ? " add" : ""));
        for (int i = n * rows; i < maxBatch * rows; i++) {
            assertTrue(Float.isNaN(gpu.get(i)), type + ": element " + i + " of a row past n was written");
        }
    }

    @Test
    void f32() {
        check(GGMLType.F32, 37, 150, 21, 32, false);
    }

    @Test
    void f32Add() {
        check(GGMLType.F32, 64, 64, 16, 48, true); // rows a multiple of the tile: see MatMulKernels
    }

    @Test
    void f16() {
        check(GGMLType.F16, 150, 70, 23, 32, false);
    }

    @Test
    void f16Add() {
        check(GGMLType.F16, 45, 96, 16, 16, true);
    }

    @Test
    void q8() {
        check(GGMLType.Q8_0, 45, 320, 19, 32, false);
    }

    @Test
    void q8Add() {
        check(GGMLType.Q8_0, 33, 96, 7, 16, true);
    }

    @Test
    void q4() {
        check(GGMLType.Q4_0, 45, 320, 19, 32, false);
    }

    @Test
    void q4Add() {
        check(GGMLType.Q4_0, 64, 96, 7, 16, true);
    }
}
