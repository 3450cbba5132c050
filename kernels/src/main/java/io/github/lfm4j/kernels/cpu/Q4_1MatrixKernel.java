package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.ValueLayout;

/**
 * Q4_1: blocks of 32 stored as {@code {f16 d; f16 m; uint8 qs[16]}} (20 bytes); byte j holds weight j (low nibble)
 * and weight j+16 (high nibble); weight = d·q + m. Decoded block by block into the scratch row (matvec included).
 */
final class Q4_1MatrixKernel extends RowDecodingKernel {
    private static final int BLOCK = 32, BLOCK_BYTES = 20;

    Q4_1MatrixKernel(Tensor w) {
        super(w);
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
