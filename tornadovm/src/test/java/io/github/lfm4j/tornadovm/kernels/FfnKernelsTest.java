package io.github.lfm4j.tornadovm.kernels;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.quant.Quantizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static io.github.lfm4j.tornadovm.kernels.OneTask.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fused gate/up/SwiGLU kernel against its twin, the twin against float64. */
class FfnKernelsTest {
    private final Random random = new Random();

    private DeviceMatrix matrix(GGMLType type, int rows, int cols) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian() * 0.2f;
        return DeviceMatrix.of(type, MemorySegment.ofArray(Quantizer.quantize(type, w)), rows, cols, "ffn");
    }

    @ParameterizedTest
    @EnumSource(value = GGMLType.class, names = {"F32", "Q8_0", "Q4_0"})
    void fusedEqualsTwin(GGMLType type) {
        fusedEqualsTwin(type, MatVecKernels.LOCAL);
    }

    /** The work-group sizes the engine may choose besides the default. */
    @ParameterizedTest
    @ValueSource(ints = {8, 32, 256})
    void everyLocalSize(int local) {
        for (GGMLType type : new GGMLType[]{GGMLType.F32, GGMLType.Q8_0, GGMLType.Q4_0}) fusedEqualsTwin(type, local);
    }

    private void fusedEqualsTwin(GGMLType type, int local) {
        int rows = 45, cols = 2112;
        DeviceMatrix gate = matrix(type, rows, cols), up = matrix(type, rows, cols);
        FloatArray x = random(random, cols, 1f), cpu = nan(rows), gpu = nan(rows);
        Int8Input xq = Int8InputKernels.quantizeCpu(x);
        FfnKernels.ffnCpu(gate, up, x, xq, cpu);
        for (int r = 0; r < rows; r++) {
            double g = 0, u = 0;
            for (int c = 0; c < cols; c++) {
                // the quantized layouts multiply x rounded to int8
                double xc = type == GGMLType.F32 ? x.get(c) : (double) xq.scales().get(c / 32) * xq.quants().get(c);
                g += (double) gate.value(r, c) * xc;
                u += (double) up.value(r, c) * xc;
            }
            double ref = g / (1 + Math.exp(-g)) * u;
            assertEquals(ref, cpu.get(r), 1e-4 * Math.max(1, Math.abs(ref)), "twin row " + r);
        }
        switch (type) {
            case F32 -> {
                // one set of stand-ins for both matrices, as the engine passes them
                MatMulKernels.Weights standIns = MatMulKernels.Weights.standIns(), g = standIns.of(gate), u = standIns.of(up);
                run(new Object[]{g.values(), u.values(), standIns.halves(), x}, new Object[]{gpu},
                        tg -> tg.task("k", FfnKernels::unquantized, new KernelContext(), g.values(), g.halves(),
                                u.values(), u.halves(), x, gpu, cols, local, MatMulKernels.F32),
                        rows * local, local);
            }
            case Q8_0 -> run(new Object[]{gate.quants(), gate.scales(), up.quants(), up.scales(), xq.quants(),
                            xq.scales()}, new Object[]{gpu},
                    tg -> tg.task("k", FfnKernels::q8, new KernelContext(), gate.quants(), gate.scales(), up.quants(),
                            up.scales(), xq.quants(), xq.scales(), gpu, cols, local), rows * local, local);
            default -> run(new Object[]{gate.quants(), gate.scales(), up.quants(), up.scales(), xq.quants(),
                            xq.scales()}, new Object[]{gpu},
                    tg -> tg.task("k", FfnKernels::q4, new KernelContext(), gate.quants(), gate.scales(), up.quants(),
                            up.scales(), xq.quants(), xq.scales(), gpu, cols, local), rows * local, local);
        }
        assertClose(cpu, gpu, 1e-4f, type + " ffn");
    }
}
