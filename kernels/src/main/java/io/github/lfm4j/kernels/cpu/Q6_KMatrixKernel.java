package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.ValueLayout;

/**
 * Q6_K: super-blocks of 256 stored as {@code {uint8 ql[128]; uint8 qh[64]; int8 scales[16]; f16 d}} (210 bytes).
 * Each half of 128 weights uses 64 bytes of {@code ql} and 32 of {@code qh}: for l &lt; 32, weights l, l+32, l+64,
 * l+96 take their low 4 bits from the low nibble of ql[l], low nibble of ql[l+32], high nibble of ql[l], high
 * nibble of ql[l+32], and their top 2 bits from bits 0-1, 2-3, 4-5, 6-7 of qh[l]; sixteen signed 8-bit scales, one
 * per 16 weights; weight = d·scale·(q − 32).
 * <p>
 * <b>Numerics:</b> the matvec rounds the activations to int8 per block of 32 first ({@link Int8Activations}), like
 * the Q4_0/Q8_0 kernels and llama.cpp; 16 quants at a time are assembled in 16-bit lanes and multiplied exactly.
 * The prefill matmul decodes rows to floats and keeps activations in float.
 */
final class Q6_KMatrixKernel extends Int8DotKernel {
    private static final int BLOCK = 256, BLOCK_BYTES = 210;

    Q6_KMatrixKernel(Tensor w) {
        super(w);
    }

    @Override
    void dotRows(Int8Activations xq, float[] out, int rowStart, int rowEnd) {
        for (int r = rowStart; r < rowEnd; r++) out[r] = dotRow(r, xq.q, xq.scale);
    }

    // Written out in full (no helpers returning vectors) so C2 never boxes a vector across a call. Each 16-bit lane
    // holds one product (|q − 32| ≤ 32, |x| ≤ 127), so lane pairs are summed in the upper half of 32-bit lanes.
    private float dotRow(int row, short[] xq, float[] xd) {
        long base = row * rowBytes;
        FloatVector acc = FloatVector.zero(F);
        for (int sb = 0; sb < cols / BLOCK; sb++) {
            long o = base + (long) BLOCK_BYTES * sb;
            float d = Float.float16ToFloat(data.get(LE_SHORT, o + 208));
            for (int half = 0; half < 2; half++) {
                long ql = o + 64L * half, qh = o + 128 + 32L * half, sc = o + 192 + 8L * half;
                int xo = BLOCK * sb + 128 * half, xb = xo / 32;
                // SL weights per step: two steps at 256 bits, four at 128; a scale covers 16 weights
                for (int l = 0; l < 32; l += SL) {
                    ShortVector a = (ShortVector) ByteVector.fromMemorySegment(B, data, ql + l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector c = (ShortVector) ByteVector.fromMemorySegment(B, data, ql + 32 + l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector h = (ShortVector) ByteVector.fromMemorySegment(B, data, qh + l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    int is = l / 16;
                    // quarter k covers weights 32k + l .. 32k + l + SL - 1 of this half, scale sc[is + 2k], x block xb + k
                    ShortVector q0 = a.and((short) 0x0F).or(h.and((short) 0x03).lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
                    ShortVector q1 = c.and((short) 0x0F).or(h.lanewise(VectorOperators.LSHL, 2).and((short) 0x30)).sub((short) 32);
                    ShortVector q2 = a.lanewise(VectorOperators.LSHR, 4).or(h.and((short) 0x30)).sub((short) 32);
                    ShortVector q3 = c.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2).and((short) 0x30)).sub((short) 32);
                    IntVector p0 = q0.mul(ShortVector.fromArray(S, xq, xo + l)).reinterpretAsInts();
                    IntVector p1 = q1.mul(ShortVector.fromArray(S, xq, xo + 32 + l)).reinterpretAsInts();
                    IntVector p2 = q2.mul(ShortVector.fromArray(S, xq, xo + 64 + l)).reinterpretAsInts();
                    IntVector p3 = q3.mul(ShortVector.fromArray(S, xq, xo + 96 + l)).reinterpretAsInts();
                    p0 = p0.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16);
                    p1 = p1.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16);
                    p2 = p2.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16);
                    p3 = p3.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16);
                    acc = ((FloatVector) p0.castShape(F, 0)).fma(FloatVector.broadcast(F, d * data.get(ValueLayout.JAVA_BYTE, sc + is) * xd[xb]), acc);
                    acc = ((FloatVector) p1.castShape(F, 0)).fma(FloatVector.broadcast(F, d * data.get(ValueLayout.JAVA_BYTE, sc + is + 2) * xd[xb + 1]), acc);
                    acc = ((FloatVector) p2.castShape(F, 0)).fma(FloatVector.broadcast(F, d * data.get(ValueLayout.JAVA_BYTE, sc + is + 4) * xd[xb + 2]), acc);
                    acc = ((FloatVector) p3.castShape(F, 0)).fma(FloatVector.broadcast(F, d * data.get(ValueLayout.JAVA_BYTE, sc + is + 6) * xd[xb + 3]), acc);
                }
            }
        }
        return LaneSums.sum(acc);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            float d = f16(o + 208);
            int p = off + BLOCK * b;
            for (int half = 0; half < 2; half++) {
                long ql = o + 64L * half, qh = o + 128 + 32L * half, sc = o + 192 + 8L * half;
                int y = p + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int a = data.get(ValueLayout.JAVA_BYTE, ql + l) & 0xFF;
                    int c = data.get(ValueLayout.JAVA_BYTE, ql + l + 32) & 0xFF;
                    int h = data.get(ValueLayout.JAVA_BYTE, qh + l) & 0xFF;
                    int q1 = ((a & 0x0F) | ((h & 3) << 4)) - 32;
                    int q2 = ((c & 0x0F) | (((h >>> 2) & 3) << 4)) - 32;
                    int q3 = ((a >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                    int q4 = ((c >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                    dst[y + l] = d * data.get(ValueLayout.JAVA_BYTE, sc + is) * q1;
                    dst[y + l + 32] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 2) * q2;
                    dst[y + l + 64] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 4) * q3;
                    dst[y + l + 96] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 6) * q4;
                }
            }
        }
    }
}
