package io.github.lfm4j.tornadovm.kernels;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.quant.Quantizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static io.github.lfm4j.tornadovm.kernels.OneTask.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * F16 weights: the half-to-float conversion on the device for all 65536 bit patterns against the JDK's
 * {@code Float.float16ToFloat}, and the F16 matrix-vector (plain and add) and fused FFN kernels against their twins
 * on weights mixing ordinary values with negative, subnormal, ±0 and extreme (±65504) halves.
 */
class F16KernelsTest {
    private final Random random = new Random();

    /** One work-item per half: {@code out[i] = F16Bits.toFloat(bits[i])}. */
    public static void convert(KernelContext ctx, ShortArray bits, FloatArray out, int n) {
        int i = ctx.globalIdx;
        if (i < n) {
            out.set(i, F16Bits.toFloat(bits.get(i)));
        }
    }

    @Test
    void everyHalfConvertsLikeTheJdk() {
        int n = 1 << 16;
        ShortArray bits = new ShortArray(n);
        for (int i = 0; i < n; i++) bits.set(i, (short) i);
        FloatArray gpu = nan(n);
        run(new Object[]{bits}, new Object[]{gpu}, tg -> tg.task("k", F16KernelsTest::convert, new KernelContext(),
                bits, gpu, n), n, 64);
        for (int i = 0; i < n; i++) {
            float want = Float.float16ToFloat((short) i);
            String what = String.format("half 0x%04x", i);
            assertSameFloat(want, F16Bits.toFloat(i), what + " on the host");
            assertSameFloat(want, gpu.get(i), what + " on the device");
        }
    }

    /** One work-item per half: {@code out[i] = F16Bits.finiteToFloat(bits[i])}. */
    public static void convertFinite(KernelContext ctx, ShortArray bits, FloatArray out, int n) {
        int i = ctx.globalIdx;
        if (i < n) {
            out.set(i, F16Bits.finiteToFloat(bits.get(i)));
        }
    }

    /** The branch-free conversion (K-quant scales) on every finite half, both signs, subnormals and ±0 included. */
    @Test
    void everyFiniteHalfConvertsLikeTheJdkWithoutBranches() {
        int n = 1 << 16;
        ShortArray bits = new ShortArray(n);
        for (int i = 0; i < n; i++) bits.set(i, (short) i);
        FloatArray gpu = nan(n);
        run(new Object[]{bits}, new Object[]{gpu}, tg -> tg.task("k", F16KernelsTest::convertFinite,
                new KernelContext(), bits, gpu, n), n, 64);
        int checked = 0;
        for (int i = 0; i < n; i++) {
            if (((i >> 10) & 0x1F) == 31) continue; // infinities and NaNs: not finite halves
            float want = Float.float16ToFloat((short) i);
            String what = String.format("half 0x%04x", i);
            assertSameFloat(want, F16Bits.finiteToFloat(i), what + " on the host");
            assertSameFloat(want, gpu.get(i), what + " on the device");
            checked++;
        }
        assertEquals(n - 2 * 1024, checked);
    }

