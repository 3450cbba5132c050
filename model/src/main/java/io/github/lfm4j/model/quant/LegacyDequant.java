package io.github.lfm4j.model.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.github.lfm4j.model.quant.Dequantizer.f16;

/**
 * Dequantization of ggml's 32-value "legacy" blocks with an offset or a fifth bit, as ggml's
 * {@code dequantize_row_q4_1/q5_0/q5_1}. Value j of a block comes from the low nibble of byte j, value j+16 from
 * its high nibble; Q5 types take the fifth bit of value i from bit i of the little-endian uint32 {@code qh}.
 */
final class LegacyDequant {
    private LegacyDequant() {}

    /** block_q4_1: f16 d, f16 m, qs[16]; x = q*d + m. */
    static void q4_1(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / 32; b++) {
            long blk = offset + 20L * b;
            float d = f16(src, blk), m = f16(src, blk + 2);
            int o = dstOffset + 32 * b;
            for (int j = 0; j < 16; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, blk + 4 + j) & 0xFF;
                dst[o + j] = (q & 0x0F) * d + m;
                dst[o + j + 16] = (q >>> 4) * d + m;
            }
        }
    }

    /** block_q5_0: f16 d, qh[4], qs[16]; x = (q - 16)*d with q a 5-bit value. */
    static void q5_0(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / 32; b++) {
            long blk = offset + 22L * b;
            float d = f16(src, blk);
            int qh = src.get(Dequantizer.LE_INT, blk + 2);
            int o = dstOffset + 32 * b;
            for (int j = 0; j < 16; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, blk + 6 + j) & 0xFF;
                int x0 = ((q & 0x0F) | (((qh >>> j) & 1) << 4)) - 16;
                int x1 = ((q >>> 4) | (((qh >>> (j + 16)) & 1) << 4)) - 16;
                dst[o + j] = x0 * d;
                dst[o + j + 16] = x1 * d;
            }
        }
    }

    /** block_q5_1: f16 d, f16 m, qh[4], qs[16]; x = q*d + m with q a 5-bit value. */
    static void q5_1(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / 32; b++) {
            long blk = offset + 24L * b;
            float d = f16(src, blk), m = f16(src, blk + 2);
            int qh = src.get(Dequantizer.LE_INT, blk + 4);
            int o = dstOffset + 32 * b;
            for (int j = 0; j < 16; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, blk + 8 + j) & 0xFF;
                int x0 = (q & 0x0F) | (((qh >>> j) & 1) << 4);
                int x1 = (q >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
                dst[o + j] = x0 * d + m;
                dst[o + j + 16] = x1 * d + m;
            }
        }
    }
}
