package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The repacked Q4_0 kernel ({@link MatrixKernel#repacked}) against a float64 reference ({@link ReferenceDecoding},
 * as in {@link MatrixKernelTest}) and against the plain kernel, whose arithmetic it keeps: same results bit for bit,
 * for whole and partial row ranges, every finite f16 scale included. At 128-bit vectors (the second test run) it
 * does not apply, and {@code repacked} must hand back the plain kernel.
 */
class Q4_0InterleavedMatrixKernelTest {
    private static final GGMLType Q4_0 = GGMLType.Q4_0;
    private static final Parallel ONE_THREAD = new Parallel(1);
    private static long seed;

    @BeforeAll
    static void pickSeed() {
        seed = Long.getLong("lfm4j.seed", System.nanoTime());
        System.out.println("Q4_0InterleavedMatrixKernelTest seed " + seed + " (replay with -Dlfm4j.seed=" + seed + ")");
    }

    private static final int[][] RANGES = {{0, 40}, {8, 16}, {3, 40}, {5, 6}, {1, 30}, {13, 27}, {40, 40}};

    @Test
    void matchesTheFloat64ReferenceAndThePlainKernelBitForBit() {
        assumeTrue(VectorWidth.SL == 16, "the interleaved layout is for 256-bit vectors");
        Random rnd = new Random(seed);
        int rows = 40;
        for (int cols : new int[]{7 * 32, 32, 2048}) {
            byte[] bytes = RandomWeights.bytes(Q4_0, rows, cols, rnd);
            ReferenceDecoding.Row[] ref = new ReferenceDecoding.Row[rows];
            for (int r = 0; r < rows; r++) ref[r] = ReferenceDecoding.decodeRow(Q4_0, bytes, r, cols);
            try (Arena arena = Arena.ofConfined()) {
                Tensor t = RandomWeights.tensor(Q4_0, rows, cols, bytes, arena);
                MatrixKernel plain = MatrixKernel.of(t), packed = MatrixKernel.repacked(t, arena, ONE_THREAD);
                assertInstanceOf(Q4_0InterleavedMatrixKernel.class, packed);
                assertTrue(packed.readsOwnCopy());
                assertEquals(rows, packed.rows());
                assertEquals(cols, packed.cols());
                for (int[] range : RANGES) {
                    String where = "cols " + cols + " rows [" + range[0] + "," + range[1] + ") seed " + seed;
                    float[] x = activations(cols, rnd, 1f);
                    float[] want = poisoned(rows), got = poisoned(rows);
                    plain.matvec(x, want, range[0], range[1]);
                    packed.matvec(x, got, range[0], range[1]);
                    assertSameBits(want, got, "matvec " + where);
                    checkAgainstReference(ref, x, got, cols, range, "matvec " + where);

                    Int8Activations xq = new Int8Activations(cols);
                    xq.quantize(x, 0);
                    float[] rounded = poisoned(rows);
                    packed.matvec(xq, rounded, range[0], range[1]);
                    assertSameBits(want, rounded, "pre-rounded matvec " + where);

                    int n = 5; // prefill decodes the interleaved rows: the same floats, so the same products
                    float[] xs = activations(n * cols, rnd, 1f);
                    float[] wantN = poisoned(n * rows), gotN = poisoned(n * rows);
                    plain.matmul(xs, n, wantN, range[0], range[1]);
                    packed.matmul(xs, n, gotN, range[0], range[1]);
                    assertSameBits(wantN, gotN, "matmul " + where);
                }
            }
        }
    }

    /**
     * The kernel keeps a copy of the rounded activations in its own order, made again only when they were rounded
     * anew: one {@link Int8Activations} rounded from one vector, then another, must give each vector's products.
     */
    @Test
    void activationsRoundedAgainInTheSameObjectAreReadAgain() {
        assumeTrue(VectorWidth.SL == 16, "the interleaved layout is for 256-bit vectors");
        Random rnd = new Random(seed + 3);
        int rows = 16, cols = 256;
        byte[] bytes = RandomWeights.bytes(Q4_0, rows, cols, rnd);
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = RandomWeights.tensor(Q4_0, rows, cols, bytes, arena);
            MatrixKernel plain = MatrixKernel.of(t), packed = MatrixKernel.repacked(t, arena, ONE_THREAD);
            Int8Activations xq = new Int8Activations(cols);
            for (int round = 0; round < 3; round++) {
                float[] x = activations(cols, rnd, 1f);
                xq.quantize(x, 0);
                float[] want = poisoned(rows), got = poisoned(rows);
                plain.matvec(x, want, 0, rows);
                packed.matvec(xq, got, 0, rows);
                packed.matvec(xq, got, 0, rows); // a second product of the same rounding reads the kept copy
                assertSameBits(want, got, "round " + round + ", seed " + seed);
            }
        }
    }

    /**
     * The scales are converted from f16 by bit manipulation rather than by the hardware instruction: every finite
     * half (normals, subnormals, zeros, both signs) appears as some row's scale, and each row's product must be the
     * plain kernel's, bit for bit.
     */
    @Test
    void everyFiniteHalfScaleConvertsExactly() {
        assumeTrue(VectorWidth.SL == 16, "the interleaved layout is for 256-bit vectors");
        short[] finite = new short[63488];
        int count = 0;
        for (int h = 0; h < 65536; h++) if ((h & 0x7C00) != 0x7C00) finite[count++] = (short) h;
        assertEquals(finite.length, count);
        int rows = 8, blocksPerRow = count / rows, cols = 32 * blocksPerRow;
        Random rnd = new Random(seed + 1);
        byte[] bytes = RandomWeights.bytes(Q4_0, rows, cols, rnd);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) buf.putShort(18 * i, finite[i]);
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = RandomWeights.tensor(Q4_0, rows, cols, bytes, arena);
            MatrixKernel plain = MatrixKernel.of(t), packed = MatrixKernel.repacked(t, arena, ONE_THREAD);
            assertInstanceOf(Q4_0InterleavedMatrixKernel.class, packed);
            float[] x = activations(cols, rnd, 0x1p-20f); // small, so sums of the largest scales stay finite
            float[] want = new float[rows], got = new float[rows];
            plain.matvec(x, want, 0, rows);
            packed.matvec(x, got, 0, rows);
            for (float v : want) assertTrue(Float.isFinite(v), "test activations too large: " + Arrays.toString(want));
            assertSameBits(want, got, "every finite half, seed " + seed);
        }
    }

    @Test
    void keepsThePlainKernelWhereTheLayoutDoesNotApply() {
        Random rnd = new Random(seed + 2);
        try (Arena arena = Arena.ofConfined()) {
            // a row count not divisible by eight
            Tensor odd = RandomWeights.tensor(Q4_0, 36, 64, RandomWeights.bytes(Q4_0, 36, 64, rnd), arena);
            assertFalse(MatrixKernel.repacked(odd, arena, ONE_THREAD).readsOwnCopy());
            // an infinite scale: the plain kernel propagates it as the reference does, the bit conversion would not
            byte[] bytes = RandomWeights.bytes(Q4_0, 16, 64, rnd);
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(18 * 5, (short) 0x7C00);
            Tensor inf = RandomWeights.tensor(Q4_0, 16, 64, bytes, arena);
            MatrixKernel k = MatrixKernel.repacked(inf, arena, ONE_THREAD);
            assertFalse(k.readsOwnCopy());
            float[] out = new float[16];
            k.matvec(activations(64, rnd, 1f), out, 0, 16);
            assertFalse(Float.isFinite(out[2]), "row 2 holds the infinite scale: " + out[2]);
            // other types are not repacked
            Tensor q8 = RandomWeights.tensor(GGMLType.Q8_0, 16, 64, RandomWeights.bytes(GGMLType.Q8_0, 16, 64, rnd), arena);
            assertFalse(MatrixKernel.repacked(q8, arena, ONE_THREAD).readsOwnCopy());
            // narrower vectors keep the plain layout
            Tensor fits = RandomWeights.tensor(Q4_0, 16, 64, RandomWeights.bytes(Q4_0, 16, 64, rnd), arena);
            assertEquals(VectorWidth.SL == 16, MatrixKernel.repacked(fits, arena, ONE_THREAD).readsOwnCopy());
        }
    }

    /** Per block of 32: integers in [-127, 127] (one ±127) times {@code unit}, so int8 rounding is exact. */
    private static float[] activations(int len, Random rnd, float unit) {
        float[] x = new float[len];
        for (int b = 0; b < len; b += 32) {
            for (int i = b; i < b + 32; i++) x[i] = (rnd.nextInt(255) - 127) * unit;
            x[b + rnd.nextInt(32)] = (rnd.nextBoolean() ? 127 : -127) * unit;
        }
        return x;
    }

    private static float[] poisoned(int len) {
        float[] out = new float[len];
        Arrays.fill(out, Float.NaN);
        return out;
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                fail(what + ": element " + i + " is " + got[i] + ", the plain kernel gives " + want[i]);
            }
        }
    }

    /** The float64 sum within the float summation bound of {@link MatrixKernelTest}; NaN outside the range. */
    private static void checkAgainstReference(ReferenceDecoding.Row[] ref, float[] x, float[] out, int cols, int[] range,
                                              String what) {
        for (int r = 0; r < out.length; r++) {
            if (r < range[0] || r >= range[1]) {
                if (!Float.isNaN(out[r])) fail(what + ": row " + r + " written outside the range");
                continue;
            }
            double exact = 0, scale = 0;
            for (int c = 0; c < cols; c++) {
                exact += ref[r].values()[c] * (double) x[c];
                scale += ref[r].magnitudes()[c] * Math.abs((double) x[c]);
            }
            double tol = (cols + 16) * 0x1p-24 * scale + 1e-30;
            if (!(Math.abs(out[r] - exact) <= tol)) {
                fail(what + ": row " + r + " is " + out[r] + ", float64 reference " + exact + ", tolerance " + tol);
            }
        }
    }
}
