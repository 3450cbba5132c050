package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.ValueLayout;

/**
 * Q3_K: super-blocks of 256 stored as {@code {uint8 hmask[32]; uint8 qs[64]; uint8 scales[12]; f16 d}} (110 bytes):
 * sixteen sub-blocks of 16, each with a signed 6-bit scale (stored + 32); weight = d·(scale − 32)·(q − 4) with q a
 * 3-bit value whose top bit is in {@code hmask}. Value {@code 32j + l} of half h (j = 0..3, l = 0..31) has its low
 * two bits in bits {@code 2j..2j+1} of {@code qs[32h + l]} and its top bit in bit {@code 4h + j} of
 * {@code hmask[l]}; its sub-block is {@code 8h + 2j + l/16}. Scale s keeps its low 4 bits in the low nibble of
 * byte s (s < 8) or the high nibble of byte s − 8, and its top 2 bits in bits {@code 2(s/4)..} of byte
 * {@code 8 + s%4}.
 * <p>
 * Only the row decoding is specific: matvec and matmul are {@link RowDecodingKernel}'s decode-then-dot (a rarely
 * used type, kept simple; an int8 fused dot like Q4_K's would be the next step if Q3_K files matter for speed).
 */
final class Q3_KMatrixKernel extends RowDecodingKernel {
    private static final int BLOCK = 256, BLOCK_BYTES = 110;

    Q3_KMatrixKernel(Tensor w) {
        super(w);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            float d = f16(o + 108);
            long scales = o + 96;
            int p = off + BLOCK * b;
            for (int half = 0; half < 2; half++) {
                long qs = o + 32 + 32L * half;
                for (int j = 0; j < 4; j++) {
                    int shift = 2 * j, top = 1 << (4 * half + j);
                    for (int part = 0; part < 2; part++) {
                        int s = 8 * half + 2 * j + part;
                        int low = s < 8 ? u8(scales + s) & 0x0F : u8(scales + s - 8) >>> 4;
                        int scale = (low | ((u8(scales + 8 + s % 4) >>> (2 * (s / 4))) & 3) << 4) - 32;
                        float dl = d * scale;
                        for (int l = 16 * part; l < 16 * part + 16; l++) {
                            int q = (u8(qs + l) >>> shift) & 3;
                            dst[p++] = dl * (q - ((u8(o + l) & top) != 0 ? 0 : 4));
                        }
                    }
                }
            }
        }
    }

    private int u8(long at) {
        return data.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }
}
