package io.github.lfm4j.model.quant;

import static io.github.lfm4j.model.quant.Quantizer.putInt;
import static io.github.lfm4j.model.quant.Quantizer.putShort;
import static io.github.lfm4j.model.quant.Quantizer.toF16;

/**
 * ggml's reference quantizers for the 32-value blocks ({@code quantize_row_q8_0_ref}, {@code q4_0}, {@code q4_1},
 * {@code q5_0}, {@code q5_1}), with the same float operations in the same order, so the bytes are identical.
 * The casts mirror C's: {@code (int8_t)(x + 8.5f)} truncates toward zero, like Java's {@code (int)}.
 */
final class LegacyQuant {
    private LegacyQuant() {}

    /** Scale = amax/127, q = roundf(x/scale) (C roundf: half away from zero). */
    static void q8_0(float[] x, int xo, int n, byte[] y, int yo) {
        for (int b = 0; b < n / 32; b++, xo += 32, yo += 34) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                float a = Math.abs(x[xo + j]);
                amax = amax > a ? amax : a; // ggml's MAX macro, kept literally for NaN behaviour
            }
            float d = amax / ((1 << 7) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            putShort(y, yo, toF16(d));
            for (int j = 0; j < 32; j++) y[yo + 2 + j] = (byte) roundf(x[xo + j] * id);
        }
    }

    /** Scale = (value of largest magnitude)/-8 so that value maps exactly to -8; q = min(15, trunc(x/scale + 8.5)). */
    static void q4_0(float[] x, int xo, int n, byte[] y, int yo) {
        for (int b = 0; b < n / 32; b++, xo += 32, yo += 18) {
            float max = signedAbsMax(x, xo);
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            putShort(y, yo, toF16(d));
            for (int j = 0; j < 16; j++) {
                int xi0 = Math.min(15, (int) (x[xo + j] * id + 8.5f));
                int xi1 = Math.min(15, (int) (x[xo + 16 + j] * id + 8.5f));
                y[yo + 2 + j] = (byte) (xi0 | xi1 << 4);
            }
        }
    }

    /** d = (max - min)/15, m = min; q = min(15, trunc((x - min)/d + 0.5)). */
    static void q4_1(float[] x, int xo, int n, byte[] y, int yo) {
        for (int b = 0; b < n / 32; b++, xo += 32, yo += 20) {
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (int j = 0; j < 32; j++) {
                float v = x[xo + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / ((1 << 4) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            putShort(y, yo, toF16(d));
            putShort(y, yo + 2, toF16(min));
            for (int j = 0; j < 16; j++) {
                int xi0 = Math.min(15, (int) ((x[xo + j] - min) * id + 0.5f));
                int xi1 = Math.min(15, (int) ((x[xo + 16 + j] - min) * id + 0.5f));
                y[yo + 4 + j] = (byte) (xi0 | xi1 << 4);
            }
        }
    }

    /** As q4_0 with 5 bits: scale = max/-16, q = min(31, trunc(x/scale + 16.5)); bit 4 of value i goes to qh bit i. */
    static void q5_0(float[] x, int xo, int n, byte[] y, int yo) {
        for (int b = 0; b < n / 32; b++, xo += 32, yo += 22) {
            float max = signedAbsMax(x, xo);
            float d = max / -16;
            float id = d != 0 ? 1.0f / d : 0.0f;
            putShort(y, yo, toF16(d));
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                int xi0 = Math.min(31, (int) (x[xo + j] * id + 16.5f));
                int xi1 = Math.min(31, (int) (x[xo + 16 + j] * id + 16.5f));
                y[yo + 6 + j] = (byte) ((xi0 & 0x0F) | (xi1 & 0x0F) << 4);
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + 16);
            }
            putInt(y, yo + 2, qh);
        }
    }

    /** As q4_1 with 5 bits: d = (max - min)/31; ggml does not clamp here (the rounding cannot exceed 31). */
    static void q5_1(float[] x, int xo, int n, byte[] y, int yo) {
        for (int b = 0; b < n / 32; b++, xo += 32, yo += 24) {
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (int j = 0; j < 32; j++) {
                float v = x[xo + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / ((1 << 5) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            putShort(y, yo, toF16(d));
            putShort(y, yo + 2, toF16(min));
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                int xi0 = ((int) ((x[xo + j] - min) * id + 0.5f)) & 0xFF;
                int xi1 = ((int) ((x[xo + 16 + j] - min) * id + 0.5f)) & 0xFF;
                y[yo + 8 + j] = (byte) ((xi0 & 0x0F) | (xi1 & 0x0F) << 4);
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + 16);
            }
            putInt(y, yo + 4, qh);
        }
    }

    /** The value of largest magnitude (the first one on ties), keeping its sign. */
    private static float signedAbsMax(float[] x, int xo) {
        float amax = 0, max = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[xo + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max;
    }

    /** C's roundf: halfway cases away from zero (Math.round would send -2.5 to -2). Exact in double for floats. */
    static float roundf(float v) {
        double r = Math.floor(Math.abs((double) v) + 0.5);
        return (float) Math.copySign(r, v);
    }
}
