package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
 * The repacked kernels ({@link MatrixKernel#repacked}: Q4_0, Q4_K, Q5_K, Q6_K read eight rows at a time) against a
 * float64 reference ({@link ReferenceDecoding}, as in {@link MatrixKernelTest}) and against the plain kernel, for
 * whole and partial row ranges, every finite f16 scale included: Q4_0 keeps the plain kernel's arithmetic, bit for
 * bit; the K-quant kernels sum other lanes together, so they agree with theirs to float rounding. Prefill decodes
 * the same floats in every layout, so matmul results are the same bit for bit.
 * At 128-bit vectors (the second test run) no layout applies, and {@code repacked} must hand back the plain kernel.
 */
class InterleavedMatrixKernelTest {
    /** A repacked type: its class, whether it repeats the plain kernel bit for bit, where its f16 scales lie. */
    enum Kind {
        Q4_0(GGMLType.Q4_0, Q4_0InterleavedMatrixKernel.class, true, 0),
        Q4_K(GGMLType.Q4_K, Q4_KInterleavedMatrixKernel.class, false, 0, 2),
        Q5_K(GGMLType.Q5_K, Q5_KInterleavedMatrixKernel.class, false, 0, 2),
        Q6_K(GGMLType.Q6_K, Q6_KInterleavedMatrixKernel.class, false, 208);

        final GGMLType type;
        final Class<?> kernel;
        final boolean sameBits;
        /** Byte offsets of the f16 scales in a block. */
        final int[] halves;

        Kind(GGMLType type, Class<?> kernel, boolean sameBits, int... halves) {
            this.type = type;
            this.kernel = kernel;
            this.sameBits = sameBits;
            this.halves = halves;
        }
    }
    private static final Parallel ONE_THREAD = new Parallel(1);
    private static long seed;

    @BeforeAll
    static void pickSeed() {
        seed = Long.getLong("lfm4j.seed", System.nanoTime());
        System.out.println("InterleavedMatrixKernelTest seed " + seed + " (replay with -Dlfm4j.seed=" + seed + ")");
    }

    private static final int[][] RANGES = {{0, 40}, {8, 16}, {3, 40}, {5, 6}, {1, 30}, {13, 27}, {40, 40}};

    @ParameterizedTest
    @EnumSource(Kind.class)
    void matchesTheFloat64ReferenceAndThePlainKernel(Kind kind) {
        assumeTrue(VectorWidth.SL == 16, "the interleaved layout is for 256-bit vectors");
        GGMLType type = kind.type;
        Random rnd = new Random(seed);
        int rows = 40;
        int[] widths = type.blockSize == 32 ? new int[]{7 * 32, 32, 2048} : new int[]{256, 3 * 256, 2048};
        for (int cols : widths) {
            byte[] bytes = RandomWeights.bytes(type, rows, cols, rnd);
            ReferenceDecoding.Row[] ref = new ReferenceDecoding.Row[rows];
            for (int r = 0; r < rows; r++) ref[r] = ReferenceDecoding.decodeRow(type, bytes, r, cols);
            try (Arena arena = Arena.ofConfined()) {
                Tensor t = RandomWeights.tensor(type, rows, cols, bytes, arena);
                MatrixKernel plain = MatrixKernel.of(t), packed = MatrixKernel.repacked(t, arena, ONE_THREAD);
                assertInstanceOf(kind.kernel, packed);
                assertTrue(packed.readsOwnCopy());
                assertEquals(rows, packed.rows());
                assertEquals(cols, packed.cols());
                for (int[] range : RANGES) {
                    String where = "cols " + cols + " rows [" + range[0] + "," + range[1] + ") seed " + seed;
                    float[] x = activations(cols, rnd, 1f);
                    float[] want = poisoned(rows), got = poisoned(rows);
                    plain.matvec(x, want, range[0], range[1]);
                    packed.matvec(x, got, range[0], range[1]);
                    assertSame(kind, want, got, "matvec " + where);
                    checkAgainstReference(ref, x, got, cols, range, "matvec " + where);

                    Int8Activations xq = new Int8Activations(cols);
                    xq.quantize(x, 0);
                    float[] rounded = poisoned(rows);
                    packed.matvec(xq, rounded, range[0], range[1]);
                    assertSameBits(got, rounded, "pre-rounded matvec " + where);

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
    @ParameterizedTest
    @EnumSource(Kind.class)
    void activationsRoundedAgainInTheSameObjectAreReadAgain(Kind kind) {
        assumeTrue(VectorWidth.SL == 16, "the interleaved layout is for 256-bit vectors");
        GGMLType type = kind.type;
        Random rnd = new Random(seed + 3);
        int rows = 16, cols = 256;
        byte[] bytes = RandomWeights.bytes(type, rows, cols, rnd);
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = RandomWeights.tensor(type, rows, cols, bytes, arena);
            MatrixKernel plain = MatrixKernel.of(t), packed = MatrixKernel.repacked(t, arena, ONE_THREAD);
            Int8Activations xq = new Int8Activations(cols);
            for (int round = 0; round < 3; round++) {
                float[] x = activations(cols, rnd, 1f);
                xq.quantize(x, 0);
                float[] want = poisoned(rows), got = poisoned(rows);
                plain.matvec(x, want, 0, rows);
                packed.matvec(xq, got, 0, rows);
                packed.matvec(xq, got, 0, rows); // a second product of the same rounding reads the kept copy
                assertSame(kind, want, got, "round " + round + ", seed " + seed);
            }
        }
    }

    /**
     * The scales are converted from f16 by bit manipulation rather than by the hardware instruction: every finite
     * half (normals, subnormals, zeros, both signs) appears as some row's scale, and each row's product must be the
     * plain kernel's, bit for bit.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyFiniteHalfScaleConvertsExactly(Kind kind) {
        assumeTrue(VectorWidth.SL == 16, "the interleaved layout is for 256-bit vectors");
        GGMLType type = kind.type;
        short[] finite = new short[63488];
        int count = 0;
        for (int h = 0; h < 65536; h++) if ((h & 0x7C00) != 0x7C00) finite[count++] = (short) h;
        assertEquals(finite.length, count);
        int rows = 8, blocksPerRow = count / rows / kind.halves.length + 1, cols = type.blockSize * blocksPerRow;
        Random rnd = new Random(seed + 1);
        byte[] bytes = RandomWeights.bytes(type, rows, cols, rnd);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            buf.putShort(type.typeSize * (i / kind.halves.length) + kind.halves[i % kind.halves.length], finite[i]);
        }
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = RandomWeights.tensor(type, rows, cols, bytes, arena);
            MatrixKernel plain = MatrixKernel.of(t), packed = MatrixKernel.repacked(t, arena, ONE_THREAD);
            assertInstanceOf(kind.kernel, packed);
            float[] x = activations(cols, rnd, 0x1p-20f); // small, so sums of the largest scales stay finite
            float[] want = new float[rows], got = new float[rows];
            plain.matvec(x, want, 0, rows);
            packed.matvec(x, got, 0, rows);
            for (float v : want) assertTrue(Float.isFinite(v), "test activations too large: " + Arrays.toString(want));
            assertSame(kind, want, got, "every finite half, seed " + seed);
            if (!kind.sameBits) {
                ReferenceDecoding.Row[] ref = new ReferenceDecoding.Row[rows];
                for (int r = 0; r < rows; r++) ref[r] = ReferenceDecoding.decodeRow(type, bytes, r, cols);
                checkAgainstReference(ref, x, got, cols, new int[]{0, rows}, "every finite half, seed " + seed);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void keepsThePlainKernelWhereTheLayoutDoesNotApply(Kind kind) {
        GGMLType type = kind.type;
        int cols = 2 * type.blockSize;
        Random rnd = new Random(seed + 2);
        try (Arena arena = Arena.ofConfined()) {
            // a row count not divisible by eight
            Tensor odd = RandomWeights.tensor(type, 36, cols, RandomWeights.bytes(type, 36, cols, rnd), arena);
            assertFalse(MatrixKernel.repacked(odd, arena, ONE_THREAD).readsOwnCopy());
            // an infinite scale: the plain kernel propagates it as the reference does, the bit conversion would not
            for (int half : kind.halves) {
                byte[] bytes = RandomWeights.bytes(type, 16, cols, rnd);
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(type.typeSize * 5 + half, (short) 0x7C00);
                Tensor inf = RandomWeights.tensor(type, 16, cols, bytes, arena);
                MatrixKernel k = MatrixKernel.repacked(inf, arena, ONE_THREAD);
                assertFalse(k.readsOwnCopy());
                float[] out = new float[16];
                k.matvec(activations(cols, rnd, 1f), out, 0, 16);
                assertFalse(Float.isFinite(out[2]), "row 2 holds the infinite scale: " + out[2]);
            }
            // other types are not repacked
            Tensor q8 = RandomWeights.tensor(GGMLType.Q8_0, 16, 64, RandomWeights.bytes(GGMLType.Q8_0, 16, 64, rnd), arena);
            assertFalse(MatrixKernel.repacked(q8, arena, ONE_THREAD).readsOwnCopy());
            // narrower vectors keep the plain layout
            Tensor fits = RandomWeights.tensor(type, 16, cols, RandomWeights.bytes(type, 16, cols, rnd), arena);
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

    /**
     * The plain kernel's results: bit for bit where the repacked kernel keeps its arithmetic, else the same sums
     * within 2^-10 of the largest result: a loose bound (summing 2048 products in another grouping moved a cancelling
     * row by 3.5e-5 of itself), which still catches a wrong row, block or scale; the float64 reference checks each
     * row closely ({@link #checkAgainstReference}, with the terms' magnitudes).
     */
    private static void assertSame(Kind kind, float[] want, float[] got, String what) {
        if (kind.sameBits) {
            assertSameBits(want, got, what);
            return;
        }
        double largest = 0;
        for (float v : want) if (Float.isFinite(v)) largest = Math.max(largest, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            if (Float.isNaN(want[i]) && Float.isNaN(got[i])) continue;
            double tol = 0x1p-10 * largest;
            if (!(Math.abs(want[i] - got[i]) <= tol)) {
                fail(what + ": element " + i + " is " + got[i] + ", the plain kernel gives " + want[i]);
            }
        }
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
