package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.ValueLayout;

/**
 * Q6_K: super-blocks of 256 stored as {@code {uint8 ql[128]; uint8 qh[64]; int8 scales[16]; f16 d}} (210 bytes).
 * Each half of 128 weights uses 64 bytes of {@code ql} and 32 of {@code qh}: for l &lt; 32, weights l, l+32, l+64,
 * l+96 take their low 4 bits from the low nibble of ql[l], low nibble of ql[l+32], high nibble of ql[l], high
 * nibble of ql[l+32], and their top 2 bits from bits 0-1, 2-3, 4-5, 6-7 of qh[l]; sixteen signed 8-bit scales, one
 * per 16 weights; weight = d·scale·(q − 32).
 */
final class Q6_KMatrixKernel extends RowDecodingKernel {
    private static final int BLOCK = 256, BLOCK_BYTES = 210;

    Q6_KMatrixKernel(Tensor w) {
        super(w);
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
