package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.github.lfm4j.kernels.cpu.VectorWidth.B64;
import static io.github.lfm4j.kernels.cpu.VectorWidth.B64_PARTS;

/**
 * Q4_0: blocks of 32 weights stored as {@code {f16 d; uint8 qs[16]}} (18 bytes); byte j holds weight j in its low
 * nibble and weight j+16 in its high nibble, weight = d·(nibble − 8).
 * <p>
 * <b>Numerics:</b> the matvec quantizes the activation vector to int8 per block of 32 first ({@link
 * Int8Activations}, as llama.cpp does), so its result carries that rounding (about 1/254 of each block's largest
 * activation per element) on top of float accumulation; the integer products are exact. The prefill matmul keeps
 * activations in float.
 * <p>
 * Why integers: the 16 quant bytes of a block zero-extend to one vector of 16-bit lanes (two halves at 128 bits);
 * a mask and one 16-bit shift split the nibbles (AVX2 has no byte shifts), which multiply the pre-widened
 * activations in 16-bit lanes.
 */
final class Q4_0MatrixKernel extends Int8DotKernel {
    static final int BLOCK = 32, BLOCK_BYTES = 18;

    Q4_0MatrixKernel(Tensor w) {
        super(w);
    }

    @Override
    void dotRows(Int8Activations xq, float[] out, int rowStart, int rowEnd) {
        for (int r = rowStart; r < rowEnd; r++) out[r] = dotRow(r, xq.q, xq.scale);
    }

    // The hot loops below are written out in full, without helper methods returning vectors: a helper that C2
    // compiles on its own first may then be too big to inline, and a vector crossing a call is boxed on the heap.

    private float dotRow(int row, short[] xq, float[] xd) {
        long base = row * rowBytes;
        FloatVector acc = FloatVector.zero(F);
        // one pass over the row per part, SL of each block's 16 quant positions (see Int8DotKernel for why)
        for (int j = 0; j < 16; j += SL) for (int b = 0; b < xd.length; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            int xo = BLOCK * b;
            ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B, data, o + 2 + j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector lo = q.and((short) 0x0F).sub((short) 8);
            ShortVector hi = q.lanewise(VectorOperators.LSHR, 4).sub((short) 8);
            // Each 16-bit lane holds lo·x + hi·x' (|.| ≤ 2·8·127), so the lane pair sums fit 16 bits too ({@link
            // #PAIR_SUM}).
            IntVector p = lo.mul(ShortVector.fromArray(S, xq, xo + j)).add(hi.mul(ShortVector.fromArray(S, xq, xo + 16 + j))).reinterpretAsInts();
            IntVector sum = p.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16);
            float d = Float.float16ToFloat(data.get(LE_SHORT, o)) * xd[b];
            acc = ((FloatVector) sum.castShape(F, 0)).fma(FloatVector.broadcast(F, d), acc);
        }
        return LaneSums.sum(acc);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        decodeBlocks(data, base, base + 2, BLOCK_BYTES, cols / BLOCK, dst, off);
    }

    /**
     * Decodes {@code blocks} blocks whose scales lie at {@code scales + stride·b} and quant runs at
     * {@code quants + stride·b} into {@code dst[off ..]}: one row of this layout (stride 18) or of the interleaved one
     * ({@link Q4_0InterleavedMatrixKernel}).
     */
    static void decodeBlocks(MemorySegment data, long scales, long quants, long stride, int blocks, float[] dst, int off) {
        // Eight bytes per load, the narrowest there is: one int vector at 256 bits; at 128 bits two conversion
        // parts, one pass over the row each (a loop over parts inside the block loop cost 8% at 256 bits).
        for (int part = 0; part < B64_PARTS; part++) for (int b = 0; b < blocks; b++) {
            long o = quants + stride * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(data.get(LE_SHORT, scales + stride * b)));
            int p = off + BLOCK * b + FL * part;
            IntVector q0 = (IntVector) ByteVector.fromMemorySegment(B64, data, o, LE).castShape(I, part);
            IntVector q1 = (IntVector) ByteVector.fromMemorySegment(B64, data, o + 8, LE).castShape(I, part);
            ((FloatVector) q0.and(0x0F).sub(8).castShape(F, 0)).mul(d).intoArray(dst, p);
            ((FloatVector) q1.and(0x0F).sub(8).castShape(F, 0)).mul(d).intoArray(dst, p + 8);
            ((FloatVector) q0.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).castShape(F, 0)).mul(d).intoArray(dst, p + 16);
            ((FloatVector) q1.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).castShape(F, 0)).mul(d).intoArray(dst, p + 24);
        }
    }
}
