package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.ValueLayout;

/**
 * Q5_0: blocks of 32 stored as {@code {f16 d; uint8 qh[4]; uint8 qs[16]}} (22 bytes). The low 4 bits come from the
 * nibbles as in Q4_0, bit 4 of weight j from bit j of the little-endian 32-bit {@code qh}; weight = d·(q − 16).
 * <p>
 * <b>Numerics:</b> the matvec rounds the activations to int8 per block of 32 first ({@link Int8Activations}), as
 * llama.cpp does, and multiplies the quants exactly in 16-bit lanes (lane pair sums stay below 2^14); the prefill
 * matmul decodes rows to floats and keeps activations in float.
 */
final class Q5_0MatrixKernel extends Int8DotKernel {
    private static final int BLOCK = 32, BLOCK_BYTES = 22;

    Q5_0MatrixKernel(Tensor w) {
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
        long base = row * rowBytes;
        FloatVector acc = FloatVector.zero(F);
        ShortVector toTop = ShortVector.fromArray(S, BIT_TO_TOP, 0);
        for (int b = 0; b < xd.length; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            int xo = BLOCK * b;
            int qh = data.get(LE_INT, o + 2);
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(data.get(LE_SHORT, o)) * xd[b]);
            // The parts inside the block loop here, unlike Q4_0's (see Int8DotKernel): the 5th-bit extraction
            // and the scale are then shared by both parts at 128 bits (15-20% faster there than a loop per part
            // around the block loop), and at 256 bits this measured no slower than the original.
            for (int part = 0; part < PARTS; part++) {
                int j = SL * part;
                ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B, data, o + 6 + j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector lo = q.and((short) 0x0F).or(ShortVector.broadcast(S, (short) (qh >>> j)).mul(toTop).lanewise(VectorOperators.LSHR, 15).lanewise(VectorOperators.LSHL, 4)).sub((short) 16);
                ShortVector hi = q.lanewise(VectorOperators.LSHR, 4).or(ShortVector.broadcast(S, (short) (qh >>> (16 + j))).mul(toTop).lanewise(VectorOperators.LSHR, 15).lanewise(VectorOperators.LSHL, 4)).sub((short) 16);
                IntVector p = lo.mul(ShortVector.fromArray(S, xq, xo + j)).add(hi.mul(ShortVector.fromArray(S, xq, xo + 16 + j))).reinterpretAsInts();
                IntVector sum = p.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16);
                acc = ((FloatVector) sum.castShape(F, 0)).fma(d, acc);
            }
        }
        return LaneSums.sum(acc);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            float d = f16(o);
            int qh = data.get(LE_INT, o + 2);
            int p = off + BLOCK * b;
            for (int j = 0; j < 16; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, o + 6 + j) & 0xFF;
                int lo = (q & 0x0F) | (((qh >>> j) & 1) << 4);
                int hi = (q >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
                dst[p + j] = d * (lo - 16);
                dst[p + j + 16] = d * (hi - 16);
            }
        }
    }
}
