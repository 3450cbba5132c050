package io.github.lfm4j.model.quant;

import static io.github.lfm4j.model.quant.KQuantSearch.makeQ3Quants;
import static io.github.lfm4j.model.quant.KQuantSearch.makeQkx2Quants;
import static io.github.lfm4j.model.quant.KQuantSearch.nearestInt;
import static io.github.lfm4j.model.quant.Quantizer.putShort;
import static io.github.lfm4j.model.quant.Quantizer.toF16;

/**
 * ggml's reference quantizers for the 2- and 3-bit K-quants ({@code quantize_row_q2_K_ref}, {@code q3_K}): sixteen
 * 16-value sub-blocks per 256-value super-block, each with a 4-bit scale and min (Q2_K) or a 6-bit signed scale
 * (Q3_K) against f16 super-scales; the values are then re-quantized against the rounded scales. Both store the
 * low two bits of value {@code 32*j + l} of each 128-value half in bits {@code 2j..2j+1} of byte {@code l} of that
 * half's 32 bytes (see {@link KDequant#q2K}, {@link KDequant#q3K}).
 */
final class LowBitKQuant {
    private LowBitKQuant() {}

    private static final int QK_K = 256;

    /** block_q2_K: scales[16] (scale | min << 4), qs[64], f16 d, f16 dmin; x ~ d*scale*q - dmin*min, q in 0..3. */
    static void q2K(float[] x, int xo, int n, byte[] y, int yo) {
        byte[] L = new byte[QK_K];
        byte[] laux = new byte[16];
        float[] weights = new float[16];
        float[] mins = new float[16], scales = new float[16];
        float[] theMin = new float[1];
        for (int b = 0; b < n / QK_K; b++, xo += QK_K, yo += 84) {
            float maxScale = 0, maxMin = 0; // the min is subtracted, so scales come out positive
            for (int j = 0; j < 16; j++) {
                int s = xo + 16 * j;
                for (int l = 0; l < 16; l++) weights[l] = Math.abs(x[s + l]);
                // absolute rather than squared errors (use_mad): with 4 levels, squares let outliers pick the scale
                scales[j] = makeQkx2Quants(16, 3, x, s, weights, L, 16 * j, theMin, laux, -0.5f, 0.1f, 15, true);
                mins[j] = theMin[0];
                if (scales[j] > maxScale) maxScale = scales[j];
                if (mins[j] > maxMin) maxMin = mins[j];
            }
            int sc = yo;
            short dBits = toF16(0.f), dminBits = toF16(0.f);
            for (int j = 0; j < 16; j++) y[sc + j] = 0;
            if (maxScale > 0) {
                float iscale = 15.f / maxScale;
                for (int j = 0; j < 16; j++) y[sc + j] = (byte) nearestInt(iscale * scales[j]);
                dBits = toF16(maxScale / 15.f);
            }
            if (maxMin > 0) {
                float iscale = 15.f / maxMin;
                for (int j = 0; j < 16; j++) y[sc + j] = (byte) (y[sc + j] | nearestInt(iscale * mins[j]) << 4);
                dminBits = toF16(maxMin / 15.f);
            }
            putShort(y, yo + 80, dBits);
            putShort(y, yo + 82, dminBits);
            float dAll = Float.float16ToFloat(dBits), dminAll = Float.float16ToFloat(dminBits);
            for (int j = 0; j < 16; j++) {
                float d = dAll * (y[sc + j] & 0xF);
                if (d == 0) continue;
                float dm = dminAll * ((y[sc + j] & 0xFF) >>> 4);
                for (int ii = 0; ii < 16; ii++) {
                    int l = nearestInt((x[xo + 16 * j + ii] + dm) / d);
                    L[16 * j + ii] = (byte) Math.max(0, Math.min(3, l));
                }
            }
            packLowBits(L, y, yo + 16);
        }
    }

    /**
     * block_q3_K: hmask[32], qs[64], scales[12] (sixteen 6-bit scales + 32), f16 d; x ~ d*(scale-32)*(q-4), q in
     * 0..7 with its bit 2 in hmask (set: no -4).
     */
    static void q3K(float[] x, int xo, int n, byte[] y, int yo) {
        byte[] L = new byte[QK_K];
        float[] scales = new float[16];
        for (int b = 0; b < n / QK_K; b++, xo += QK_K, yo += 110) {
            float maxScale = 0, amax = 0; // the scale of largest magnitude, with its sign
            for (int j = 0; j < 16; j++) {
                scales[j] = makeQ3Quants(16, 4, x, xo + 16 * j, L, 16 * j);
                float a = Math.abs(scales[j]);
                if (a > amax) {
                    amax = a;
                    maxScale = scales[j];
                }
            }
            int sc = yo + 96;
            for (int k = 0; k < 12; k++) y[sc + k] = 0;
            short dBits = toF16(0.f);
            if (maxScale != 0) {
                float iscale = -32.f / maxScale;
                for (int j = 0; j < 16; j++) {
                    int l = Math.max(-32, Math.min(31, (byte) nearestInt(iscale * scales[j]))) + 32; // C: int8_t first
                    if (j < 8) y[sc + j] = (byte) (l & 0xF);
                    else y[sc + j - 8] |= (byte) ((l & 0xF) << 4);
                    y[sc + 8 + j % 4] |= (byte) ((l >> 4) << (2 * (j / 4)));
                }
                dBits = toF16(1 / iscale);
            }
            putShort(y, yo + 108, dBits);
            float dAll = Float.float16ToFloat(dBits);
            for (int j = 0; j < 16; j++) {
                int low = j < 8 ? y[sc + j] & 0xF : (y[sc + j - 8] & 0xFF) >>> 4;
                int s = (low | ((y[sc + 8 + j % 4] >> (2 * (j / 4))) & 3) << 4) - 32;
                float d = dAll * s;
                if (d == 0) continue;
                for (int ii = 0; ii < 16; ii++) {
                    int l = nearestInt(x[xo + 16 * j + ii] / d);
                    L[16 * j + ii] = (byte) (Math.max(-4, Math.min(3, l)) + 4);
                }
            }
            // bit 2 of value j goes to bit j/32 of hmask[j % 32]
            int hm = yo;
            for (int k = 0; k < 32; k++) y[hm + k] = 0;
            for (int j = 0; j < QK_K; j++) {
                if (L[j] > 3) {
                    y[hm + j % 32] |= (byte) (1 << (j / 32));
                    L[j] -= 4;
                }
            }
            packLowBits(L, y, yo + 32);
        }
    }

    /** Four 2-bit levels a byte: byte l of half h holds values 128h + l, +32, +64, +96 in bits 0-1, 2-3, 4-5, 6-7. */
    private static void packLowBits(byte[] L, byte[] y, int qs) {
        for (int h = 0; h < QK_K; h += 128, qs += 32) {
            for (int l = 0; l < 32; l++) {
                y[qs + l] = (byte) (L[h + l] | L[h + l + 32] << 2 | L[h + l + 64] << 4 | L[h + l + 96] << 6);
            }
        }
    }
}
