package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.ValueLayout;

/**
 * Q5_1: blocks of 32 stored as {@code {f16 d; f16 m; uint8 qh[4]; uint8 qs[16]}} (24 bytes), the 5-bit quants laid
 * out as in Q5_0; weight = d·q + m.
 */
final class Q5_1MatrixKernel extends RowDecodingKernel {
    private static final int BLOCK = 32, BLOCK_BYTES = 24;

    Q5_1MatrixKernel(Tensor w) {
        super(w);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            float d = f16(o), m = f16(o + 2);
            int qh = data.get(LE_INT, o + 4);
            int p = off + BLOCK * b;
            for (int j = 0; j < 16; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, o + 8 + j) & 0xFF;
                int lo = (q & 0x0F) | (((qh >>> j) & 1) << 4);
                int hi = (q >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
                dst[p + j] = d * lo + m;
                dst[p + j + 16] = d * hi + m;
            }
        }
    }
}
