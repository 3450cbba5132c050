package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

import static io.github.lfm4j.kernels.cpu.VectorWidth.B64;

/**
 * Q6_K repacked at load for eight rows at a time ({@link KQuantInterleavedKernel}). Per group of eight rows and
 * super-block of 256 columns, {@value #SB_BYTES} bytes, exactly the file's 8 × 210:
 * <pre>
 *    0  d[8]                 the eight rows' f16 super-block scales
 *   16  8 blocks of 32 columns, 208 bytes each:
 *         0  sc[8][2]        row k's signed scales of the block's two groups of 16 weights
 *        16  lo[8][16]       row k's 32 low nibbles
 *       144  hi[8][8]        row k's 32 high bit pairs
 * </pre>
 * A row's 32 weights of a block lie in the lanes of {@link Int8PairLayout#SCALE_GROUPS}: 16-bit lane i (0-7) holds
 * weights 16g + t + 4k (g = i / 4, t = i % 4) at positions k = 0-3; byte 2i of {@code lo} holds positions 0 and 1
 * (low, high nibble), byte 2i+1 positions 2 and 3, and byte i of {@code hi} the four weights' top two bits (bits 2k,
 * 2k+1). So every 32-bit lane of a two-row load lies within one group of 16 and takes one scale, and a lane's four
 * 6-bit quants, assembled in place (a mask, a shift, an or per position), multiply their activations in 16-bit lanes.
 * <p>
 * Numerics: per group of 16, {@code acc = fma(Σ(q − 32)·xq, sc·(d·xd), acc)}, a 32-bit lane summing both 16-bit
 * halves of a load (eight products, at most 8·32·127 = 32,512 in size, so the sum fits 16 bits); the row being
 * the sum of the lanes; the integer sums are exact, and the float sums are the plain kernel's terms
 * ({@link Q6_KMatrixKernel}) grouped differently, so the two agree to float rounding, not bit for bit.
 */
final class Q6_KInterleavedMatrixKernel extends KQuantInterleavedKernel {
    static final int SB_BYTES = 16 + 8 * 208;
    private static final int FILE_SB_BYTES = 210, BLOCK_BYTES = 208;
    private static final int NIBBLES = 0x000F000F, HIGH = 0x00300030;
    /** Lanes 0-3 of an eight-lane vector doubled ({@code DUP_LO}) and lanes 4-7 doubled ({@code DUP_HI}). */
    private static final VectorShuffle<Float> DUP_LO = VectorShuffle.fromOp(F, i -> i / 2), DUP_HI = VectorShuffle.fromOp(F, i -> 4 + i / 2);
    /** For decoding: positions k and k+1's lanes 0-3 side by side, and their lanes 4-7. */
    private static final VectorShuffle<Integer> FIRST_GROUP = VectorShuffle.fromOp(I, i -> i < 4 ? i : 8 + i - 4),
            SECOND_GROUP = VectorShuffle.fromOp(I, i -> i < 4 ? 4 + i : 8 + i);

    /** {@code LANE_WEIGHTS[8k + i]}: the weight of the block at position k of lane i. */
    private static final int[] LANE_WEIGHTS = new int[32];

    static {
        for (int k = 0; k < 4; k++) for (int i = 0; i < 8; i++) LANE_WEIGHTS[8 * k + i] = Int8PairLayout.weight(Int8PairLayout.SCALE_GROUPS, k, i);
    }

    private Q6_KInterleavedMatrixKernel(Tensor w, MemorySegment copy) {
        super(w, copy, (long) SB_BYTES * (w.cols() / SUPER_BLOCK), Int8PairLayout.SCALE_GROUPS);
    }

