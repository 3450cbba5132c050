package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.ValueLayout;

/**
 * Q4_K: super-blocks of 256 stored as {@code {f16 d; f16 dmin; uint8 scales[12]; uint8 qs[128]}} (144 bytes):
 * eight sub-blocks of 32, each with a 6-bit scale and 6-bit min packed into {@code scales} (see
 * {@link KQuantScales}); 32 bytes of {@code qs} serve two consecutive sub-blocks, low nibbles the first, high
 * nibbles the second; weight = d·scale·q − dmin·min.
 */
final class Q4_KMatrixKernel extends Int8DotKernel {
    private static final int BLOCK = 256, BLOCK_BYTES = 144;

    Q4_KMatrixKernel(Tensor w) {
        super(w);
    }

    @Override
    void dotRows(Int8Activations xq, float[] out, int rowStart, int rowEnd) {
        int[] table = new int[16];
        for (int r = rowStart; r < rowEnd; r++) out[r] = dotRow(r, xq, table);
    }

    // Written out in full (no helpers returning vectors) so C2 never boxes a vector across a call. Two products
    // share a 16-bit lane (|q| ≤ 15, |x| ≤ 127: lane pair sums stay below 2^13), so lane pairs are summed in the
    // upper half of 32-bit lanes. Per sub-block j (as the interleaved kernel, whose float sums are
    // grouped differently: {@link Q4_KInterleavedMatrixKernel}), acc = fma(lanes, sc_j·(d·xd), acc) and
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
                long qs = o + 16 + 32L * pair;
                // PARTS steps: a constant trip count (1 or 2) that C2 unrolls
                for (int part = 0; part < PARTS; part++) {
                    int j = SL * part;
                    ShortVector a = (ShortVector) ByteVector.fromMemorySegment(B, data, qs + j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector c = (ShortVector) ByteVector.fromMemorySegment(B, data, qs + 16 + j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector a0 = a.and((short) 0x0F), c0 = c.and((short) 0x0F);
                    ShortVector a1 = a.lanewise(VectorOperators.LSHR, 4), c1 = c.lanewise(VectorOperators.LSHR, 4);
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
            long qs = o + 16;
            int p = off + BLOCK * b;
            for (int pair = 0; pair < 4; pair++) {
                int s0 = 2 * pair, s1 = s0 + 1;
                float d1 = d * KQuantScales.scale(data, o + 4, s0), m1 = dmin * KQuantScales.min(data, o + 4, s0);
                float d2 = d * KQuantScales.scale(data, o + 4, s1), m2 = dmin * KQuantScales.min(data, o + 4, s1);
                for (int l = 0; l < 32; l++) {
                    int q = data.get(ValueLayout.JAVA_BYTE, qs + 32L * pair + l) & 0xFF;
                    dst[p + 64 * pair + l] = d1 * (q & 0x0F) - m1;
                    dst[p + 64 * pair + 32 + l] = d2 * (q >>> 4) - m2;
                }
            }
        }
    }
}
