package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.ValueLayout;

/**
 * Q4_1: blocks of 32 stored as {@code {f16 d; f16 m; uint8 qs[16]}} (20 bytes); byte j holds weight j (low nibble)
 * and weight j+16 (high nibble); weight = d·q + m.
 * <p>
 * <b>Numerics:</b> the matvec rounds the activations to int8 per block of 32 first ({@link Int8Activations}), as
 * llama.cpp does, and multiplies the quants exactly in 16-bit lanes (lane pair sums stay below 2^14); the prefill
 * matmul decodes rows to floats and keeps activations in float.
 */
final class Q4_1MatrixKernel extends Int8DotKernel {
    private static final int BLOCK = 32, BLOCK_BYTES = 20;

    Q4_1MatrixKernel(Tensor w) {
        super(w);
    }

    @Override
    void dotRows(Int8Activations xq, float[] out, int rowStart, int rowEnd) {
        for (int r = rowStart; r < rowEnd; r++) out[r] = dotRow(r, xq);
    }

    // Written out in full (no helpers returning vectors) so C2 never boxes a vector across a call.
    private float dotRow(int row, Int8Activations xa) {
        short[] xq = xa.q;
        float[] xd = xa.scale;
        int[] xs = xa.sum;
        long base = row * rowBytes;
        FloatVector acc = FloatVector.zero(F);
        float mins = 0f;
        // one pass over the row per part, SL of each block's 16 quant positions (see Int8DotKernel for why)
        for (int j = 0; j < 16; j += SL) for (int b = 0; b < xd.length; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            int xo = BLOCK * b;
            ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B, data, o + 4 + j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector lo = q.and((short) 0x0F), hi = q.lanewise(VectorOperators.LSHR, 4);
            IntVector p = lo.mul(ShortVector.fromArray(S, xq, xo + j)).add(hi.mul(ShortVector.fromArray(S, xq, xo + 16 + j))).reinterpretAsInts();
            IntVector sum = p.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16);
            acc = ((FloatVector) sum.castShape(F, 0)).fma(FloatVector.broadcast(F, Float.float16ToFloat(data.get(LE_SHORT, o)) * xd[b]), acc);
            if (j == 0) mins += Float.float16ToFloat(data.get(LE_SHORT, o + 2)) * xd[b] * xs[b]; // once per block
        }
        return LaneSums.sum(acc) + mins;
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            float d = f16(o), m = f16(o + 2);
            int p = off + BLOCK * b;
            for (int j = 0; j < 16; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, o + 4 + j) & 0xFF;
                dst[p + j] = d * (q & 0x0F) + m;
                dst[p + j + 16] = d * (q >>> 4) + m;
            }
        }
    }
}
