package io.github.lfm4j.model.quant;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Turns ggml-encoded values back into floats, block by block, exactly as ggml's {@code dequantize_row_*} do
 * (bit for bit: same float operations in the same order), for F32, F16, BF16, Q8_0, Q4_0 here and Q4_1, Q5_0, Q5_1
 * ({@link LegacyDequant}), Q2_K, Q3_K, Q4_K, Q5_K, Q6_K ({@link KDequant}).
 * This is the plain, obviously-correct path: the CPU kernels compute dot products on the blocks directly, and are
 * tested against float64 references built from these values.
 */
public final class Dequantizer {
    private Dequantizer() {}

    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Dequantizes {@code n} consecutive values of type {@code type} starting at byte {@code offset} of {@code src}
     * (which must be a block boundary) into {@code dst[dstOffset .. dstOffset+n)}. {@code n} must be a multiple of
     * the type's block size.
     */
    public static void dequantize(GGMLType type, MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        if (n % type.blockSize != 0) throw new IllegalArgumentException(n + " is not a multiple of the " + type + " block size");
        switch (type) {
            case F32 -> MemorySegment.copy(src, LE_FLOAT, offset, dst, dstOffset, n);
            case F16 -> {
                for (int i = 0; i < n; i++) dst[dstOffset + i] = f16(src, offset + 2L * i);
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst[dstOffset + i] = Float.intBitsToFloat((src.get(LE_SHORT, offset + 2L * i) & 0xFFFF) << 16);
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    long blk = offset + 34L * b;
                    float d = f16(src, blk);
                    for (int j = 0; j < 32; j++) dst[dstOffset + 32 * b + j] = d * src.get(ValueLayout.JAVA_BYTE, blk + 2 + j);
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    long blk = offset + 18L * b;
                    float d = f16(src, blk);
                    int o = dstOffset + 32 * b;
                    for (int j = 0; j < 16; j++) {
                        int q = src.get(ValueLayout.JAVA_BYTE, blk + 2 + j) & 0xFF;
                        dst[o + j] = d * ((q & 0x0F) - 8);
                        dst[o + j + 16] = d * ((q >>> 4) - 8);
                    }
                }
            }
            case Q4_1 -> LegacyDequant.q4_1(src, offset, dst, dstOffset, n);
            case Q5_0 -> LegacyDequant.q5_0(src, offset, dst, dstOffset, n);
            case Q5_1 -> LegacyDequant.q5_1(src, offset, dst, dstOffset, n);
            case Q2_K -> KDequant.q2K(src, offset, dst, dstOffset, n);
            case Q3_K -> KDequant.q3K(src, offset, dst, dstOffset, n);
            case Q4_K -> KDequant.q4K(src, offset, dst, dstOffset, n);
            case Q5_K -> KDequant.q5K(src, offset, dst, dstOffset, n);
            case Q6_K -> KDequant.q6K(src, offset, dst, dstOffset, n);
            default -> throw new IllegalArgumentException("lfm4j cannot dequantize tensors of type " + type);
        }
    }

    /** Dequantizes row {@code row} of a 2-D (or higher) tensor into {@code dst[0 .. cols)}. */
    public static void dequantizeRow(Tensor t, long row, float[] dst) {
        int cols = Math.toIntExact(t.cols());
        dequantize(t.type(), t.data(), row * t.rowBytes(), dst, 0, cols);
    }

    /** Dequantizes a whole (small) tensor; for tests and tiny tensors such as norm weights. */
    public static float[] dequantizeAll(Tensor t) {
        float[] out = new float[Math.toIntExact(t.info().elementCount())];
        dequantize(t.type(), t.data(), 0, out, 0, out.length);
        return out;
    }

    /** The IEEE half at byte {@code offset}, as ggml's GGML_FP16_TO_FP32. */
    public static float f16(MemorySegment src, long offset) {
        return Float.float16ToFloat(src.get(LE_SHORT, offset));
    }
}
