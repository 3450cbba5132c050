package io.github.lfm4j.model.quant;

import io.github.lfm4j.model.gguf.GGMLType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Properties of the quantizers that hold whatever ggml does: error bounds, offsets, argument checks. */
class QuantizerTest {

    /** Worst-case |x - dequant(quant(x))| relative to the block's absolute maximum. */
    @ParameterizedTest
    @EnumSource(value = GGMLType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void roundTripErrorIsWithinTheFormatsResolution(GGMLType type) {
        Random r = new Random(7);
        int n = 2048;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * 0.05);
        float[] back = new float[n];
        Dequantizer.dequantize(type, MemorySegment.ofArray(Quantizer.quantize(type, x)), 0, back, 0, n);
        double bound = switch (type) {
            case F32 -> 0;
            case F16 -> 1.0 / 2048;     // relative, 11-bit significand
            case BF16 -> 1.0 / 256;     // relative, 8-bit significand
            case Q8_0 -> 0.5 / 127 + 1e-3;
            // symmetric types: step amax/8 (amax/16), and the end opposite the largest magnitude is clipped by a
            // full step; asymmetric ones: half a step of (max - min)/15 (/31). Plus f16 rounding of the scales.
            case Q4_0 -> 1.0 / 8 + 1e-2;
            case Q5_0 -> 1.0 / 16 + 1e-2;
            case Q4_1 -> 1.0 / 15 + 1e-2;
            case Q5_1 -> 1.0 / 31 + 1e-2;
            // Q2_K: half a step of (max - min)/3 <= 2*amax/3, plus the clipping its absolute-error search accepts
            // and 4-bit sub-block scales (0.35 measured on 50 seeds). Q3_K: levels -4..3, so the side opposite the
            // largest magnitude ends at 3/4 of it; plus 6-bit scales (0.22 measured)
            case Q2_K -> 0.45;
            case Q3_K -> 0.3;
            case Q4_K -> 0.15;          // 6-bit sub-block scales on top of 4-bit levels
            case Q5_K -> 0.08;
            case Q6_K -> 0.04;
            default -> throw new AssertionError();
        };
        int bs = Math.max(type.blockSize, 32);
        for (int b = 0; b < n / bs; b++) {
            double amax = 0;
            for (int i = 0; i < bs; i++) amax = Math.max(amax, Math.abs(x[b * bs + i]));
            for (int i = b * bs; i < (b + 1) * bs; i++) {
                double err = Math.abs(x[i] - back[i]);
                // float types: relative to the value, and half the f16 subnormal spacing 2^-25 absolute
                double allowed = type == GGMLType.F16 || type == GGMLType.BF16
                        ? Math.max(Math.abs(x[i]) * bound, 0x1p-25) : amax * bound;
                assertTrue(err <= allowed, type + " value " + i + ": " + x[i] + " came back as " + back[i]);
            }
        }
    }

    @Test
    void q4_0MapsTheLargestMagnitudeExactlyToMinus8() {
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) x[i] = (i - 10) * 0.1f;
        x[5] = -4.0f; // largest magnitude, negative: d = -4 / -8 = 0.5, value -> level 0 (q - 8 = -8)
        byte[] q = Quantizer.quantize(GGMLType.Q4_0, x);
        assertEquals(Float.floatToFloat16(0.5f), (short) ((q[0] & 0xFF) | q[1] << 8));
        assertEquals(0, q[2 + 5] & 0x0F);
        // 2.1 / 0.5 = 4.2 -> trunc(4.2 + 8.5) = 12
        assertEquals(12, (q[2 + 15] >> 4) & 0x0F); // element 31 is (31 - 10) * 0.1
    }

    @Test
    void q8_0RoundsHalfwayAwayFromZeroLikeCRoundf() {
        float[] x = new float[32];
        x[0] = 127f;   // d = 1
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 0.49999997f;
        byte[] q = Quantizer.quantize(GGMLType.Q8_0, x);
        assertEquals(127, q[2]);
        assertEquals(3, q[3]);
        assertEquals(-3, q[4]);
        assertEquals(0, q[5]);
    }

    @Test
    void allZeroBlocksEncodeAsZeros() {
        for (GGMLType t : new GGMLType[]{GGMLType.Q8_0, GGMLType.Q4_1, GGMLType.Q5_1, GGMLType.Q2_K, GGMLType.Q3_K,
                GGMLType.Q4_K, GGMLType.Q5_K, GGMLType.Q6_K}) {
            float[] back = new float[256];
            Dequantizer.dequantize(t, MemorySegment.ofArray(Quantizer.quantize(t, new float[256])), 0, back, 0, 256);
            for (float v : back) assertEquals(0f, v, 0f, t.name()); // ggml's Q6_K gives -0.0 here: 0 * (0 - 32)
        }
    }

    @Test
    void writesAtOffsetsAndReturnsByteCount() {
        float[] x = new float[40];
        for (int i = 0; i < 40; i++) x[i] = i * 0.01f;
        byte[] dst = new byte[5 + 34];
        assertEquals(34, Quantizer.quantize(GGMLType.Q8_0, x, 8, 32, dst, 5));
        float[] expectedSrc = java.util.Arrays.copyOfRange(x, 8, 40);
        byte[] alone = Quantizer.quantize(GGMLType.Q8_0, expectedSrc);
        assertArrayEquals(alone, java.util.Arrays.copyOfRange(dst, 5, 39));
        assertArrayEquals(new byte[5], java.util.Arrays.copyOfRange(dst, 0, 5));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(GGMLType.Q4_0, new float[33]));
        assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(GGMLType.Q4_K, new float[128]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(GGMLType.IQ4_XS, new float[256]));
        assertEquals("lfm4j cannot quantize to IQ4_XS", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Quantizer.quantize(GGMLType.Q8_0, new float[32], 0, 32, new byte[33], 0));
    }
}