    /** Bit-identical (so -0 differs from +0), except that any NaN equals any NaN. */
    private static void assertSameFloat(float want, float got, String what) {
        if (Float.isNaN(want)) {
            assertTrue(Float.isNaN(got), what + ": " + got + " is not NaN");
        } else {
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), what + ": " + got + " vs " + want);
        }
    }

    /**
     * Half bits of a rows × cols matrix: mostly encoded Gaussians, with every few elements a finite half of any bit
     * pattern (negative, subnormal, ±0, up to ±65504) and rows holding only subnormals or only ±65504. With
     * {@code moderate} the random halves stay below 2 in magnitude and there is no ±65504 row: the fused FFN's
     * device exp gave NaN instead of 0 on PoCL for silu of gate sums far below -88 (exp overflow).
     */
    private DeviceMatrix matrix(int rows, int cols, boolean moderate) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian() * (moderate ? 0.2f : 1f);
        byte[] enc = Quantizer.quantize(GGMLType.F16, w);
        MemorySegment seg = MemorySegment.ofArray(enc);
        for (int i = 0; i < w.length; i++) {
            int row = i / cols;
            short h = -1;
            if (row == 0) h = (short) (random.nextInt(0x400) | (random.nextBoolean() ? 0x8000 : 0)); // subnormal/±0
            else if (row == 1 && !moderate) h = (short) (random.nextBoolean() ? 0x7BFF : 0xFBFF);    // ±65504
            else if (random.nextInt(8) == 0) {
                int maxExp = moderate ? 15 : 30;                                                      // any finite
                do h = (short) random.nextInt(1 << 16); while (((h >> 10) & 0x1F) > maxExp);
            }
            if (h != -1) seg.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 2L * i, h);
        }
        DeviceMatrix m = DeviceMatrix.of(GGMLType.F16, seg, rows, cols, "f16");
        assertEquals(DeviceMatrix.Layout.F16, m.layout());
        assertEquals(2L * rows * cols, m.deviceBytes());
        return m;
    }

    /** |got - ref| within {@code tol} of Σ|w·x| of its row (the scale of the rounding errors of any order). */
    private static void assertRow(double ref, double magnitude, float got, double tol, String what) {
        assertTrue(!Float.isNaN(got), what + " was not written (NaN)");
        assertTrue(Math.abs(got - ref) <= tol * Math.max(1, magnitude), what + ": " + got + " vs " + ref);
    }

    private void checkMatVec(int rows, int cols, boolean add, int local) {
        DeviceMatrix m = matrix(rows, cols, false);
        FloatArray x = random(random, cols, 1f), start = random(random, rows, 3f);
        FloatArray gpu = add ? copy(start) : nan(rows), cpu = copy(start);
        MatVecKernels.matvecCpu(m, x, null, cpu, add);
        MatMulKernels.Weights w = MatMulKernels.Weights.standIns().of(m);
        run(new Object[]{w.values(), w.halves(), x, gpu}, new Object[]{gpu},
                tg -> tg.task("k", MatVecKernels::unquantized, new KernelContext(), w.values(), w.halves(), x, gpu,
                        cols, local, MatMulKernels.F16, add ? 1 : 0),
                rows * local, local);
        for (int r = 0; r < rows; r++) {
            double ref = add ? start.get(r) : 0, mag = Math.abs(ref);
            for (int c = 0; c < cols; c++) {
                double p = (double) m.value(r, c) * x.get(c);
                ref += p;
                mag += Math.abs(p);
            }
            assertRow(ref, mag, cpu.get(r), 1e-5, "twin row " + r);
            assertRow(ref, mag, gpu.get(r), 1e-5, (add ? "add " : "") + "row " + r);
        }
    }

    @Test
    void matvec() {
        checkMatVec(37, 150, false, MatVecKernels.LOCAL);
    }

    @Test
    void matvecAdd() {
        checkMatVec(41, 2080, true, MatVecKernels.LOCAL);
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 256})
    void otherLocalSizes(int local) {
        checkMatVec(9, 700, true, local);
        fusedFfn(local);
    }

    @Test
    void fusedFfn() {
        fusedFfn(MatVecKernels.LOCAL);
    }

    private void fusedFfn(int local) {
        int rows = 45, cols = 2112;
        DeviceMatrix gate = matrix(rows, cols, true), up = matrix(rows, cols, true);
        FloatArray x = random(random, cols, 1f), cpu = nan(rows), gpu = nan(rows);
        FfnKernels.ffnCpu(gate, up, x, null, cpu);
        // one set of stand-ins for both matrices, as the engine passes them
        MatMulKernels.Weights standIns = MatMulKernels.Weights.standIns(), gw = standIns.of(gate), uw = standIns.of(up);
        run(new Object[]{standIns.values(), gw.halves(), uw.halves(), x}, new Object[]{gpu},
                tg -> tg.task("k", FfnKernels::unquantized, new KernelContext(), gw.values(), gw.halves(), uw.values(),
                        uw.halves(), x, gpu, cols, local, MatMulKernels.F16),
                rows * local, local);
        for (int r = 0; r < rows; r++) {
            double g = 0, u = 0, mg = 0, mu = 0;
            for (int c = 0; c < cols; c++) {
                g += (double) gate.value(r, c) * x.get(c);
                u += (double) up.value(r, c) * x.get(c);
                mg += Math.abs((double) gate.value(r, c) * x.get(c));
                mu += Math.abs((double) up.value(r, c) * x.get(c));
            }
            double silu = g / (1 + Math.exp(-g)), ref = silu * u;
            // error of g moves silu(g) by at most ~1.1·δg; bound the product's error by both factors' magnitudes
            double mag = Math.max(mg, Math.abs(silu)) * Math.max(mu, 1);
            assertRow(ref, mag, cpu.get(r), 1e-5, "twin row " + r);
            assertRow(ref, mag, gpu.get(r), 1e-5, "row " + r);
        }
    }
}
