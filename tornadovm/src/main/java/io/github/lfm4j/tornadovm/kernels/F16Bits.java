package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.math.TornadoMath;

/**
 * IEEE half-precision bits to float with integer operations and exact power-of-two scaling only, so kernels can
 * read ggml's F16 weights on devices without fp16 support (PoCL has no {@code cl_khr_fp16}; TornadoVM's OpenCL
 * backend cannot reinterpret int bits as a float either). A device with native fp16 could keep the weights in a
 * {@code HalfFloatArray} instead; that path is not built because no such device is available to test it on.
 *
 * <p>A half is {@code sign · m · 2^(e - 25)} with {@code m = 1024 + mantissa} for exponents 1..30 and
 * {@code sign · mantissa · 2^-24} for subnormals; every such product is exact in float. Exponent 31 is ±infinity
 * (mantissa 0) or NaN, produced at run time by overflow and by the square root of a negative number (TornadoVM writes a constant
 * NaN as {@code NaNF}, which OpenCL C does not know).
 */
public final class F16Bits {
    private F16Bits() {}

    /** The float value of the half whose bits are the low 16 bits of {@code bits}. */
    public static float toFloat(int bits) {
        int h = bits & 0xFFFF;
        int exp = (h >> 10) & 0x1F;
        int mant = h & 0x3FF;
        float v;
        if (exp == 0) {
            v = (float) mant * 5.9604645e-8f; // 2^-24
        } else if (exp < 31) {
            int m = mant | 0x400;
            if (exp >= 25) {
                v = (float) (m << (exp - 25));
            } else {
                v = (float) m / (float) (1 << (25 - exp));
            }
        } else {
            // run-time overflow and sqrt of a negative: Graal folds constant NaNs into an identifier OpenCL lacks
            v = mant == 0 ? (float) (mant + 1024) * 1e30f * 1e30f : TornadoMath.sqrt(-(float) mant);
        }
        return (h & 0x8000) != 0 ? -v : v;
    }

    /**
     * The float value of a finite half (exponent below 31; the K-quant super-block scales): the same value as
     * {@link #toFloat} without its branches. PoCL runs a work-group's work-items as vector lanes, and branches whose
     * direction differs between lanes (these on the exponent's range, with the K-quant scale table's) made the
     * K-quant matvec 2-3x slower than the same arithmetic without them. {@code m · 2^(e-25)} with {@code m} including the implicit bit and
     * {@code e} at least 1 (subnormals: {@code mantissa · 2^-24}), built from exact powers of two; the sign is
     * applied in float (an int ±1 from these bits would be typed unsigned by TornadoVM: see KQuantBlocks). An infinite
     * or NaN half gives a finite wrong value.
     */
    public static float finiteToFloat(int bits) {
        int h = bits & 0xFFFF;
        int exp = (h >> 10) & 0x1F;
        int normal = (exp + 31) >> 5; // 1 for exponents 1..31, 0 for 0 (subnormals and zero)
        int m = (h & 0x3FF) | (normal << 10);
        float scale = (float) (1 << (exp - normal)) * 5.9604645e-8f; // 2^(max(exp, 1) - 1) · 2^-24
        return (float) m * scale * (1f - (float) ((h >> 14) & 2));
    }
}
