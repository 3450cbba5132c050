package io.github.lfm4j.kernels.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorMask;
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

    // Per order and run: the lanes taken from the block's first 16 values, those from its second 16, and which lanes
    // come from the second (single-vector rearranges and a blend: the two-vector rearrange ran as plain Java here).
    // Static, so C2 folds them.
    private static final VectorShuffle<Short>[] LOW = shuffles(false), HIGH = shuffles(true);
    private static final VectorMask<Short>[] FROM_HIGH = masks();

    /** The index in the block of the weight at position {@code k} of lane {@code i} (0-7) of a row. */
    static int weight(Order order, int k, int i) {
        return switch (order) {
            case NIBBLE_PAIRS -> 2 * i + (k == 1 || k == 3 ? 16 : 0) + (k >= 2 ? 1 : 0);
            case SCALE_GROUPS -> 16 * (i / 4) + i % 4 + 4 * k;
        };
    }

    /** Index 4·order + k: run k of that order's lanes from one half ({@code high}: the second) of the block. */
    @SuppressWarnings("unchecked")
    private static VectorShuffle<Short>[] shuffles(boolean high) {
        VectorShuffle<Short>[] s = new VectorShuffle[8];
        for (Order order : Order.values()) for (int run = 0; run < 4; run++) {
            int k = run;
            s[4 * order.ordinal() + k] = VectorShuffle.fromOp(S, lane -> {
                int w = weight(order, k, lane % 8);
                return high ? (w >= 16 ? w - 16 : 0) : (w < 16 ? w : 0);
            });
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static VectorMask<Short>[] masks() {
        VectorMask<Short>[] m = new VectorMask[8];
        for (Order order : Order.values()) for (int k = 0; k < 4; k++) {
            boolean[] bits = new boolean[S.length()];
            for (int lane = 0; lane < bits.length; lane++) bits[lane] = weight(order, k, lane % 8) >= 16;
            m[4 * order.ordinal() + k] = VectorMask.fromArray(S, bits, 0);
        }
        return m;
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
        int o = 4 * order.ordinal();
        for (int b = 0, blocks = xq.scale.length; b < blocks; b++) {
            ShortVector lo = ShortVector.fromArray(S, xq.q, BLOCK * b), hi = ShortVector.fromArray(S, xq.q, BLOCK * b + 16);
            for (int k = 0; k < 4; k++) {
                ShortVector run = lo.rearrange(LOW[o + k]).blend(hi.rearrange(HIGH[o + k]), FROM_HIGH[o + k]);
                ((ByteVector) run.castShape(B, 0)).intoArray(x, BYTES * b + 16 * k);
            }
        }
        source = xq;
        stamp = xq.stamp;
        return this;
    }

    /**
     * Where a thread's scratch starts in its array ({@link #scratch}): the used floats (from {@code SCRATCH}, and a
     * partial group's results, from {@code SCRATCH + RESULTS}) sit 64 bytes from either end of the array, so no other
     * object shares their cache lines: the garbage collector may compact two threads' arrays next to each other.
     */
    static final int SCRATCH = 16, RESULTS = 24;

    /** A thread's scratch for a partial group's eight results. */
    static float[] scratch() {
        return new float[SCRATCH + RESULTS + 8 + 16];
    }

    /**
     * How the interleaved kernels add up a pair's rows from its even-lane and odd-lane accumulators (lanes 0-3 the
     * pair's first row, 4-7 its second; the plain kernel's lane 2m is even lane m, its lane 2m+1 odd lane m): exactly
     * as {@link LaneSums#sum} adds the plain kernel's eight lanes, ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)), which is
     * ((e0+e2)+(e1+e3)) + ((o0+o2)+(o1+o3)): {@code e + e.rearrange(SWAP_2)}, then that plus its {@code SWAP_1}
     * rearrangement, likewise for o, and the two added leave the first row in lane 0 and the second in lane 4. In
     * vector lanes, rather than by storing lanes and reading them back in another order (a stall per read: that took
     * 7 % of a Q4_K_M token).
     */
    static final VectorShuffle<Float> SWAP_2 = VectorShuffle.fromOp(VectorWidth.F, i -> i ^ 2),
            SWAP_1 = VectorShuffle.fromOp(VectorWidth.F, i -> i ^ 1);
}
