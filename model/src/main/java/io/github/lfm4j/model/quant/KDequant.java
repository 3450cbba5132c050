package io.github.lfm4j.model.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.github.lfm4j.model.quant.Dequantizer.f16;

/**
 * Dequantization of ggml's 256-value K-quant super-blocks, as ggml's {@code dequantize_row_q2_K/q3_K/q4_K/q5_K/q6_K}
 * (same float operation order, so results are bit-identical).
 */
final class KDequant {
    private KDequant() {}

    static final int QK_K = 256;

    /**
     * block_q2_K (84 bytes): uint8 scales[16] (low nibble the scale, high nibble the min of one 16-value sub-block),
     * qs[64] (four 2-bit values a byte), f16 d, f16 dmin; x = d*scale*q - dmin*min. Each 128-value half uses 32 qs
     * bytes: its value 32*j + l (j = 0..3) is bits 2j..2j+1 of byte l, and its sub-block is 2j + l/16.
     */
    static void q2K(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / QK_K; b++) {
            long blk = offset + 84L * b;
            float d = f16(src, blk + 80), min = f16(src, blk + 82);
            int y = dstOffset + QK_K * b;
            long q = blk + 16;
            int is = 0;
            for (int half = 0; half < 2; half++, q += 32) {
                for (int shift = 0; shift < 8; shift += 2) {
                    for (int part = 0; part < 2; part++) {
                        int sc = u8(src, blk + is++);
                        float dl = d * (sc & 0xF), ml = min * (sc >>> 4);
                        for (int l = 0; l < 16; l++) dst[y++] = dl * ((u8(src, q + 16 * part + l) >>> shift) & 3) - ml;
                    }
                }
            }
        }
    }

    /**
     * block_q3_K (110 bytes): hmask[32] (the third bit, inverted: set means no -4), qs[64] (low 2 bits, laid out as
     * in Q2_K), scales[12] (sixteen 6-bit scales stored as scale + 32), f16 d; x = d*(scale - 32)*(q - 4*!hbit).
     * Value 32*j + l of half h (j = 0..3) takes its high bit from bit 4h + j of hmask[l].
     */
    static void q3K(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        int[] scales = new int[16];
        for (int b = 0; b < n / QK_K; b++) {
            long blk = offset + 110L * b;
            float dAll = f16(src, blk + 108);
            for (int j = 0; j < 16; j++) scales[j] = q3Scale(src, blk + 96, j) - 32;
            int y = dstOffset + QK_K * b;
            long q = blk + 32, hm = blk;
            int is = 0, m = 1;
            for (int half = 0; half < 2; half++, q += 32) {
                for (int shift = 0; shift < 8; shift += 2, m <<= 1) {
                    for (int part = 0; part < 2; part++) {
                        float dl = dAll * scales[is++];
                        for (int l = 16 * part; l < 16 * part + 16; l++) {
                            int low = (u8(src, q + l) >>> shift) & 3;
                            dst[y++] = dl * (low - ((u8(src, hm + l) & m) != 0 ? 0 : 4));
                        }
                    }
                }
            }
        }
    }

    /**
     * The stored (offset by 32) 6-bit scale j (0..15) of a Q3_K block from its 12 scale bytes: the low 4 bits are
     * the low nibble of byte j (j < 8) or the high nibble of byte j - 8; the top 2 bits are bits 2*(j/4)..+1 of
     * byte 8 + j%4.
     */
    static int q3Scale(MemorySegment src, long scales, int j) {
        int low = j < 8 ? u8(src, scales + j) & 0xF : u8(src, scales + j - 8) >>> 4;
        int high = (u8(src, scales + 8 + j % 4) >>> (2 * (j / 4))) & 3;
        return low | high << 4;
    }

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