    /** The interleaved kernel for {@code w} (copied from {@code arena}), or empty where it does not apply. */
    static Optional<MatrixKernel> interleave(Tensor w, Arena arena, Parallel parallel) {
        if (!applies(w)) return Optional.empty();
        int superBlocks = Math.toIntExact(w.cols() / SUPER_BLOCK), rowBytes = Math.toIntExact(w.rowBytes());
        return repack(w, arena, parallel, (long) SB_BYTES * superBlocks, (in, out) -> {
            int[] q = new int[SUPER_BLOCK];
            for (int sb = 0; sb < superBlocks; sb++) {
                int to = SB_BYTES * sb;
                for (int k = 0; k < GROUP; k++) {
                    int from = k * rowBytes + FILE_SB_BYTES * sb;
                    if (!finiteHalf(in, from + 208)) return false;
                    out[to + 2 * k] = in[from + 208];
                    out[to + 2 * k + 1] = in[from + 209];
                    // the file's weights 128h + 32·quarter + l: low nibbles from ql, top bit pairs from qh
                    for (int h = 0; h < 2; h++) for (int l = 0; l < 32; l++) {
                        int ql0 = in[from + 64 * h + l] & 0xFF, ql1 = in[from + 64 * h + 32 + l] & 0xFF;
                        int qh = in[from + 128 + 32 * h + l] & 0xFF, n = 128 * h + l;
                        q[n] = (ql0 & 0x0F) | (qh & 3) << 4;
                        q[n + 32] = (ql1 & 0x0F) | ((qh >>> 2) & 3) << 4;
                        q[n + 64] = (ql0 >>> 4) | ((qh >>> 4) & 3) << 4;
                        q[n + 96] = (ql1 >>> 4) | ((qh >>> 6) & 3) << 4;
                    }
                    for (int b = 0; b < 8; b++) {
                        int block = to + 16 + BLOCK_BYTES * b;
                        out[block + 2 * k] = in[from + 192 + 2 * b];
                        out[block + 2 * k + 1] = in[from + 192 + 2 * b + 1];
                        for (int i = 0; i < 8; i++) {
                            int q0 = q[32 * b + LANE_WEIGHTS[i]], q1 = q[32 * b + LANE_WEIGHTS[8 + i]];
                            int q2 = q[32 * b + LANE_WEIGHTS[16 + i]], q3 = q[32 * b + LANE_WEIGHTS[24 + i]];
                            out[block + 16 + 16 * k + 2 * i] = (byte) ((q0 & 0x0F) | (q1 & 0x0F) << 4);
                            out[block + 16 + 16 * k + 2 * i + 1] = (byte) ((q2 & 0x0F) | (q3 & 0x0F) << 4);
                            out[block + 144 + 8 * k + i] = (byte) ((q0 >>> 4) | (q1 >>> 4) << 2 | (q2 >>> 4) << 4 | (q3 >>> 4) << 6);
                        }
                    }
                }
            }
            return true;
        }).map(copy -> new Q6_KInterleavedMatrixKernel(w, copy).warmUp());
    }

