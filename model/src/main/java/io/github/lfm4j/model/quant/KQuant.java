package io.github.lfm4j.model.quant;

import static io.github.lfm4j.model.quant.KQuantSearch.GROUP_MAX_EPS;
import static io.github.lfm4j.model.quant.KQuantSearch.makeQkx2Quants;
import static io.github.lfm4j.model.quant.KQuantSearch.makeQxQuants;
import static io.github.lfm4j.model.quant.KQuantSearch.nearestInt;
import static io.github.lfm4j.model.quant.Quantizer.putShort;
import static io.github.lfm4j.model.quant.Quantizer.toF16;

/**
 * ggml's reference K-quant quantizers ({@code quantize_row_q4_K_ref}, {@code q5_K}, {@code q6_K}): per 256-value
 * super-block, find a scale (and min) per sub-block, quantize those to 6 (Q4_K/Q5_K) or 8 (Q6_K) bits against one
 * f16 super-scale, then re-quantize the values against the rounded sub-block scales.
 */
final class KQuant {
    private KQuant() {}

    private static final int QK_K = 256;

    static void q4K(float[] x, int xo, int n, byte[] y, int yo) {
        q45K(x, xo, n, y, yo, false);
    }

    static void q5K(float[] x, int xo, int n, byte[] y, int yo) {
        q45K(x, xo, n, y, yo, true);
    }

