package io.github.lfm4j.model.quant;

import io.github.lfm4j.model.gguf.GGMLType;

/**
 * Encodes floats into ggml tensor formats, bit-exact with ggml's reference quantizers ({@code quantize_row_*_ref}
 * in ggml-quants.c, {@code GGML_FP32_TO_FP16} and {@code ggml_compute_fp32_to_bf16} for the float types). These are
 * what llama-quantize runs when no importance matrix is given: ggml's {@code quantize_q4_0}, {@code quantize_q4_K},
 * etc. call them whenever {@code quant_weights} is null. Parity holds for ggml compiled without fused multiply-add
 * contraction (plain IEEE float arithmetic, which is what Java does); a build that lets the C compiler fuse
 * {@code a*b+c} can differ in rare rounding ties.
 *
 * <p>Used to write model files (the synthetic generator) and by tests; the inference path never quantizes weights.
 */
public final class Quantizer {
    private Quantizer() {}

    /** Types {@link #quantize} can produce. */
    public static boolean canQuantize(GGMLType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> true;
            default -> false;
        };
    }

    /**
     * Encodes {@code src[srcOff .. srcOff+n)} as {@code type} into {@code dst} starting at {@code dstOff}.
     * {@code n} must be a multiple of the type's block size (32 for legacy types, 256 for K-quants).
     *
     * @return the number of bytes written, {@code type.byteSize(n)}
     */
    public static int quantize(GGMLType type, float[] src, int srcOff, int n, byte[] dst, int dstOff) {
        if (!canQuantize(type)) throw new IllegalArgumentException("lfm4j cannot quantize to " + type);
        int bytes = Math.toIntExact(type.byteSize(n)); // also checks n against the block size
        if (srcOff < 0 || n < 0 || srcOff + n > src.length || dstOff < 0 || dstOff + bytes > dst.length) {
            throw new IndexOutOfBoundsException("quantize " + n + " values at " + srcOff + " into " + bytes + " bytes at " + dstOff);
        }
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) putInt(dst, dstOff + 4 * i, Float.floatToRawIntBits(src[srcOff + i]));
            }
            case F16 -> {
                for (int i = 0; i < n; i++) putShort(dst, dstOff + 2 * i, toF16(src[srcOff + i]));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) putShort(dst, dstOff + 2 * i, toBf16(src[srcOff + i]));
            }
            case Q8_0 -> LegacyQuant.q8_0(src, srcOff, n, dst, dstOff);
            case Q4_0 -> LegacyQuant.q4_0(src, srcOff, n, dst, dstOff);
            case Q4_1 -> LegacyQuant.q4_1(src, srcOff, n, dst, dstOff);
            case Q5_0 -> LegacyQuant.q5_0(src, srcOff, n, dst, dstOff);
            case Q5_1 -> LegacyQuant.q5_1(src, srcOff, n, dst, dstOff);
            case Q2_K -> LowBitKQuant.q2K(src, srcOff, n, dst, dstOff);
            case Q3_K -> LowBitKQuant.q3K(src, srcOff, n, dst, dstOff);
            case Q4_K -> KQuant.q4K(src, srcOff, n, dst, dstOff);
            case Q5_K -> KQuant.q5K(src, srcOff, n, dst, dstOff);
            case Q6_K -> KQuant.q6K(src, srcOff, n, dst, dstOff);
            default -> throw new AssertionError(type);
        }
        return bytes;
    }

    /** Encodes all of {@code src} into a new array. */
    public static byte[] quantize(GGMLType type, float[] src) {
        byte[] out = new byte[Math.toIntExact(type.byteSize(src.length))];
        quantize(type, src, 0, src.length, out, 0);
        return out;
    }

    /**
     * IEEE half bits of {@code f}, rounded to nearest even, as ggml's GGML_FP32_TO_FP16 (which turns every NaN into
     * the quiet NaN 0x7E00 with the sign kept).
     */
    public static short toF16(float f) {
        if (Float.isNaN(f)) return (short) (((Float.floatToRawIntBits(f) >>> 16) & 0x8000) | 0x7E00);
        return Float.floatToFloat16(f);
    }

    /** bfloat16 bits of {@code f} as ggml_compute_fp32_to_bf16: round to nearest even; NaNs truncated and made quiet. */
    public static short toBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) return (short) ((u >>> 16) | 64);
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
