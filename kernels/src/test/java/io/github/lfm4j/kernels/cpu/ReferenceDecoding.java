package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.GGMLType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The tests' own reading of ggml's block layouts, written element by element (which block, which byte, which bits)
 * in double precision, independently of the kernels' block loops. Each element also gets a magnitude: the sum of
 * the absolute values of the terms that make it up (e.g. |d·scale·q| + |dmin·min|), because a float kernel's
 * rounding error scales with those terms, not with their possibly cancelling difference.
 */
final class ReferenceDecoding {
    private ReferenceDecoding() {}

    record Row(double[] values, double[] magnitudes) {}

    static Row decodeRow(GGMLType type, byte[] bytes, int row, int cols) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long rowBytes = type.byteSize(cols);
        double[] v = new double[cols], m = new double[cols];
        for (int i = 0; i < cols; i++) {
            int block = i / type.blockSize, j = i % type.blockSize;
            int o = Math.toIntExact(row * rowBytes + (long) block * type.typeSize);
            double[] vm = element(type, buf, o, j);
            v[i] = vm[0];
            m[i] = vm[1];
        }
        return new Row(v, m);
    }

    private static double half(ByteBuffer b, int at) {
        return Float.float16ToFloat(b.getShort(at));
    }

    private static int u8(ByteBuffer b, int at) {
        return b.get(at) & 0xFF;
    }

    /** {value, magnitude} of element {@code j} of the block at byte {@code o}. */
    private static double[] element(GGMLType type, ByteBuffer b, int o, int j) {
        switch (type) {
            case F32 -> {
                double w = b.getFloat(o);
                return new double[]{w, Math.abs(w)};
            }
            case F16 -> {
                double w = half(b, o);
                return new double[]{w, Math.abs(w)};
            }
            case BF16 -> {
                double w = Float.intBitsToFloat((b.getShort(o) & 0xFFFF) << 16);
                return new double[]{w, Math.abs(w)};
            }
            case Q8_0 -> {
                double w = half(b, o) * b.get(o + 2 + j);
                return new double[]{w, Math.abs(w)};
            }
            case Q4_0 -> {
                double w = half(b, o) * (nibble(b, o + 2, j) - 8);
                return new double[]{w, Math.abs(w)};
            }
            case Q4_1 -> {
                double a = half(b, o) * nibble(b, o + 4, j), c = half(b, o + 2);
                return new double[]{a + c, Math.abs(a) + Math.abs(c)};
            }
            case Q5_0 -> {
                int q = nibble(b, o + 6, j) + 16 * ((b.getInt(o + 2) >>> j) & 1);
                double w = half(b, o) * (q - 16);
                return new double[]{w, Math.abs(w)};
            }
            case Q5_1 -> {
                int q = nibble(b, o + 8, j) + 16 * ((b.getInt(o + 4) >>> j) & 1);
                double a = half(b, o) * q, c = half(b, o + 2);
                return new double[]{a + c, Math.abs(a) + Math.abs(c)};
            }
            case Q4_K, Q5_K -> {
                int sub = j / 32, l = j % 32, pair = sub / 2;
                int qsAt = o + (type == GGMLType.Q4_K ? 16 : 48) + 32 * pair + l;
                int q = sub % 2 == 0 ? u8(b, qsAt) & 0x0F : u8(b, qsAt) >>> 4;
                if (type == GGMLType.Q5_K) q += 16 * ((u8(b, o + 16 + l) >>> sub) & 1);
                int[] sm = scaleMin(b, o + 4, sub);
                double a = half(b, o) * sm[0] * q, c = half(b, o + 2) * sm[1];
                return new double[]{a - c, Math.abs(a) + Math.abs(c)};
            }
            case Q2_K -> {
                // half h = j/128; within it value 32k + l sits in bits 2k..2k+1 of qs[32h + l], sub-block 8h + 2k + l/16
                int half = j / 128, k = (j % 128) / 32, l = j % 32;
                int q = (u8(b, o + 16 + 32 * half + l) >>> (2 * k)) & 3;
                int sm = u8(b, o + 8 * half + 2 * k + l / 16);
                double a = half(b, o + 80) * (sm & 0x0F) * q, c = half(b, o + 82) * (sm >>> 4);
                return new double[]{a - c, Math.abs(a) + Math.abs(c)};
            }
            case Q3_K -> {
                // as Q2_K for the low bits (qs at 32); bit 4h + k of hmask[l] set means q, clear means q - 4
                int half = j / 128, k = (j % 128) / 32, l = j % 32;
                int q = (u8(b, o + 32 + 32 * half + l) >>> (2 * k)) & 3;
                if ((u8(b, o + l) >>> (4 * half + k) & 1) == 0) q -= 4;
                int sub = 8 * half + 2 * k + l / 16;
                int low = sub < 8 ? u8(b, o + 96 + sub) & 0x0F : u8(b, o + 96 + sub - 8) >>> 4;
                int high = (u8(b, o + 104 + sub % 4) >>> (2 * (sub / 4))) & 3;
                double w = half(b, o + 108) * ((low | high << 4) - 32) * q;
                return new double[]{w, Math.abs(w)};
            }
            case Q6_K -> {
                int half = j / 128, k = j % 128, quarter = k / 32, l = k % 32;
                int ql = u8(b, o + 64 * half + l + (quarter % 2 == 1 ? 32 : 0));
                int low = quarter < 2 ? ql & 0x0F : ql >>> 4;
                int high = (u8(b, o + 128 + 32 * half + l) >>> (2 * quarter)) & 3;
                int scale = b.get(o + 192 + 8 * half + 2 * quarter + l / 16);
                double w = half(b, o + 208) * scale * ((low | high << 4) - 32);
                return new double[]{w, Math.abs(w)};
            }
            default -> throw new IllegalArgumentException("no reference decoding for " + type);
        }
    }

    /** Element j < 16 is the low nibble of byte j, element j ≥ 16 the high nibble of byte j − 16. */
    private static int nibble(ByteBuffer b, int qs, int j) {
        return j < 16 ? u8(b, qs + j) & 0x0F : u8(b, qs + j - 16) >>> 4;
    }

    /** ggml's get_scale_min_k4 on the 12-byte table at {@code t}. */
    private static int[] scaleMin(ByteBuffer b, int t, int sub) {
        if (sub < 4) return new int[]{u8(b, t + sub) & 63, u8(b, t + sub + 4) & 63};
        int scale = (u8(b, t + sub + 4) & 0x0F) | ((u8(b, t + sub - 4) >>> 6) << 4);
        int min = (u8(b, t + sub + 4) >>> 4) | ((u8(b, t + sub) >>> 6) << 4);
        return new int[]{scale, min};
    }
}
