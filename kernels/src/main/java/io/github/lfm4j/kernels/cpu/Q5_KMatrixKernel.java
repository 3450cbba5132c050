package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.ValueLayout;

/**
 * Q5_K: super-blocks of 256 stored as {@code {f16 d; f16 dmin; uint8 scales[12]; uint8 qh[32]; uint8 qs[128]}}
 * (176 bytes): Q4_K's layout plus a fifth bit per weight: for sub-block pair {@code p}, bit {@code 2p} of
 * {@code qh[l]} belongs to weight l of the first sub-block, bit {@code 2p+1} to weight l of the second;
 * weight = d·scale·q − dmin·min.
 * <p>
 * <b>Numerics:</b> the matvec rounds the activations to int8 per block of 32 first ({@link Int8Activations}), as
 * llama.cpp does; each sub-block of 32 lines up with one activation block, so its dot product is
 * {@code d·scale·xd·Σq·xq − dmin·min·xd·Σxq}, the first sum exact in 16/32-bit lanes, the second precomputed. The
 * prefill matmul decodes rows to floats and keeps activations in float.
 */
final class Q5_KMatrixKernel extends Int8DotKernel {
    private static final int BLOCK = 256, BLOCK_BYTES = 176;

    Q5_KMatrixKernel(Tensor w) {
        super(w);
    }

    @Override
    void dotRows(Int8Activations xq, float[] out, int rowStart, int rowEnd) {
        int[] table = new int[16];
        for (int r = rowStart; r < rowEnd; r++) out[r] = dotRow(r, xq, table);
    }

    // Written out in full (no helpers returning vectors) so C2 never boxes a vector across a call. Two products
    // share a 16-bit lane (|q| ≤ 31, |x| ≤ 127: lane pair sums stay below 2^14), so lane pairs are summed in the
    // upper half of 32-bit lanes. Per sub-block j (as the interleaved kernel, whose float sums are
    // grouped differently: {@link Q5_KInterleavedMatrixKernel}), acc = fma(lanes, sc_j·(d·xd), acc) and
    // m = fma(mn_j, dmin·xsd, m), in order of j; the row is Σacc − m.
    private float dotRow(int row, Int8Activations xa, int[] table) {
        short[] xq = xa.q;
        float[] xd = xa.scale;
        float[] xsd = xa.scaledSum;
        long base = row * rowBytes;
        FloatVector acc = FloatVector.zero(F);
        float m = 0f;
        for (int sb = 0; sb < cols / BLOCK; sb++) {
            long o = base + (long) BLOCK_BYTES * sb;
            float d = Float.float16ToFloat(data.get(LE_SHORT, o)), dmin = Float.float16ToFloat(data.get(LE_SHORT, o + 2));
            // Unpacked before the vector work: a call that C2 does not inline, made while many vectors are live,
            // would spill them all.
            KQuantScales.unpack(data, o + 4, table);
            for (int pair = 0; pair < 4; pair++) {
                int s0 = 2 * pair, s1 = s0 + 1, b0 = 8 * sb + s0, b1 = b0 + 1;
                float scale0 = table[s0] * (d * xd[b0]), scale1 = table[s1] * (d * xd[b1]);
                m = Math.fma((float) table[8 + s0], dmin * xsd[b0], m);
                m = Math.fma((float) table[8 + s1], dmin * xsd[b1], m);
                int x0 = 32 * b0, x1 = x0 + 32;
                long qs = o + 48 + 32L * pair;
                // PARTS steps: a constant trip count (1 or 2) that C2 unrolls; the fifth bits of weights l of both
                // sub-blocks are bits s0 and s1 of qh[l]
                for (int part = 0; part < PARTS; part++) {
                    int j = SL * part;
                    ShortVector h0 = (ShortVector) ByteVector.fromMemorySegment(B, data, o + 16 + j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector h1 = (ShortVector) ByteVector.fromMemorySegment(B, data, o + 32 + j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector a = (ShortVector) ByteVector.fromMemorySegment(B, data, qs + j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector c = (ShortVector) ByteVector.fromMemorySegment(B, data, qs + 16 + j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector a0 = a.and((short) 0x0F).or(h0.lanewise(VectorOperators.LSHR, s0).and((short) 1).lanewise(VectorOperators.LSHL, 4));
                    ShortVector c0 = c.and((short) 0x0F).or(h1.lanewise(VectorOperators.LSHR, s0).and((short) 1).lanewise(VectorOperators.LSHL, 4));
                    ShortVector a1 = a.lanewise(VectorOperators.LSHR, 4).or(h0.lanewise(VectorOperators.LSHR, s1).and((short) 1).lanewise(VectorOperators.LSHL, 4));
                    ShortVector c1 = c.lanewise(VectorOperators.LSHR, 4).or(h1.lanewise(VectorOperators.LSHR, s1).and((short) 1).lanewise(VectorOperators.LSHL, 4));
                    IntVector p0 = a0.mul(ShortVector.fromArray(S, xq, x0 + j)).add(c0.mul(ShortVector.fromArray(S, xq, x0 + 16 + j))).reinterpretAsInts();
                    IntVector p1 = a1.mul(ShortVector.fromArray(S, xq, x1 + j)).add(c1.mul(ShortVector.fromArray(S, xq, x1 + 16 + j))).reinterpretAsInts();
                    p0 = p0.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16);
                    p1 = p1.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16);
                    acc = ((FloatVector) p0.castShape(F, 0)).fma(FloatVector.broadcast(F, scale0), acc);
                    acc = ((FloatVector) p1.castShape(F, 0)).fma(FloatVector.broadcast(F, scale1), acc);
                }
            }
        }
        return LaneSums.sum(acc) - m;
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            float d = f16(o), dmin = f16(o + 2);
            long qh = o + 16, qs = o + 48;
            int p = off + BLOCK * b;
            for (int pair = 0; pair < 4; pair++) {
                int s0 = 2 * pair, s1 = s0 + 1;
                float d1 = d * KQuantScales.scale(data, o + 4, s0), m1 = dmin * KQuantScales.min(data, o + 4, s0);
                float d2 = d * KQuantScales.scale(data, o + 4, s1), m2 = dmin * KQuantScales.min(data, o + 4, s1);
                for (int l = 0; l < 32; l++) {
                    int q = data.get(ValueLayout.JAVA_BYTE, qs + 32L * pair + l) & 0xFF;
                    int h = data.get(ValueLayout.JAVA_BYTE, qh + l) & 0xFF;
                    int lo = (q & 0x0F) | (((h >>> s0) & 1) << 4);
                    int hi = (q >>> 4) | (((h >>> s1) & 1) << 4);
                    dst[p + 64 * pair + l] = d1 * lo - m1;
                    dst[p + 64 * pair + 32 + l] = d2 * hi - m2;
                }
            }
        }
    }
}
