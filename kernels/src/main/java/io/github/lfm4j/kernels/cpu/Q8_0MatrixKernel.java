package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import static io.github.lfm4j.kernels.cpu.VectorWidth.B64;
import static io.github.lfm4j.kernels.cpu.VectorWidth.B64_PARTS;

/**
 * Q8_0: blocks of 32 weights stored as {@code {f16 d; int8 qs[32]}} (34 bytes), weight = d·qs[j].
 * <p>
 * <b>Numerics:</b> the matvec quantizes the activation vector to int8 per block of 32 first ({@link
 * Int8Activations}, as llama.cpp does), so its result carries that rounding (relative error about 1/254 of each
 * block's largest activation per element) on top of float accumulation; the integer products are exact. The
 * prefill matmul keeps activations in float (it decodes rows to floats and is compute-bound anyway).
 * <p>
 * Why integers: at 256 bits a block is then two 16-byte loads widened to 16-bit lanes, two 16-bit multiplies
 * against the pre-widened activations, one add, a pairwise widen to 8 int lanes, one convert and one FMA with the
 * combined scale, about half the vector instructions of converting every quant to float (at 128 bits: all of that
 * twice, on halves).
 */
final class Q8_0MatrixKernel extends Int8DotKernel {
    static final int BLOCK = 32, BLOCK_BYTES = 34;

    Q8_0MatrixKernel(Tensor w) {
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
            ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B, data, o + 2 + j, LE).convertShape(VectorOperators.B2S, S, 0);
            ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B, data, o + 18 + j, LE).convertShape(VectorOperators.B2S, S, 0);
            IntVector p = q0.mul(ShortVector.fromArray(S, xq, xo + j)).add(q1.mul(ShortVector.fromArray(S, xq, xo + 16 + j))).reinterpretAsInts();
            IntVector sum = p.lanewise(VectorOperators.ASHR, 16).add(p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
            float d = Float.float16ToFloat(data.get(LE_SHORT, o)) * xd[b];
            acc = ((FloatVector) sum.castShape(F, 0)).fma(FloatVector.broadcast(F, d), acc);
        }
        return LaneSums.sum(acc);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        // Eight bytes per load, the narrowest there is: one float vector at 256 bits; at 128 bits two conversion
        // parts, one pass over the row each (see Q4_0MatrixKernel.decodeRow).
        for (int part = 0; part < B64_PARTS; part++) for (int b = 0; b < cols / BLOCK; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(data.get(LE_SHORT, o)));
            int p = off + BLOCK * b + FL * part;
            ((FloatVector) ByteVector.fromMemorySegment(B64, data, o + 2, LE).castShape(F, part)).mul(d).intoArray(dst, p);
            ((FloatVector) ByteVector.fromMemorySegment(B64, data, o + 10, LE).castShape(F, part)).mul(d).intoArray(dst, p + 8);
            ((FloatVector) ByteVector.fromMemorySegment(B64, data, o + 18, LE).castShape(F, part)).mul(d).intoArray(dst, p + 16);
            ((FloatVector) ByteVector.fromMemorySegment(B64, data, o + 26, LE).castShape(F, part)).mul(d).intoArray(dst, p + 24);
        }
    }
}
