package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.ValueLayout;

/**
 * Q2_K: super-blocks of 256 stored as {@code {uint8 scales[16]; uint8 qs[64]; f16 d; f16 dmin}} (84 bytes): sixteen
 * sub-blocks of 16, each with a 4-bit scale (low nibble of its {@code scales} byte) and 4-bit min (high nibble);
 * weight = d·scale·q − dmin·min with q in 0..3. Each 128-value half has 32 {@code qs} bytes: its values
 * {@code 32j + l} (j = 0..3, l = 0..31) are bits {@code 2j..2j+1} of byte l, in sub-block {@code 2j + l/16}.
 * <p>
 * Only the row decoding is specific: matvec and matmul are {@link RowDecodingKernel}'s decode-then-dot (a rarely
 * used type, kept simple; an int8 fused dot like Q4_K's would be the next step if Q2_K files matter for speed).
 */
final class Q2_KMatrixKernel extends RowDecodingKernel {
    private static final int BLOCK = 256, BLOCK_BYTES = 84;

    Q2_KMatrixKernel(Tensor w) {
        super(w);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            float d = f16(o + 80), dmin = f16(o + 82);
            int p = off + BLOCK * b;
            for (int half = 0; half < 2; half++) {
                long qs = o + 16 + 32L * half;
                for (int j = 0; j < 4; j++) {
                    int shift = 2 * j;
                    for (int part = 0; part < 2; part++) {
                        int sc = u8(o + 8 * half + 2 * j + part);
                        float dl = d * (sc & 0x0F), ml = dmin * (sc >>> 4);
                        long q = qs + 16 * part;
                        for (int l = 0; l < 16; l++) dst[p++] = dl * ((u8(q + l) >>> shift) & 3) - ml;
                    }
                }
            }
        }
    }

    private int u8(long at) {
        return data.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }
}