    /** Q4_K and Q5_K share everything but the level count (15 or 31), the search range and the bit packing. */
    private static void q45K(float[] x, int xo, int n, byte[] y, int yo, boolean five) {
        int nmax = five ? 31 : 15;
        int blockBytes = five ? 176 : 144;
        byte[] L = new byte[QK_K];
        byte[] laux = new byte[32];
        float[] weights = new float[32];
        float[] mins = new float[8], scales = new float[8];
        float[] theMin = new float[1];
        for (int b = 0; b < n / QK_K; b++, xo += QK_K, yo += blockBytes) {
            float maxScale = 0, maxMin = 0;
            for (int j = 0; j < 8; j++) {
                int s = xo + 32 * j;
                float sumX2 = 0;
                for (int l = 0; l < 32; l++) sumX2 += x[s + l] * x[s + l];
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(x[s + l]);
                scales[j] = five
                        ? makeQkx2Quants(32, 31, x, s, weights, L, 32 * j, theMin, laux, -0.5f, 0.1f, 15, false)
                        : makeQkx2Quants(32, 15, x, s, weights, L, 32 * j, theMin, laux, -1.f, 0.1f, 20, false);
                mins[j] = theMin[0];
                if (scales[j] > maxScale) maxScale = scales[j];
                if (mins[j] > maxMin) maxMin = mins[j];
            }
            float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
            float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
            int sc = yo + 4; // 12 packed scale bytes, see KDequant.scaleMinK4
            for (int k = 0; k < 12; k++) y[sc + k] = 0;
            for (int j = 0; j < 8; j++) {
                int ls = Math.min(63, nearestInt(invScale * scales[j]) & 0xFF); // C stores into uint8_t first
                int lm = Math.min(63, nearestInt(invMin * mins[j]) & 0xFF);
                if (j < 4) {
                    y[sc + j] = (byte) ls;
                    y[sc + j + 4] = (byte) lm;
                } else {
                    y[sc + j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                    y[sc + j - 4] |= (byte) ((ls >> 4) << 6);
                    y[sc + j] |= (byte) ((lm >> 4) << 6);
                }
            }
            short dBits = toF16(maxScale / 63.f), dminBits = toF16(maxMin / 63.f);
            putShort(y, yo, dBits);
            putShort(y, yo + 2, dminBits);
            float dAll = Float.float16ToFloat(dBits), dminAll = Float.float16ToFloat(dminBits);
            for (int j = 0; j < 8; j++) {
                int sm = scaleMinK4(y, sc, j);
                float d = dAll * (sm & 0xFF);
                if (d == 0) continue;
                float dm = dminAll * (sm >>> 8);
                for (int ii = 0; ii < 32; ii++) {
                    int l = nearestInt((x[xo + 32 * j + ii] + dm) / d);
                    L[32 * j + ii] = (byte) Math.max(0, Math.min(nmax, l));
                }
            }
            if (five) {
                int qh = yo + 16, ql = yo + 48;
                for (int k = 0; k < 32; k++) y[qh + k] = 0;
                int m1 = 1, m2 = 2;
                for (int s = 0; s < QK_K; s += 64, m1 <<= 2, m2 <<= 2, ql += 32) {
                    for (int j = 0; j < 32; j++) {
                        int l1 = L[s + j], l2 = L[s + j + 32];
                        if (l1 > 15) {
                            l1 -= 16;
                            y[qh + j] |= (byte) m1;
                        }
                        if (l2 > 15) {
                            l2 -= 16;
                            y[qh + j] |= (byte) m2;
                        }
                        y[ql + j] = (byte) (l1 | (l2 << 4));
                    }
                }
            } else {
                int q = yo + 16;
                for (int s = 0; s < QK_K; s += 64, q += 32) {
                    for (int l = 0; l < 32; l++) y[q + l] = (byte) (L[s + l] | (L[s + l + 32] << 4));
                }
            }
        }
    }

    private static int scaleMinK4(byte[] q, int at, int j) {
        int sc, m;
        if (j < 4) {
            sc = q[at + j] & 63;
            m = q[at + j + 4] & 63;
        } else {
            sc = (q[at + j + 4] & 0xF) | (((q[at + j - 4] & 0xFF) >>> 6) << 4);
            m = ((q[at + j + 4] & 0xFF) >>> 4) | (((q[at + j] & 0xFF) >>> 6) << 4);
        }
        return sc | m << 8;
    }

    /** block_q6_K: ql[128], qh[64], int8 scales[16], f16 d; 16-value sub-blocks, 6-bit levels stored as q + 32. */
    static void q6K(float[] x, int xo, int n, byte[] y, int yo) {
        byte[] L = new byte[QK_K];
        float[] scales = new float[16];
        for (int b = 0; b < n / QK_K; b++, xo += QK_K, yo += 210) {
            float maxScale = 0, maxAbsScale = 0;
            for (int ib = 0; ib < 16; ib++) {
                float scale = makeQxQuants(16, 32, x, xo + 16 * ib, L, 16 * ib);
                scales[ib] = scale;
                float abs = Math.abs(scale);
                if (abs > maxAbsScale) {
                    maxAbsScale = abs;
                    maxScale = scale;
                }
            }
            if (maxAbsScale < GROUP_MAX_EPS) {
                java.util.Arrays.fill(y, yo, yo + 210, (byte) 0);
                continue;
            }
            float iscale = -128.f / maxScale;
            short dBits = toF16(1 / iscale);
            for (int ib = 0; ib < 16; ib++) y[yo + 192 + ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
            putShort(y, yo + 208, dBits);
            float dAll = Float.float16ToFloat(dBits);
            for (int j = 0; j < 16; j++) {
                float d = dAll * y[yo + 192 + j];
                if (d == 0) continue;
                for (int ii = 0; ii < 16; ii++) {
                    int l = nearestInt(x[xo + 16 * j + ii] / d);
                    L[16 * j + ii] = (byte) (Math.max(-32, Math.min(31, l)) + 32);
                }
            }
            int ql = yo, qh = yo + 128;
            for (int s = 0; s < QK_K; s += 128, ql += 64, qh += 32) {
                for (int l = 0; l < 32; l++) {
                    int a = L[s + l], bq = L[s + l + 32], c = L[s + l + 64], e = L[s + l + 96];
                    y[ql + l] = (byte) ((a & 0xF) | ((c & 0xF) << 4));
                    y[ql + l + 32] = (byte) ((bq & 0xF) | ((e & 0xF) << 4));
                    y[qh + l] = (byte) ((a >> 4) | ((bq >> 4) << 2) | ((c >> 4) << 4) | ((e >> 4) << 6));
                }
            }
        }
    }
}
