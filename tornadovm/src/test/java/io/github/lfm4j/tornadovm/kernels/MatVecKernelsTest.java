package io.github.lfm4j.tornadovm.kernels;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.quant.Quantizer;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static io.github.lfm4j.tornadovm.kernels.OneTask.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each matrix-vector kernel against its CPU twin on fresh random data; shapes that do not fill whole work-groups. */
class MatVecKernelsTest {
    private final Random random = new Random();

    private DeviceMatrix matrix(GGMLType type, int rows, int cols) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
        byte[] enc = Quantizer.quantize(type, w);
        return DeviceMatrix.of(type, MemorySegment.ofArray(enc), rows, cols, "test");
    }

    private void check(GGMLType type, int rows, int cols, boolean add) {
        DeviceMatrix m = matrix(type, rows, cols);
        FloatArray x = random(random, cols, 1f);
        FloatArray start = random(random, rows, 3f);
        FloatArray gpu = add ? copy(start) : nan(rows), cpu = copy(start);
        switch (m.layout()) {
            case F32 -> {
                MatVecKernels.f32Cpu(m.values(), x, cpu, rows, cols, add);
                run(new Object[]{m.values(), x, gpu}, new Object[]{gpu}, tg -> add
                        ? tg.task("k", MatVecKernels::f32Add, new KernelContext(), m.values(), x, gpu, cols)
                        : tg.task("k", MatVecKernels::f32, new KernelContext(), m.values(), x, gpu, cols),
                        rows * MatVecKernels.LOCAL, MatVecKernels.LOCAL);
            }
            case Q8_0 -> {
                MatVecKernels.q8Cpu(m.quants(), m.scales(), x, cpu, rows, cols, add);
                run(new Object[]{m.quants(), m.scales(), x, gpu}, new Object[]{gpu}, tg -> add
                        ? tg.task("k", MatVecKernels::q8Add, new KernelContext(), m.quants(), m.scales(), x, gpu, cols)
                        : tg.task("k", MatVecKernels::q8, new KernelContext(), m.quants(), m.scales(), x, gpu, cols),
                        rows * MatVecKernels.LOCAL, MatVecKernels.LOCAL);
            }
            case Q4_0 -> {
                MatVecKernels.q4Cpu(m.quants(), m.scales(), x, cpu, rows, cols, add);
                run(new Object[]{m.quants(), m.scales(), x, gpu}, new Object[]{gpu}, tg -> add
                        ? tg.task("k", MatVecKernels::q4Add, new KernelContext(), m.quants(), m.scales(), x, gpu, cols)
                        : tg.task("k", MatVecKernels::q4, new KernelContext(), m.quants(), m.scales(), x, gpu, cols),
                        rows * MatVecKernels.LOCAL, MatVecKernels.LOCAL);
            }
        }
        // the twin itself against a float64 product of the decoded weights
        for (int r = 0; r < rows; r++) {
            double ref = add ? start.get(r) : 0;
            for (int c = 0; c < cols; c++) ref += (double) m.value(r, c) * x.get(c);
            assertEquals(ref, cpu.get(r), 1e-4 * Math.max(1, Math.abs(ref)), "twin row " + r);
        }
        assertClose(cpu, gpu, 1e-4f, type + (add ? " add" : "") + " out");
    }

    @Test
    void f32() {
        check(GGMLType.F32, 37, 150, false);
    }

    @Test
    void f32Add() {
        check(GGMLType.F32, 41, 64, true);
    }

    @Test
    void q8() {
        check(GGMLType.Q8_0, 37, 2080, false);
    }

    @Test
    void q8Add() {
        check(GGMLType.Q8_0, 19, 96, true);
    }

    @Test
    void q4() {
        check(GGMLType.Q4_0, 37, 2080, false);
    }

    @Test
    void q4Add() {
        check(GGMLType.Q4_0, 19, 96, true);
    }

    @Test
    void kQuantIsRepackedAsQ8() {
        DeviceMatrix m = matrix(GGMLType.Q6_K, 3, 256);
        assertEquals(DeviceMatrix.Layout.Q8_0, m.layout());
        check(GGMLType.Q6_K, 5, 256, false);
    }
}
