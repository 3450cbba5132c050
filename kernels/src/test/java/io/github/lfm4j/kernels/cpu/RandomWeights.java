package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Random but valid encoded weights: every byte random, except the f16 scale fields, which get finite halves of a
 * realistic size (random bits there would include infinities and NaNs). The bytes live in native memory like a
 * memory-mapped file.
 */
final class RandomWeights {
    private RandomWeights() {}

    static byte[] bytes(GGMLType type, int rows, int cols, Random rnd) {
        int rowBytes = Math.toIntExact(type.byteSize(cols));
        byte[] b = new byte[rows * rowBytes];
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> {
                for (int i = 0; i < rows * cols; i++) buf.putFloat(4 * i, (float) rnd.nextGaussian());
            }
            case F16 -> {
                for (int i = 0; i < rows * cols; i++) buf.putShort(2 * i, Float.floatToFloat16((float) rnd.nextGaussian()));
            }
            case BF16 -> {
                for (int i = 0; i < rows * cols; i++) {
                    buf.putShort(2 * i, (short) (Float.floatToRawIntBits((float) rnd.nextGaussian()) >>> 16));
                }
            }
            default -> {
                rnd.nextBytes(b);
                int[] halves = switch (type) {
                    case Q8_0, Q4_0, Q5_0 -> new int[]{0};
                    case Q4_1, Q5_1, Q4_K, Q5_K -> new int[]{0, 2};
                    case Q2_K -> new int[]{80, 82};
                    case Q3_K -> new int[]{108};
                    case Q6_K -> new int[]{208};
                    default -> throw new IllegalArgumentException("no generator for " + type);
                };
                for (int block = 0; block < b.length / type.typeSize; block++) {
                    for (int h : halves) {
                        float scale = (float) ((rnd.nextDouble() * 2 - 1) * 0.05);
                        buf.putShort(block * type.typeSize + h, Float.floatToFloat16(scale));
                    }
                }
            }
        }
        return b;
    }

    static Tensor tensor(GGMLType type, int rows, int cols, byte[] bytes, Arena arena) {
        MemorySegment seg = arena.allocate(bytes.length, 64);
        MemorySegment.copy(bytes, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
        return new Tensor(new GGUFTensorInfo("w", new long[]{cols, rows}, type, 0), seg);
    }
}
