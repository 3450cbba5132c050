package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.ValueLayout;

/**
 * Q4_K: super-blocks of 256 stored as {@code {f16 d; f16 dmin; uint8 scales[12]; uint8 qs[128]}} (144 bytes):
 * eight sub-blocks of 32, each with a 6-bit scale and 6-bit min packed into {@code scales} (see
 * {@link KQuantScales}); 32 bytes of {@code qs} serve two consecutive sub-blocks, low nibbles the first, high
 * nibbles the second; weight = d·scale·q − dmin·min.
 */
final class Q4_KMatrixKernel extends RowDecodingKernel {
    private static final int BLOCK = 256, BLOCK_BYTES = 144;

    Q4_KMatrixKernel(Tensor w) {
        super(w);
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
