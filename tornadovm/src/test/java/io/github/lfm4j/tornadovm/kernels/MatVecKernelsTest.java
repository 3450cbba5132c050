package io.github.lfm4j.tornadovm.kernels;

import io.github.lfm4j.kernels.cpu.MatrixKernel;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.gguf.Tensor;
import io.github.lfm4j.model.quant.Quantizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static io.github.lfm4j.tornadovm.kernels.OneTask.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each matrix-vector kernel against its CPU twin on fresh random data (shapes that do not fill whole work-groups),
 * the twin against float64, and the quantized kernels against the CPU engine's int8-activation matvec.
 */
class MatVecKernelsTest {
    private final Random random = new Random();

    private DeviceMatrix matrix(GGMLType type, int rows, int cols) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
        byte[] enc = Quantizer.quantize(type, w);
        return DeviceMatrix.of(type, MemorySegment.ofArray(enc), rows, cols, "test");
    }

    private void check(GGMLType type, int rows, int cols, boolean add) {
        check(type, rows, cols, add, MatVecKernels.LOCAL);
    }

    private void check(GGMLType type, int rows, int cols, boolean add, int local) {
        TestWeights tw = TestWeights.random(random, type, rows, cols);
        DeviceMatrix m = tw.device();
        // a type without a kernel of its own is computed as its Q8_0 re-encoding: that is the reference then
        float[] decoded = m.layout().name().equals(type.name()) ? tw.reference() : hostDecoded(m);
        FloatArray x = random(random, cols, 1f);
        FloatArray start = random(random, rows, 3f);
        FloatArray gpu = add ? copy(start) : nan(rows), cpu = copy(start);
        Int8Input xq = Int8InputKernels.quantizeCpu(x);
        MatVecKernels.matvecCpu(m, x, xq, cpu, add);
        switch (m.layout()) {
            case F32 -> {
                MatMulKernels.Weights w = MatMulKernels.Weights.standIns().of(m);
                run(new Object[]{w.values(), w.halves(), x, gpu}, new Object[]{gpu},
                        tg -> tg.task("k", MatVecKernels::unquantized, new KernelContext(), w.values(), w.halves(), x,
                                gpu, cols, local, MatMulKernels.F32, add ? 1 : 0),
                        rows * local, local);
            }
            case Q8_0 -> {
                run(new Object[]{m.quants(), m.scales(), xq.quants(), xq.scales(), gpu}, new Object[]{gpu}, 
                        tg -> tg.task("k", MatVecKernels::q8, new KernelContext(), m.quants(), m.scales(), xq.quants(),
                        xq.scales(), gpu, cols, local, add ? 1 : 0),
                        rows * local, local);
            }
            case Q4_0 -> {
                run(new Object[]{m.quants(), m.scales(), xq.quants(), xq.scales(), gpu}, new Object[]{gpu}, 
                        tg -> tg.task("k", MatVecKernels::q4, new KernelContext(), m.quants(), m.scales(), xq.quants(),
                        xq.scales(), gpu, cols, local, add ? 1 : 0),
                        rows * local, local);
            }
            case Q4_K, Q5_K, Q6_K -> {
                int layout = MatMulKernels.layoutCode(m.layout());
                run(new Object[]{m.quants(), xq.quants(), xq.scales(), gpu}, new Object[]{gpu},
                        tg -> tg.task("k", MatVecKernels::kQuant, new KernelContext(), m.quants(), xq.quants(),
                                xq.scales(), gpu, cols, local, layout, add ? 1 : 0),
                        rows * local, local);
            }
            default -> throw new AssertionError("no kernel test for " + m.layout());
        }
        // the twin against a float64 product of the weights as the model module decodes them with the activations the
        // kernel sees: x itself for F32, x rounded to int8 (scale · quant) for the quantized layouts
        boolean int8 = m.layout() != DeviceMatrix.Layout.F32;
        for (int r = 0; r < rows; r++) {
            double ref = add ? start.get(r) : 0;
            for (int c = 0; c < cols; c++) {
                double xc = int8 ? (double) xq.scales().get(c / 32) * xq.quants().get(c) : x.get(c);
                ref += (double) decoded[r * cols + c] * xc;
            }
            assertEquals(ref, cpu.get(r), 1e-4 * Math.max(1, Math.abs(ref)), "twin row " + r);
        }
        assertClose(cpu, gpu, 1e-4f, type + (add ? " add" : "") + " out");
        if (m.layout().takesInt8()) {
            cpuEngineAgrees(GGMLType.valueOf(m.layout().name()), m, x, rows, cols, add ? start : null, gpu);
        }
    }

    private static float[] hostDecoded(DeviceMatrix m) {
        float[] w = new float[m.rows() * m.cols()];
        for (int r = 0; r < m.rows(); r++) for (int c = 0; c < m.cols(); c++) w[r * m.cols() + c] = m.value(r, c);
        return w;
    }

    /**
     * The GPU result against the CPU engine's own decode matvec on the same encoded matrix (which rounds x to int8
     * its own way, in {@code Int8Activations}): the two differ only by float summation order.
     */
    private static void cpuEngineAgrees(GGMLType type, DeviceMatrix m, FloatArray x, int rows, int cols,
                                        FloatArray start, FloatArray gpu) {
        byte[] enc;
        if (m.layout().kQuant()) {
            enc = m.quants().toHeapArray(); // the file's super-blocks, as the device holds them
        } else {
            float[] w = new float[rows * cols];
            for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) w[r * cols + c] = m.value(r, c);
            enc = Quantizer.quantize(type, w); // decoded Q8_0/Q4_0 values re-encode to the same blocks
        }
        MatrixKernel k = MatrixKernel.of(new Tensor(new GGUFTensorInfo("w", new long[]{cols, rows}, type, 0),
                MemorySegment.ofArray(enc)));
        float[] out = new float[rows];
        k.matvec(x.toHeapArray(), out, 0, rows);
        FloatArray cpuEngine = new FloatArray(rows);
        for (int r = 0; r < rows; r++) cpuEngine.set(r, out[r] + (start == null ? 0 : start.get(r)));
        assertClose(cpuEngine, gpu, 1e-4f, type + " vs the CPU engine's matvec");
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

    /** Every work-group size the engine may choose gives the twin's result (local arrays sized by an int argument). */
    @ParameterizedTest
    @ValueSource(ints = {1, 8, 32, 128, 256})
    void everyLocalSize(int local) {
        check(GGMLType.F32, 7, 300, true, local);
        check(GGMLType.Q8_0, 5, 2080, false, local);
        check(GGMLType.Q4_0, 6, 320, true, local);
    }

    // K-quants: 9 super-blocks (72 units of 32, so some work-items of 64 take two) and a single one
    @Test
    void q4k() {
        check(GGMLType.Q4_K, 37, 2304, false);
    }

    @Test
    void q4kAdd() {
        check(GGMLType.Q4_K, 19, 256, true);
    }

    @Test
    void q5k() {
        check(GGMLType.Q5_K, 37, 2304, false);
    }

    @Test
    void q5kAdd() {
        check(GGMLType.Q5_K, 19, 256, true);
    }

    @Test
    void q6k() {
        check(GGMLType.Q6_K, 37, 2304, false);
    }

    @Test
    void q6kAdd() {
        check(GGMLType.Q6_K, 19, 256, true);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 128, 256})
    void everyLocalSizeKQuant(int local) {
        check(GGMLType.Q4_K, 5, 512, false, local);
        check(GGMLType.Q5_K, 4, 768, true, local);
        check(GGMLType.Q6_K, 6, 512, true, local);
    }

    /** The types without a GPU kernel still get the Q8_0 one. */
    @Test
    void otherTypesAreRepackedAsQ8() {
        DeviceMatrix m = matrix(GGMLType.Q5_1, 3, 256);
        assertEquals(DeviceMatrix.Layout.Q8_0, m.layout());
        check(GGMLType.Q5_1, 5, 256, false);
    }
}