    /**
     * Eight rows, two per 32-byte load of low nibbles plus a 16-byte load of top bits, lanes as in {@link
     * Q4_0InterleavedMatrixKernel#dotGroup} but each 32-bit lane within one group of 16 (see the class comment).
     * Written out for each pair: a vector crossing a call that is not inlined is boxed.
     */
    @Override
    void dotGroup(int group, Int8Activations xq, byte[] x, float[] out, int off) {
        float[] xd = xq.scale;
        long base = group * groupBytes;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int sb = 0; sb < superBlocks; sb++) {
            long o = base + (long) SB_BYTES * sb;
            IntVector h = (IntVector) ShortVector.fromMemorySegment(ShortVector.SPECIES_128, data, o, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(SCALE_BIAS);
            d = d.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
            // rows 0-3 and 4-7, each doubled: the lanes of the scale pairs below
            FloatVector dLo = d.rearrange(DUP_LO), dHi = d.rearrange(DUP_HI);
            for (int j = 0; j < 8; j++) {
                int b = 8 * sb + j;
                long blk = o + 16 + (long) BLOCK_BYTES * j;
                ByteVector sc = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, data, blk, LE);
                // lanes: row 0 group 0, row 0 group 1, row 1 group 0, ... (rows 0-3, then rows 4-7)
                FloatVector sLo = ((FloatVector) sc.castShape(F, 0)).mul(dLo.mul(xd[b]));
                FloatVector sHi = ((FloatVector) sc.castShape(F, 1)).mul(dHi.mul(xd[b]));
                int xo = Int8PairLayout.BYTES * b;
                ShortVector x0 = (ShortVector) ByteVector.fromArray(B, x, xo).convertShape(VectorOperators.B2S, S, 0);
                ShortVector x1 = (ShortVector) ByteVector.fromArray(B, x, xo + 16).convertShape(VectorOperators.B2S, S, 0);
                ShortVector x2 = (ShortVector) ByteVector.fromArray(B, x, xo + 32).convertShape(VectorOperators.B2S, S, 0);
                ShortVector x3 = (ShortVector) ByteVector.fromArray(B, x, xo + 48).convertShape(VectorOperators.B2S, S, 0);
                // Σ (q − 32)·x = Σ q·x − 32·Σ x: q·x sums of four stay below 4·63·127 < 2^15, and the result below
                // 4·32·127, so the 16-bit lanes may wrap on the way but not at the end
                ShortVector offset = x0.add(x1).add(x2).add(x3).lanewise(VectorOperators.LSHL, 5);
                long lo = blk + 16, hi = blk + 144;
                IntVector w0 = IntVector.fromMemorySegment(I, data, lo, LE);
                IntVector h0 = ((ShortVector) ByteVector.fromMemorySegment(B, data, hi, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0)).reinterpretAsInts();
                IntVector p0 = w0.and(NIBBLES).or(h0.lanewise(VectorOperators.LSHL, 4).and(HIGH)).reinterpretAsShorts().mul(x0)
                        .add(w0.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).or(h0.lanewise(VectorOperators.LSHL, 2).and(HIGH)).reinterpretAsShorts().mul(x1))
                        .add(w0.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).or(h0.and(HIGH)).reinterpretAsShorts().mul(x2))
                        .add(w0.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).or(h0.lanewise(VectorOperators.LSHR, 2).and(HIGH)).reinterpretAsShorts().mul(x3))
                        .sub(offset).reinterpretAsInts();
                FloatVector d0 = sLo.rearrange(DUP_LO);
                a0 = ((FloatVector) p0.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d0, a0);
                IntVector w1 = IntVector.fromMemorySegment(I, data, lo + 32, LE);
                IntVector h1 = ((ShortVector) ByteVector.fromMemorySegment(B, data, hi + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0)).reinterpretAsInts();
                IntVector p1 = w1.and(NIBBLES).or(h1.lanewise(VectorOperators.LSHL, 4).and(HIGH)).reinterpretAsShorts().mul(x0)
                        .add(w1.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).or(h1.lanewise(VectorOperators.LSHL, 2).and(HIGH)).reinterpretAsShorts().mul(x1))
                        .add(w1.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).or(h1.and(HIGH)).reinterpretAsShorts().mul(x2))
                        .add(w1.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).or(h1.lanewise(VectorOperators.LSHR, 2).and(HIGH)).reinterpretAsShorts().mul(x3))
                        .sub(offset).reinterpretAsInts();
                FloatVector d1 = sLo.rearrange(DUP_HI);
                a1 = ((FloatVector) p1.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d1, a1);
                IntVector w2 = IntVector.fromMemorySegment(I, data, lo + 64, LE);
                IntVector h2 = ((ShortVector) ByteVector.fromMemorySegment(B, data, hi + 32, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0)).reinterpretAsInts();
                IntVector p2 = w2.and(NIBBLES).or(h2.lanewise(VectorOperators.LSHL, 4).and(HIGH)).reinterpretAsShorts().mul(x0)
                        .add(w2.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).or(h2.lanewise(VectorOperators.LSHL, 2).and(HIGH)).reinterpretAsShorts().mul(x1))
                        .add(w2.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).or(h2.and(HIGH)).reinterpretAsShorts().mul(x2))
                        .add(w2.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).or(h2.lanewise(VectorOperators.LSHR, 2).and(HIGH)).reinterpretAsShorts().mul(x3))
                        .sub(offset).reinterpretAsInts();
                FloatVector d2 = sHi.rearrange(DUP_LO);
                a2 = ((FloatVector) p2.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d2, a2);
                IntVector w3 = IntVector.fromMemorySegment(I, data, lo + 96, LE);
                IntVector h3 = ((ShortVector) ByteVector.fromMemorySegment(B, data, hi + 48, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0)).reinterpretAsInts();
                IntVector p3 = w3.and(NIBBLES).or(h3.lanewise(VectorOperators.LSHL, 4).and(HIGH)).reinterpretAsShorts().mul(x0)
                        .add(w3.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).or(h3.lanewise(VectorOperators.LSHL, 2).and(HIGH)).reinterpretAsShorts().mul(x1))
                        .add(w3.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).or(h3.and(HIGH)).reinterpretAsShorts().mul(x2))
                        .add(w3.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).or(h3.lanewise(VectorOperators.LSHR, 2).and(HIGH)).reinterpretAsShorts().mul(x3))
                        .sub(offset).reinterpretAsInts();
                FloatVector d3 = sHi.rearrange(DUP_HI);
                a3 = ((FloatVector) p3.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d3, a3);
            }
        }
        FloatVector r0 = a0.add(a0.rearrange(Int8PairLayout.SWAP_2)), r1 = a1.add(a1.rearrange(Int8PairLayout.SWAP_2));
        FloatVector r2 = a2.add(a2.rearrange(Int8PairLayout.SWAP_2)), r3 = a3.add(a3.rearrange(Int8PairLayout.SWAP_2));
        r0 = r0.add(r0.rearrange(Int8PairLayout.SWAP_1));
        r1 = r1.add(r1.rearrange(Int8PairLayout.SWAP_1));
        r2 = r2.add(r2.rearrange(Int8PairLayout.SWAP_1));
        r3 = r3.add(r3.rearrange(Int8PairLayout.SWAP_1));
        out[off] = r0.lane(0);
        out[off + 1] = r0.lane(4);
        out[off + 2] = r1.lane(0);
        out[off + 3] = r1.lane(4);
        out[off + 4] = r2.lane(0);
        out[off + 5] = r2.lane(4);
        out[off + 6] = r3.lane(0);
        out[off + 7] = r3.lane(4);
    }

    /**
     * Row {@code row} in the natural order: per block, the four positions' eight lanes (weights t + 4k of group 0 in
     * lanes 0-3, of group 1 in lanes 4-7), two positions' lanes side by side make eight consecutive weights.
     * The float values are the plain decoding's: {@code (d·sc)·(q − 32)}.
     */
    @Override
    void decodeRow(int row, float[] dst, int off) {
        long group = (long) (row / GROUP) * groupBytes;
        int k = row % GROUP;
        for (int sb = 0; sb < superBlocks; sb++) {
            long o = group + (long) SB_BYTES * sb;
            float d = f16(o + 2L * k);
            for (int j = 0; j < 8; j++) {
                long blk = o + 16 + (long) BLOCK_BYTES * j;
                FloatVector s0 = FloatVector.broadcast(F, d * data.get(ValueLayout.JAVA_BYTE, blk + 2L * k));
                FloatVector s1 = FloatVector.broadcast(F, d * data.get(ValueLayout.JAVA_BYTE, blk + 2L * k + 1));
                IntVector w = (IntVector) ShortVector.fromMemorySegment(ShortVector.SPECIES_128, data, blk + 16 + 16L * k, LE).convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0);
                IntVector h = (IntVector) ByteVector.fromMemorySegment(B64, data, blk + 144 + 8L * k, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector q0 = w.and(0x0F).or(h.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                IntVector q1 = w.lanewise(VectorOperators.LSHR, 4).and(0x0F).or(h.lanewise(VectorOperators.LSHL, 2).and(0x30)).sub(32);
                IntVector q2 = w.lanewise(VectorOperators.LSHR, 8).and(0x0F).or(h.and(0x30)).sub(32);
                IntVector q3 = w.lanewise(VectorOperators.LSHR, 12).and(0x0F).or(h.lanewise(VectorOperators.LSHR, 2).and(0x30)).sub(32);
                int p = off + SUPER_BLOCK * sb + 32 * j;
                ((FloatVector) q0.rearrange(FIRST_GROUP, q1).convertShape(VectorOperators.I2F, F, 0)).mul(s0).intoArray(dst, p);
                ((FloatVector) q2.rearrange(FIRST_GROUP, q3).convertShape(VectorOperators.I2F, F, 0)).mul(s0).intoArray(dst, p + 8);
                ((FloatVector) q0.rearrange(SECOND_GROUP, q1).convertShape(VectorOperators.I2F, F, 0)).mul(s1).intoArray(dst, p + 16);
                ((FloatVector) q2.rearrange(SECOND_GROUP, q3).convertShape(VectorOperators.I2F, F, 0)).mul(s1).intoArray(dst, p + 24);
            }
        }
    }
}
