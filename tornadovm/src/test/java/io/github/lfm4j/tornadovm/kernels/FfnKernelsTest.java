package io.github.lfm4j.tornadovm.kernels;

import io.github.lfm4j.model.gguf.GGMLType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

import java.util.Random;

import static io.github.lfm4j.tornadovm.kernels.OneTask.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fused gate/up/SwiGLU kernel against its twin, the twin against float64. */
class FfnKernelsTest {
    private final Random random = new Random();

    @ParameterizedTest
    @EnumSource(value = GGMLType.class, names = {"F32", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    void fusedEqualsTwin(GGMLType type) {
        fusedEqualsTwin(type, MatVecKernels.LOCAL);
    }

    /** The work-group sizes the engine may choose besides the default. */
    @ParameterizedTest
    @ValueSource(ints = {8, 32, 256})
    void everyLocalSize(int local) {
        for (GGMLType type : new GGMLType[]{GGMLType.F32, GGMLType.Q8_0, GGMLType.Q4_0, GGMLType.Q4_K, GGMLType.Q5_K,
                GGMLType.Q6_K}) {
            fusedEqualsTwin(type, local);
        }
    }

    private void fusedEqualsTwin(GGMLType type, int local) {
        // K-quant rows are whole super-blocks of 256: 9 of them (72 units of 32), the others 66 blocks of 32
        int rows = 45, cols = type.blockSize == KQuantBlocks.WEIGHTS ? 2304 : 2112;
        // small weights, as before: gate sums of O(1), where SwiGLU is not flat
        TestWeights gw = TestWeights.random(random, type, rows, cols, 0.2f);
        TestWeights uw = TestWeights.random(random, type, rows, cols, 0.2f);
        DeviceMatrix gate = gw.device(), up = uw.device();
        float[] gref = gw.reference(), uref = uw.reference();
        FloatArray x = random(random, cols, 1f), cpu = nan(rows), gpu = nan(rows);
        Int8Input xq = Int8InputKernels.quantizeCpu(x);
        FfnKernels.ffnCpu(gate, up, x, xq, cpu);
        for (int r = 0; r < rows; r++) {
            double g = 0, u = 0;
            for (int c = 0; c < cols; c++) {
                // the quantized layouts multiply x rounded to int8
                double xc = type == GGMLType.F32 ? x.get(c) : (double) xq.scales().get(c / 32) * xq.quants().get(c);
                g += (double) gref[r * cols + c] * xc;
                u += (double) uref[r * cols + c] * xc;
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
            case Q4_0 -> run(new Object[]{gate.quants(), gate.scales(), up.quants(), up.scales(), xq.quants(),
                            xq.scales()}, new Object[]{gpu},
                    tg -> tg.task("k", FfnKernels::q4, new KernelContext(), gate.quants(), gate.scales(), up.quants(),
                            up.scales(), xq.quants(), xq.scales(), gpu, cols, local), rows * local, local);
            default -> {
                int layout = MatMulKernels.layoutCode(gate.layout());
                run(new Object[]{gate.quants(), up.quants(), xq.quants(), xq.scales()}, new Object[]{gpu},
                        tg -> tg.task("k", FfnKernels::kQuant, new KernelContext(), gate.quants(), up.quants(),
                                xq.quants(), xq.scales(), gpu, cols, local, layout), rows * local, local);
            }
        }
        assertClose(cpu, gpu, 1e-4f, type + " ffn");
    }
}
