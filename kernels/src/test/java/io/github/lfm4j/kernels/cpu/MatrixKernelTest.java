package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.Tensor;
import io.github.lfm4j.model.quant.Dequantizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every kernel's matvec and matmul against a float64 reference computed here from {@link ReferenceDecoding}, on
 * fresh random blocks each run (the seed is printed; set -Dlfm4j.seed to replay). Row counts are odd, row ranges
 * start inside the matrix, token counts run 1..17 (every remainder of the 4-token tiles), and outputs are filled
 * with NaN first so an element the kernel forgets, or writes outside its range, is caught.
 * <p>
 * Tolerance: the kernels accumulate in float, so each result may differ from the exact sum by a few float ulps
 * per term: we allow {@code (cols + 16)·2⁻²⁴·Σ magnitude·|x|}, the textbook worst-case bound for a float dot
 * product of that length (magnitude = |w| or, for types with an offset, the sum of the absolute terms). A single
 * wrongly decoded weight shifts a result by about 1/cols of that sum, far above the bound.
 * <p>
 * The matvecs of all quantized types round activations to int8 per block of 32 ({@link Int8Activations}). To keep the tight
 * bound for them, the activations here are exactly representable that way: per block, integers up to ±127 (one of
 * them ±127) times a power of two. {@link #int8ActivationRoundingStaysWithinHalfAStep} covers arbitrary activations
 * with a bound derived from the rounding.
 */
class MatrixKernelTest {
    private static long seed;

    @BeforeAll
    static void pickSeed() {
        seed = Long.getLong("lfm4j.seed", System.nanoTime());
        System.out.println("MatrixKernelTest seed " + seed + " (replay with -Dlfm4j.seed=" + seed + ")");
    }

    enum Kind {
        F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K;

        GGMLType type() {
            return GGMLType.valueOf(name());
        }
    }

    /** Column counts exercising unrolled loops and their tails: odd for plain floats, odd block counts for quants. */
    private static int[] colsFor(GGMLType type) {
        if (!type.isQuantized()) return new int[]{77, 40};
        if (type.blockSize == 32) return new int[]{7 * 32, 32};
        return new int[]{3 * 256};
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void matvecAndMatmulMatchFloat64Reference(Kind kind) {
        GGMLType type = kind.type();
        Random rnd = new Random(seed ^ type.id);
        int rows = 37;
        for (int cols : colsFor(type)) {
            byte[] bytes = RandomWeights.bytes(type, rows, cols, rnd);
            ReferenceDecoding.Row[] ref = new ReferenceDecoding.Row[rows];
            for (int r = 0; r < rows; r++) ref[r] = ReferenceDecoding.decodeRow(type, bytes, r, cols);
            try (Arena arena = Arena.ofConfined()) {
                MatrixKernel k = MatrixKernel.of(RandomWeights.tensor(type, rows, cols, bytes, arena));
                assertEquals(rows, k.rows());
                assertEquals(cols, k.cols());
                int[][] ranges = {{0, rows}, {3, rows}, {5, 6}, {1, 30}, {rows, rows}};
                for (int[] range : ranges) {
                    float[] x = randomActivations(cols, rnd);
                    float[] out = poisoned(rows);
                    k.matvec(x, out, range[0], range[1]);
                    check(type, ref, x, 1, out, rows, cols, range, "matvec");
                    for (int n = 1; n <= 17; n++) {
                        float[] xs = randomActivations(n * cols, rnd);
                        float[] outs = poisoned(n * rows);
                        k.matmul(xs, n, outs, range[0], range[1]);
                        check(type, ref, xs, n, outs, rows, cols, range, "matmul n=" + n);
                    }
                }
            }
        }
    }

    /** Per block of 32: random integers in [-127, 127], one of them ±127, times 2^k for a random k in [-4, 2]. */
    private static float[] randomActivations(int len, Random rnd) {
        float[] x = new float[len];
        for (int b = 0; b < len; b += 32) {
            float scale = Math.scalb(1f, rnd.nextInt(7) - 4);
            int end = Math.min(len, b + 32);
            for (int i = b; i < end; i++) x[i] = (rnd.nextInt(255) - 127) * scale;
            x[b + rnd.nextInt(end - b)] = (rnd.nextBoolean() ? 127 : -127) * scale;
        }
        return x;
    }

    private static float[] poisoned(int len) {
        float[] out = new float[len];
        Arrays.fill(out, Float.NaN);
        return out;
    }

    private static void check(GGMLType type, ReferenceDecoding.Row[] ref, float[] x, int n, float[] out, int rows, int cols,
                              int[] range, String what) {
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < rows; r++) {
                float got = out[t * rows + r];
                String where = type + " " + what + " rows [" + range[0] + "," + range[1] + ") cols " + cols + " token " + t + " row " + r + " seed " + seed;
                if (r < range[0] || r >= range[1]) {
                    if (!Float.isNaN(got)) fail(where + ": written outside the row range");
                    continue;
                }
                double exact = 0, scale = 0;
                for (int c = 0; c < cols; c++) {
                    double xc = x[t * cols + c];
                    exact += ref[r].values()[c] * xc;
                    scale += ref[r].magnitudes()[c] * Math.abs(xc);
                }
                double tol = (cols + 16) * 0x1p-24 * scale + 1e-30;
                if (!(Math.abs(got - exact) <= tol)) {
                    fail(where + ": got " + got + ", float64 reference " + exact + ", tolerance " + tol);
                }
            }
        }
    }

    /**
     * With arbitrary activations the int8-activation kernels may be off by the rounding of each activation, at
     * most half a step ({@code max|x_block|/254}), times |w|, summed; plus the float bound above.
     */
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void int8ActivationRoundingStaysWithinHalfAStep(Kind kind) {
        GGMLType type = kind.type();
        Random rnd = new Random(seed * 31 + type.id);
        int rows = 19, cols = type.blockSize == 32 ? 9 * 32 : 3 * 256;
        byte[] bytes = RandomWeights.bytes(type, rows, cols, rnd);
        try (Arena arena = Arena.ofConfined()) {
            MatrixKernel k = MatrixKernel.of(RandomWeights.tensor(type, rows, cols, bytes, arena));
            for (int trial = 0; trial < 20; trial++) {
                float[] x = new float[cols];
                for (int i = 0; i < cols; i++) x[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
                float[] out = poisoned(rows);
                k.matvec(x, out, 0, rows);
                for (int r = 0; r < rows; r++) {
                    ReferenceDecoding.Row ref = ReferenceDecoding.decodeRow(type, bytes, r, cols);
                    double exact = 0, scale = 0, rounding = 0;
                    for (int c = 0; c < cols; c++) {
                        exact += ref.values()[c] * x[c];
                        double amax = 0;
                        for (int j = c / 32 * 32; j < c / 32 * 32 + 32; j++) amax = Math.max(amax, Math.abs(x[j]));
                        scale += ref.magnitudes()[c] * (Math.abs(x[c]) + amax / 254);
                        rounding += Math.abs(ref.values()[c]) * amax / 254;
                    }
                    double tol = rounding * 1.0001 + (cols + 16) * 0x1p-24 * scale;
                    assertTrue(Math.abs(out[r] - exact) <= tol, type + " row " + r + ": got " + out[r] + ", float64 reference " + exact
                            + ", tolerance " + tol + " seed " + seed);
                }
            }
        }
    }

    /** The test's decoding agrees bit for bit with the model module's Dequantizer wherever that exists. */
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q2_K", "Q3_K"})
    void referenceDecodingAgreesWithDequantizer(Kind kind) {
        GGMLType type = kind.type();
        Random rnd = new Random(seed + type.id);
        int rows = 3, cols = type.blockSize == 256 ? 512 : 64;
        byte[] bytes = RandomWeights.bytes(type, rows, cols, rnd);
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = RandomWeights.tensor(type, rows, cols, bytes, arena);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                Dequantizer.dequantizeRow(t, r, row);
                double[] ref = ReferenceDecoding.decodeRow(type, bytes, r, cols).values();
                for (int c = 0; c < cols; c++) assertEquals((float) ref[c], row[c], type + " row " + r + " col " + c);
            }
        }
    }

    /**
     * The row decoding the Q2_K and Q3_K products multiply with is the model module's Dequantizer (ggml's float
     * operations) bit for bit, written at an offset into a larger array.
     */
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"Q2_K", "Q3_K"})
    void decodedRowsAreTheDequantizersBitForBit(Kind kind) {
        GGMLType type = kind.type();
        Random rnd = new Random(seed * 7 + type.id);
        int rows = 5, cols = 3 * 256, off = 3;
        byte[] bytes = RandomWeights.bytes(type, rows, cols, rnd);
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = RandomWeights.tensor(type, rows, cols, bytes, arena);
            MatrixKernel k = MatrixKernel.of(t);
            float[] want = new float[cols], got = poisoned(cols + off + 2);
            for (int r = 0; r < rows; r++) {
                Dequantizer.dequantizeRow(t, r, want);
                k.row(r, got, off);
                for (int c = 0; c < cols; c++) {
                    assertEquals(Float.floatToRawIntBits(want[c]), Float.floatToRawIntBits(got[off + c]),
                            type + " row " + r + " col " + c + ": " + got[off + c] + " vs " + want[c] + ", seed " + seed);
                }
                assertTrue(Float.isNaN(got[off - 1]) && Float.isNaN(got[off + cols]), type + " wrote outside its row");
            }
        }
    }

    /** The vector half → float conversion on all 65536 bit patterns, subnormals, infinities and NaNs included. */
    @Test
    void everyHalfConvertsExactly() {
        try (Arena arena = Arena.ofConfined()) {
            var seg = arena.allocate(2 * 65536);
            for (int i = 0; i < 65536; i++) seg.set(RowDecodingKernel.LE_SHORT, 2L * i, (short) i);
            int lanes = VectorWidth.FL;
            float[] got = new float[lanes];
            for (int i = 0; i < 65536; i += lanes) {
                HalfFloats.f16(seg, 2L * i).intoArray(got, 0);
                for (int j = 0; j < lanes; j++) {
                    float want = Float.float16ToFloat((short) (i + j));
                    if (Float.isNaN(want)) assertTrue(Float.isNaN(got[j]), "half 0x" + Integer.toHexString(i + j));
                    else assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[j]), "half 0x" + Integer.toHexString(i + j));
                }
            }
        }
    }

    /**
     * One kernel shared by pool threads (each with its own scratch) gives the same results as one thread: rows are
     * independent, so splitting them must not change an output (a shared scratch buffer would garble whole rows).
     * Not bit for bit: a thread still running interpreted or C1 code sums a vector's lanes in another order than C2's
     * intrinsic ({@code reduceLanes(ADD)} leaves the order open), which moves the last bits during warm-up.
     */
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"F32", "Q8_0", "Q4_0", "Q6_K"})
    void threadsSplittingRowsGetIdenticalResults(Kind kind) {
        GGMLType type = kind.type();
        Random rnd = new Random(seed * 17 + type.id);
        int rows = 45, cols = 512, n = 7;
        try (Arena arena = Arena.ofShared(); Parallel pool = new Parallel(3)) {
            MatrixKernel k = MatrixKernel.of(RandomWeights.tensor(type, rows, cols, RandomWeights.bytes(type, rows, cols, rnd), arena));
            float[] x = randomActivations(n * cols, rnd);
            float[] single = poisoned(n * rows), split = poisoned(n * rows);
            k.matmul(x, n, single, 0, rows);
            for (int rep = 0; rep < 20; rep++) {
                pool.forRange(rows, 4, (s, e) -> k.matmul(x, n, split, s, e));
                assertClose(single, split, type + " matmul differs when split across threads, seed " + seed);
                pool.forRange(rows, 1, (s, e) -> k.matvec(x, split, s, e));
            }
            k.matvec(x, single, 0, rows);
            assertClose(single, split, type + " matvec differs when split across threads, seed " + seed);
        }
    }

    /**
     * A product split across threads rounds its input once and hands it to every thread: that path must give what
     * the plain matvec gives (which rounds the same input itself), bit for bit, and only the int8 kernels take it.
     * Those are all quantized types but Q2_K and Q3_K, which decode rows to floats and multiply those.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void preRoundedInputGivesTheSameProduct(Kind kind) {
        GGMLType type = kind.type();
        Random rnd = new Random(seed * 31 + type.id);
        int rows = 21, cols = type.isQuantized() ? colsFor(type)[0] : 64;
        try (Arena arena = Arena.ofConfined()) {
            MatrixKernel k = MatrixKernel.of(RandomWeights.tensor(type, rows, cols, RandomWeights.bytes(type, rows, cols, rnd), arena));
            Int8Activations xq = new Int8Activations(cols);
            if (!type.isQuantized() || type == GGMLType.Q2_K || type == GGMLType.Q3_K) {
                assertFalse(k.roundsInputToInt8(), type + " multiplies float activations");
                assertThrows(UnsupportedOperationException.class, () -> k.matvec(xq, new float[rows], 0, rows));
                return;
            }
            assertTrue(k.roundsInputToInt8(), type + " rounds its input to int8");
            float[] x = randomActivations(cols, rnd);
            float[] plain = poisoned(rows), rounded = poisoned(rows);
            k.matvec(x, plain, 0, rows);
            xq.quantize(x, 0);
            k.matvec(xq, rounded, 0, 9);
            k.matvec(xq, rounded, 9, rows);
            for (int r = 0; r < rows; r++) {
                assertEquals(Float.floatToIntBits(plain[r]), Float.floatToIntBits(rounded[r]),
                        type + " row " + r + ": " + plain[r] + " vs " + rounded[r] + ", seed " + seed);
            }
            assertThrows(IllegalArgumentException.class, () -> k.matvec(new Int8Activations(cols + 32), rounded, 0, rows));
        }
    }

    /**
     * Equal up to float rounding of the summation order: 1e-5 of the largest magnitude in the vector, 1e-6 absolute.
     * Of the vector, not of the element: an order change moves a sum by a few ulps of its partial sums, which for a
     * result that cancels to near zero is far more than 1e-5 of that result (seen once: 0.2550888 vs 0.25508118 in
     * a vector of values around 1), while a garbled row still moves by about a typical value.
     */
    private static void assertClose(float[] want, float[] got, String message) {
        float largest = 0;
        for (float v : want) largest = Math.max(largest, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            float tol = 1e-5f * Math.max(largest, Math.abs(got[i])) + 1e-6f;
            assertTrue(Math.abs(want[i] - got[i]) <= tol, message + ": element " + i + " " + want[i] + " vs " + got[i]);
        }
    }

    @Test
    void badCallsGetOneLineErrors() {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = new Random(seed);
            Tensor t = RandomWeights.tensor(GGMLType.Q8_0, 5, 64, RandomWeights.bytes(GGMLType.Q8_0, 5, 64, rnd), arena);
            MatrixKernel k = MatrixKernel.of(t);
            float[] x = new float[64], out = new float[5];
            assertThrows(IllegalArgumentException.class, () -> k.matvec(x, out, 0, 6));
            assertThrows(IllegalArgumentException.class, () -> k.matvec(x, out, -1, 2));
            assertThrows(IllegalArgumentException.class, () -> k.matvec(new float[63], out, 0, 5));
            assertThrows(IllegalArgumentException.class, () -> k.matmul(x, 2, new float[10], 0, 5));
            assertThrows(IllegalArgumentException.class, () -> k.matmul(new float[128], 2, new float[9], 0, 5));

            Tensor unsupported = RandomWeights.tensor(GGMLType.Q8_0, 5, 64, new byte[5 * 68], arena);
            Tensor iq2 = new Tensor(new io.github.lfm4j.model.gguf.GGUFTensorInfo("iq2", new long[]{256, 1}, GGMLType.IQ2_XXS, 0), unsupported.data());
            var e = assertThrows(IllegalArgumentException.class, () -> MatrixKernel.of(iq2));
            assertTrue(e.getMessage().contains("IQ2_XXS") && !e.getMessage().contains("\n"), e.getMessage());

            Tensor shortData = new Tensor(new io.github.lfm4j.model.gguf.GGUFTensorInfo("s", new long[]{64, 9}, GGMLType.Q8_0, 0), t.data());
            assertThrows(IllegalArgumentException.class, () -> MatrixKernel.of(shortData));
            assertInstanceOf(Q8_0MatrixKernel.class, k);
        }
    }
}
