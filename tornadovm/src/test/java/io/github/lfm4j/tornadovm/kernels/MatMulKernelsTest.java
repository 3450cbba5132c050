package io.github.lfm4j.tornadovm.kernels;

import io.github.lfm4j.model.gguf.GGMLType;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

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
        TestWeights tw = TestWeights.random(random, type, rows, cols);
        DeviceMatrix m = tw.device();
        float[] decoded = tw.reference(); // by the model module: independent of DeviceMatrix and the kernel
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
        double worst = 0;
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < rows; r++) {
                int o = t * rows + r;
                double ref = add ? start.get(o) : 0, terms = Math.abs(ref);
                for (int c = 0; c < cols; c++) {
                    double term = (double) decoded[r * cols + c] * x.get(t * cols + c);
                    ref += term;
                    terms += Math.abs(term);
                }
                assertEquals(ref, cpu.get(o), 1e-4 * Math.max(1, Math.abs(ref)), "twin " + t + "," + r);
                // the kernel sums the same products in the same column order as the twin, but the OpenCL compiler
                // may fuse multiply-adds (also in the K-quant decode d·scale·q − dmin·min), so each step can round
                // differently: bounded by the size of the terms, not of the sum (measured: 4e-8 to 1.1e-7 of Σ|terms|;
                // a weight off by one quant step moves a result by ~1e-4 of it or more)
                float g = gpu.get(o);
                worst = Math.max(worst, Math.abs(cpu.get(o) - g) / Math.max(1, terms));
                assertTrue(!Float.isNaN(g), type + ": [" + o + "] was not written (NaN)");
                assertEquals(cpu.get(o), g, 1e-6 * Math.max(1, terms), type + (add ? " add" : "") + " [" + t + "," + r + "]");
            }
        }
        System.out.printf("matmul %s%s: max |gpu - twin| / Σ|terms| = %.2g%n", type, add ? " add" : "", worst);
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

    // K-quants: a step of 32 columns is one unit of a super-block; 3 super-blocks cover all eight units and more
    @Test
    void q4k() {
        check(GGMLType.Q4_K, 45, 768, 19, 32, false);
    }

    @Test
    void q4kAdd() {
        check(GGMLType.Q4_K, 150, 256, 7, 16, true); // two row tiles, the second partial
    }

    @Test
    void q5k() {
        check(GGMLType.Q5_K, 45, 768, 19, 32, false);
    }

    @Test
    void q5kAdd() {
        check(GGMLType.Q5_K, 64, 512, 7, 16, true);
    }

    @Test
    void q6k() {
        check(GGMLType.Q6_K, 45, 768, 19, 32, false);
    }

    @Test
    void q6kAdd() {
        check(GGMLType.Q6_K, 256, 256, 7, 16, true); // rows a multiple of the tile, as in real models
    }
}
