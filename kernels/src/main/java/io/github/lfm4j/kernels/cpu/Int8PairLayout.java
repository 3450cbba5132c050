package io.github.lfm4j.kernels.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * One thread's copy of the int8 activations in the order the interleaved kernels' two-row loads need ({@link
 * Q4_0InterleavedMatrixKernel}, {@link KQuantInterleaving}). Those kernels read two rows' quants of a block of 32 as
 * sixteen 16-bit lanes, lanes 0-7 of the first row and 8-15 of the second, each lane holding four weights at four
 * positions (bits 0-3, 4-7, 8-11, 12-15, plus high bits for the 5- and 6-bit types). Per block, run k (16 bytes) holds
 * for lane L the activation of the weight at position k of lane L % 8; the eight values repeat for the second row.
 * 64 bytes a block: a row of 8192 takes 16 KB and stays in the L1 cache with the weights streaming past (as 16-bit
 * values it did not, and the 8192-wide Q4_0 product ran 20 % slower). Made again only when the activations were
 * rounded anew ({@link Int8Activations#stamp}).
 * <p>
 * Two orders, one per lane arrangement:
 * <ul>
 * <li>{@link #NIBBLE_PAIRS}: lane i holds weights 2i, 2i+16, 2i+1, 2i+17 (the four nibbles of bytes 2i and 2i+1 of
 * Q4_0's block layout, where byte j holds weights j and j+16); its two 32-bit halves sum to the plain kernels' 32-bit
 * lanes. For the types with one scale per 32 weights (Q4_0, Q4_K, Q5_K).</li>
 * <li>{@link #SCALE_GROUPS}: lane i holds weights 16g + t, 16g + t + 4, 16g + t + 8, 16g + t + 12 (g = i / 4,
 * t = i % 4): every lane inside one group of 16 weights, for Q6_K's one scale per 16.</li>
 * </ul>
 */
final class Int8PairLayout {
    static final int BYTES = 4 * 16;
    private static final int BLOCK = Int8Activations.BLOCK;
    private static final VectorSpecies<Short> S = VectorWidth.S;
    private static final VectorSpecies<Byte> B = VectorWidth.B_FOR_S;

    /** Which lane arrangement: see the class comment. */
    enum Order { NIBBLE_PAIRS, SCALE_GROUPS }

    static final Order NIBBLE_PAIRS = Order.NIBBLE_PAIRS, SCALE_GROUPS = Order.SCALE_GROUPS;

    // Shuffles over the block's two halves: an index below 16 takes that lane of the first 16 values, 16 + j lane j
    // of the second (an exceptional index, for the two-vector rearrange). Static, so C2 folds them.
    private static final VectorShuffle<Short> PAIRS_0 = shuffle(Order.NIBBLE_PAIRS, 0), PAIRS_1 = shuffle(Order.NIBBLE_PAIRS, 1),
            PAIRS_2 = shuffle(Order.NIBBLE_PAIRS, 2), PAIRS_3 = shuffle(Order.NIBBLE_PAIRS, 3);
    private static final VectorShuffle<Short> GROUPS_0 = shuffle(Order.SCALE_GROUPS, 0), GROUPS_1 = shuffle(Order.SCALE_GROUPS, 1),
            GROUPS_2 = shuffle(Order.SCALE_GROUPS, 2), GROUPS_3 = shuffle(Order.SCALE_GROUPS, 3);

    /** The index in the block of the weight at position {@code k} of lane {@code i} (0-7) of a row. */
    static int weight(Order order, int k, int i) {
        return switch (order) {
            case NIBBLE_PAIRS -> 2 * i + (k == 1 || k == 3 ? 16 : 0) + (k >= 2 ? 1 : 0);
            case SCALE_GROUPS -> 16 * (i / 4) + i % 4 + 4 * k;
        };
    }

    private static VectorShuffle<Short> shuffle(Order order, int k) {
        return VectorShuffle.fromOp(S, lane -> weight(order, k, lane % 8));
    }

    /**
     * For a pair p of the group's eight rows: lanes 0-3 the lane of row 2p in an eight-row vector (of scales, one
     * lane per row), lanes 4-7 that of row 2p+1, as the pair's 32-bit lanes lie.
     */
    static final VectorShuffle<Float> ROW_SCALES_0 = rowScales(0), ROW_SCALES_1 = rowScales(1),
            ROW_SCALES_2 = rowScales(2), ROW_SCALES_3 = rowScales(3);

    private static VectorShuffle<Float> rowScales(int pair) {
        return VectorShuffle.fromOp(VectorWidth.F, i -> 2 * pair + i / 4);
    }

    final byte[] x;
    private final Order order;
    private Int8Activations source;
    private long stamp;

    Int8PairLayout(int cols, Order order) {
        if (VectorWidth.SL != 16) throw new IllegalStateException("the pair layout is for 256-bit vectors");
        this.x = new byte[cols / BLOCK * BYTES];
        this.order = order;
    }

    /** This layout holding {@code xq}'s values; rebuilt only when {@code xq} was rounded since the last call. */
    Int8PairLayout of(Int8Activations xq) {
        if (xq == source && xq.stamp == stamp) return this;
        boolean pairs = order == Order.NIBBLE_PAIRS;
        VectorShuffle<Short> s0 = pairs ? PAIRS_0 : GROUPS_0, s1 = pairs ? PAIRS_1 : GROUPS_1,
                s2 = pairs ? PAIRS_2 : GROUPS_2, s3 = pairs ? PAIRS_3 : GROUPS_3;
        for (int b = 0, blocks = xq.scale.length; b < blocks; b++) {
            ShortVector lo = ShortVector.fromArray(S, xq.q, BLOCK * b), hi = ShortVector.fromArray(S, xq.q, BLOCK * b + 16);
            ((ByteVector) lo.rearrange(s0, hi).convertShape(VectorOperators.S2B, B, 0)).intoArray(x, BYTES * b);
            ((ByteVector) lo.rearrange(s1, hi).convertShape(VectorOperators.S2B, B, 0)).intoArray(x, BYTES * b + 16);
            ((ByteVector) lo.rearrange(s2, hi).convertShape(VectorOperators.S2B, B, 0)).intoArray(x, BYTES * b + 32);
            ((ByteVector) lo.rearrange(s3, hi).convertShape(VectorOperators.S2B, B, 0)).intoArray(x, BYTES * b + 48);
        }
        source = xq;
        stamp = xq.stamp;
        return this;
    }

    /**
     * Where a thread's scratch starts in its array ({@link #scratch}): the used floats (a pair's accumulators and a
     * row's lanes, from {@code SCRATCH}, and a partial group's results, from {@code SCRATCH + RESULTS}) sit 64 bytes
     * from either end of the array, so no other object shares their cache lines: the garbage collector may compact
     * two threads' arrays next to each other.
     */
    static final int SCRATCH = 16, RESULTS = 24;

    /** A thread's scratch for {@link #pairSums} and a partial group's eight results. */
    static float[] scratch() {
        return new float[SCRATCH + RESULTS + 8 + 16];
    }

    /**
     * The two rows of a pair from its even-lane and odd-lane accumulators at {@code s[SCRATCH ..]} and {@code
     * s[SCRATCH + 8 ..]}: lanes 0-3 belong to the first row, 4-7 to the second, and the plain kernel's lane 2m is
     * even lane m, its lane 2m+1 odd lane m. Each row's eight lanes go back into that order before the same
     * {@link LaneSums#sum} the plain kernel ends with.
     */
    static void pairSums(float[] s, float[] out, int off) {
        for (int row = 0; row < 2; row++) {
            for (int m = 0; m < 4; m++) {
                s[SCRATCH + 16 + 2 * m] = s[SCRATCH + 4 * row + m];
                s[SCRATCH + 17 + 2 * m] = s[SCRATCH + 8 + 4 * row + m];
            }
            out[off + row] = LaneSums.sum(FloatVector.fromArray(VectorWidth.F, s, SCRATCH + 16));
        }
    }
}
