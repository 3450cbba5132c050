package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.ValueLayout;

/**
 * Q5_K: super-blocks of 256 stored as {@code {f16 d; f16 dmin; uint8 scales[12]; uint8 qh[32]; uint8 qs[128]}}
 * (176 bytes): Q4_K's layout plus a fifth bit per weight: for sub-block pair {@code p}, bit {@code 2p} of
 * {@code qh[l]} belongs to weight l of the first sub-block, bit {@code 2p+1} to weight l of the second;
 * weight = d·scale·q − dmin·min.
 */
final class Q5_KMatrixKernel extends RowDecodingKernel {
    private static final int BLOCK = 256, BLOCK_BYTES = 176;

    Q5_KMatrixKernel(Tensor w) {
        super(w);
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
