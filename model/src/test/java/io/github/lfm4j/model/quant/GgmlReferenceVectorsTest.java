package io.github.lfm4j.model.quant;

import io.github.lfm4j.model.gguf.GGMLType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Bit-exact parity with ggml: the vectors under {@code quant/ggml-ref/} were produced by ggml's own
 * {@code quantize_row_*_ref}, {@code dequantize_row_*} and float conversions (see the README there).
 */
class GgmlReferenceVectorsTest {

    static byte[] resource(String name) {
        try (InputStream in = GgmlReferenceVectorsTest.class.getResourceAsStream("/quant/ggml-ref/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] floats(byte[] b) {
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    private static String fileName(GGMLType t) {
        String n = t.name().toLowerCase();
        return n.endsWith("_k") ? n.substring(0, n.length() - 2) + "_K" : n;
    }

    @ParameterizedTest
    @EnumSource(value = GGMLType.class, names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void quantizerMatchesGgmlReferenceBytes(GGMLType type) {
        float[] input = floats(resource("input.f32"));
        byte[] expected = resource(fileName(type) + ".bin");
        byte[] actual = Quantizer.quantize(type, input);
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                int block = i / type.typeSize;
                throw new AssertionError(type + ": byte " + i + " (block " + block + ", byte " + (i % type.typeSize)
                        + ") is " + (actual[i] & 0xFF) + ", ggml wrote " + (expected[i] & 0xFF));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GGMLType.class, names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void dequantizerMatchesGgmlBitForBit(GGMLType type) {
        byte[] blocks = resource(fileName(type) + ".bin");
        float[] expected = floats(resource(fileName(type) + ".deq.f32"));
        float[] actual = new float[expected.length];
        Dequantizer.dequantize(type, MemorySegment.ofArray(blocks), 0, actual, 0, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    () -> type + " value mismatch");
        }
    }

    @Test
    void halfAndBfloatConversionsMatchGgml() {
        int[] in = new int[4096];
        ByteBuffer.wrap(resource("conv.in.u32")).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(in);
        short[] f16 = new short[4096], bf16 = new short[4096];
        ByteBuffer.wrap(resource("conv.f16.u16")).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(f16);
        ByteBuffer.wrap(resource("conv.bf16.u16")).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(bf16);
        for (int i = 0; i < in.length; i++) {
            float f = Float.intBitsToFloat(in[i]);
            int idx = i;
            assertEquals(f16[i], Quantizer.toF16(f), () -> "f16 of bits " + Integer.toHexString(in[idx]));
            assertEquals(bf16[i], Quantizer.toBf16(f), () -> "bf16 of bits " + Integer.toHexString(in[idx]));
        }
        // and through the row API
        float[] floats = new float[4096];
        for (int i = 0; i < 4096; i++) floats[i] = Float.intBitsToFloat(in[i]);
        byte[] expected = new byte[8192];
        ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(bf16);
        assertArrayEquals(expected, Quantizer.quantize(GGMLType.BF16, floats));
    }
}
