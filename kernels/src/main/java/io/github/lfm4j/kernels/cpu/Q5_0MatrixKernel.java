package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.ValueLayout;

/**
 * Q5_0: blocks of 32 stored as {@code {f16 d; uint8 qh[4]; uint8 qs[16]}} (22 bytes). The low 4 bits come from the
 * nibbles as in Q4_0, bit 4 of weight j from bit j of the little-endian 32-bit {@code qh}; weight = d·(q − 16).
 */
final class Q5_0MatrixKernel extends RowDecodingKernel {
    private static final int BLOCK = 32, BLOCK_BYTES = 22;

    Q5_0MatrixKernel(Tensor w) {
        super(w);
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
