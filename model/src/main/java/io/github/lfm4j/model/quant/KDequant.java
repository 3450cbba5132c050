package io.github.lfm4j.model.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.github.lfm4j.model.quant.Dequantizer.f16;

/**
 * Dequantization of ggml's 256-value K-quant super-blocks, as ggml's {@code dequantize_row_q4_K/q5_K/q6_K}
 * (same float operation order, so results are bit-identical).
 */
final class KDequant {
    private KDequant() {}

    static final int QK_K = 256;

    /**
     * The 6-bit scale and min of sub-block j (0..7) from the 12 packed bytes at {@code scales}, as ggml's
     * get_scale_min_k4: sub-blocks 0-3 keep theirs in the low 6 bits of bytes j and j+4; sub-blocks 4-7 keep the
     * low 4 bits in byte j+4 (scale low nibble, min high nibble) and the top 2 bits in the spare top bits of
     * bytes j-4 (scale) and j (min). Returns {@code scale | min << 8}.
     */
    static int scaleMinK4(int j, MemorySegment src, long scales) {
        int sc, m;
        if (j < 4) {
            sc = u8(src, scales + j) & 63;
            m = u8(src, scales + j + 4) & 63;
        } else {
            sc = (u8(src, scales + j + 4) & 0xF) | ((u8(src, scales + j - 4) >>> 6) << 4);
            m = (u8(src, scales + j + 4) >>> 4) | ((u8(src, scales + j) >>> 6) << 4);
        }
        return sc | m << 8;
    }

    /** block_q4_K (144 bytes): f16 d, f16 dmin, scales[12], qs[128]; x = d*sc*q - dmin*m per 32-value sub-block. */
    static void q4K(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / QK_K; b++) {
            long blk = offset + 144L * b;
            float d = f16(src, blk), min = f16(src, blk + 2);
            long q = blk + 16;
            int y = dstOffset + QK_K * b;
            for (int is = 0; is < 8; is += 2, q += 32) {
                int sm1 = scaleMinK4(is, src, blk + 4), sm2 = scaleMinK4(is + 1, src, blk + 4);
                float d1 = d * (sm1 & 0xFF), m1 = min * (sm1 >>> 8);
                float d2 = d * (sm2 & 0xFF), m2 = min * (sm2 >>> 8);
                for (int l = 0; l < 32; l++) dst[y++] = d1 * (u8(src, q + l) & 0xF) - m1;
                for (int l = 0; l < 32; l++) dst[y++] = d2 * (u8(src, q + l) >>> 4) - m2;
            }
        }
    }

    /** block_q5_K (176 bytes): as q4_K plus qh[32] holding the fifth bit: bit 2k / 2k+1 of qh[l] for sub-blocks 2k / 2k+1. */
    static void q5K(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / QK_K; b++) {
            long blk = offset + 176L * b;
            float d = f16(src, blk), min = f16(src, blk + 2);
            long qh = blk + 16, ql = blk + 48;
            int y = dstOffset + QK_K * b;
            int u1 = 1, u2 = 2;
            for (int is = 0; is < 8; is += 2, ql += 32, u1 <<= 2, u2 <<= 2) {
                int sm1 = scaleMinK4(is, src, blk + 4), sm2 = scaleMinK4(is + 1, src, blk + 4);
                float d1 = d * (sm1 & 0xFF), m1 = min * (sm1 >>> 8);
                float d2 = d * (sm2 & 0xFF), m2 = min * (sm2 >>> 8);
                for (int l = 0; l < 32; l++) {
                    dst[y++] = d1 * ((u8(src, ql + l) & 0xF) + ((u8(src, qh + l) & u1) != 0 ? 16 : 0)) - m1;
                }
                for (int l = 0; l < 32; l++) {
                    dst[y++] = d2 * ((u8(src, ql + l) >>> 4) + ((u8(src, qh + l) & u2) != 0 ? 16 : 0)) - m2;
                }
            }
        }
    }

    /**
     * block_q6_K (210 bytes): ql[128] low 4 bits, qh[64] high 2 bits, int8 scales[16] (one per 16 values), f16 d;
     * x = d*scale*(q - 32). Each 128-value half uses 64 ql bytes, 32 qh bytes and 8 scales.
     */
    static void q6K(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / QK_K; b++) {
            long blk = offset + 210L * b;
            float d = f16(src, blk + 208);
            long ql = blk, qh = blk + 128, sc = blk + 192;
            int y = dstOffset + QK_K * b;
            for (int half = 0; half < 2; half++, y += 128, ql += 64, qh += 32, sc += 8) {
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int h = u8(src, qh + l);
                    int q1 = ((u8(src, ql + l) & 0xF) | ((h & 3) << 4)) - 32;
                    int q2 = ((u8(src, ql + l + 32) & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                    int q3 = ((u8(src, ql + l) >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                    int q4 = ((u8(src, ql + l + 32) >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                    dst[y + l] = d * s8(src, sc + is) * q1;
                    dst[y + l + 32] = d * s8(src, sc + is + 2) * q2;
                    dst[y + l + 64] = d * s8(src, sc + is + 4) * q3;
                    dst[y + l + 96] = d * s8(src, sc + is + 6) * q4;
                }
            }
        }
    }

    private static int u8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    private static int s8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at);
    }
}
