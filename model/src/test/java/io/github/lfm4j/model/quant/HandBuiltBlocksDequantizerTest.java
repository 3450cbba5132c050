package io.github.lfm4j.model.quant;

import io.github.lfm4j.model.gguf.GGMLType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each format decoded from blocks assembled here field by field (following the block structs of ggml-common.h),
 * against values computed in float64 from the fields that were packed. Two blocks per call, decoded at a non-zero
 * source and destination offset, so block stride and offsets are exercised too.
 */
class HandBuiltBlocksDequantizerTest {

    private final Random rnd = new Random(1234);
    private static final int SRC_PAD = 7, DST_PAD = 3;

    /** Little-endian block bytes. */
    private static final class Block {
        final byte[] b;
        int p;

        Block(int size) {
            b = new byte[size];
        }

        Block f16(double v) {
            short h = Float.floatToFloat16((float) v);
            b[p++] = (byte) h;
            b[p++] = (byte) (h >> 8);
            return this;
        }

        Block u8(int v) {
            b[p++] = (byte) v;
            return this;
        }
    }

    /** The f16 value actually stored for v (so the expectation uses exactly the stored scale). */
    private static double h(double v) {
        return Float.float16ToFloat(Float.floatToFloat16((float) v));
    }

    private float[] decode(GGMLType type, byte[][] blocks) {
        byte[] all = new byte[SRC_PAD + blocks.length * type.typeSize];
        for (int i = 0; i < blocks.length; i++) {
            assertEquals(type.typeSize, blocks[i].length);
            System.arraycopy(blocks[i], 0, all, SRC_PAD + i * type.typeSize, type.typeSize);
        }
        float[] out = new float[DST_PAD + blocks.length * type.blockSize];
        Dequantizer.dequantize(type, MemorySegment.ofArray(all), SRC_PAD, out, DST_PAD, blocks.length * type.blockSize);
        return out;
    }

    private static void check(double expected, float actual, String what) {
        assertEquals(expected, actual, Math.abs(expected) * 1e-6 + 1e-9, what);
    }

    @Test
    void f32F16Bf16() {
        float[] v = {0f, -0f, 1f, -2.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f, 1e-3f, 3.1415927f};
        byte[] f32 = new byte[4 * v.length], f16 = new byte[2 * v.length], bf16 = new byte[2 * v.length];
        for (int i = 0; i < v.length; i++) {
            int bits = Float.floatToRawIntBits(v[i]);
            for (int k = 0; k < 4; k++) f32[4 * i + k] = (byte) (bits >>> (8 * k));
            short h = Float.floatToFloat16(v[i]);
            f16[2 * i] = (byte) h;
            f16[2 * i + 1] = (byte) (h >> 8);
            bf16[2 * i] = (byte) (bits >>> 16); // truncation: the expectation below uses the truncated value
            bf16[2 * i + 1] = (byte) (bits >>> 24);
        }
        float[] out = new float[v.length];
        Dequantizer.dequantize(GGMLType.F32, MemorySegment.ofArray(f32), 0, out, 0, v.length);
        for (int i = 0; i < v.length; i++) assertEquals(v[i], out[i]);
        Dequantizer.dequantize(GGMLType.F16, MemorySegment.ofArray(f16), 0, out, 0, v.length);
        for (int i = 0; i < v.length; i++) assertEquals(h(v[i]), out[i], 0.0);
        Dequantizer.dequantize(GGMLType.BF16, MemorySegment.ofArray(bf16), 0, out, 0, v.length);
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.intBitsToFloat(Float.floatToRawIntBits(v[i]) & 0xFFFF0000), out[i], 0.0);
        }
    }

    @Test
    void q8_0() {
        byte[][] blocks = new byte[2][];
        double[][] want = new double[2][32];
        for (int b = 0; b < 2; b++) {
            double d = 0.013 * (b + 1);
            Block k = new Block(34).f16(d);
            for (int j = 0; j < 32; j++) {
                int q = j == 0 ? -128 : j == 1 ? 127 : rnd.nextInt(256) - 128;
                k.u8(q);
                want[b][j] = h(d) * q;
            }
            blocks[b] = k.b;
        }
        float[] out = decode(GGMLType.Q8_0, blocks);
        for (int i = 0; i < 64; i++) check(want[i / 32][i % 32], out[DST_PAD + i], "Q8_0 value " + i);
    }

    @Test
    void q4_0() {
        byte[][] blocks = new byte[2][];
        double[][] want = new double[2][32];
        for (int b = 0; b < 2; b++) {
            double d = -0.021 * (b + 1);
            int[] q = randomLevels(32, 16);
            Block k = new Block(18).f16(d);
            for (int j = 0; j < 16; j++) k.u8(q[j] | q[j + 16] << 4); // element j low nibble, j+16 high nibble
            for (int j = 0; j < 32; j++) want[b][j] = h(d) * (q[j] - 8);
            blocks[b] = k.b;
        }
        float[] out = decode(GGMLType.Q4_0, blocks);
        for (int i = 0; i < 64; i++) check(want[i / 32][i % 32], out[DST_PAD + i], "Q4_0 value " + i);
    }

    @Test
    void q4_1() {
        byte[][] blocks = new byte[2][];
        double[][] want = new double[2][32];
        for (int b = 0; b < 2; b++) {
            double d = 0.031 * (b + 1), m = -0.25 * (b + 1);
            int[] q = randomLevels(32, 16);
            Block k = new Block(20).f16(d).f16(m);
            for (int j = 0; j < 16; j++) k.u8(q[j] | q[j + 16] << 4);
            for (int j = 0; j < 32; j++) want[b][j] = h(d) * q[j] + h(m);
            blocks[b] = k.b;
        }
        float[] out = decode(GGMLType.Q4_1, blocks);
        for (int i = 0; i < 64; i++) check(want[i / 32][i % 32], out[DST_PAD + i], "Q4_1 value " + i);
    }

    @Test
    void q5_0() {
        byte[][] blocks = new byte[2][];
        double[][] want = new double[2][32];
        for (int b = 0; b < 2; b++) {
            double d = 0.017 * (b + 1);
            int[] q = randomLevels(32, 32);
            Block k = new Block(22).f16(d);
            long qh = 0;
            for (int j = 0; j < 32; j++) qh |= (long) (q[j] >> 4) << j; // fifth bit of element j is bit j
            for (int s = 0; s < 4; s++) k.u8((int) (qh >>> (8 * s)));
            for (int j = 0; j < 16; j++) k.u8((q[j] & 15) | (q[j + 16] & 15) << 4);
            for (int j = 0; j < 32; j++) want[b][j] = h(d) * (q[j] - 16);
            blocks[b] = k.b;
        }
        float[] out = decode(GGMLType.Q5_0, blocks);
        for (int i = 0; i < 64; i++) check(want[i / 32][i % 32], out[DST_PAD + i], "Q5_0 value " + i);
    }

    @Test
    void q5_1() {
        byte[][] blocks = new byte[2][];
        double[][] want = new double[2][32];
        for (int b = 0; b < 2; b++) {
            double d = 0.011 * (b + 1), m = 0.5 - b;
            int[] q = randomLevels(32, 32);
            Block k = new Block(24).f16(d).f16(m);
            long qh = 0;
            for (int j = 0; j < 32; j++) qh |= (long) (q[j] >> 4) << j;
            for (int s = 0; s < 4; s++) k.u8((int) (qh >>> (8 * s)));
            for (int j = 0; j < 16; j++) k.u8((q[j] & 15) | (q[j + 16] & 15) << 4);
            for (int j = 0; j < 32; j++) want[b][j] = h(d) * q[j] + h(m);
            blocks[b] = k.b;
        }
        float[] out = decode(GGMLType.Q5_1, blocks);
        for (int i = 0; i < 64; i++) check(want[i / 32][i % 32], out[DST_PAD + i], "Q5_1 value " + i);
    }

    /**
     * The 12 scale bytes of Q4_K/Q5_K: eight 6-bit scales and eight 6-bit mins. Sub-blocks 0-3: scale in byte j,
     * min in byte j+4 (low 6 bits). Sub-blocks 4-7: low 4 bits of scale and min in byte j+4 (scale in the low
     * nibble), and their top 2 bits in bits 6-7 of byte j-4 (scale) and byte j (min).
     */
    private static int[] packScales(int[] sc, int[] mn) {
        int[] s = new int[12];
        for (int j = 0; j < 4; j++) {
            s[j] = sc[j] | (sc[j + 4] >> 4) << 6;
            s[j + 4] = mn[j] | (mn[j + 4] >> 4) << 6;
            s[j + 8] = (sc[j + 4] & 15) | (mn[j + 4] & 15) << 4;
        }
        return s;
    }

    @Test
    void q4K() {
        byte[][] blocks = new byte[2][];
        double[][] want = new double[2][256];
        for (int b = 0; b < 2; b++) {
            double d = 0.0023 * (b + 1), dmin = 0.0041 * (b + 1);
            int[] sc = randomLevels(8, 64), mn = randomLevels(8, 64);
            sc[0] = 63;
            mn[7] = 63;
            int[] q = randomLevels(256, 16);
            Block k = new Block(144).f16(d).f16(dmin);
            for (int s : packScales(sc, mn)) k.u8(s);
            // 4 chunks of 64 values: 32 bytes, value l of the chunk in the low nibble, value l+32 in the high one
            for (int c = 0; c < 4; c++) for (int l = 0; l < 32; l++) k.u8(q[64 * c + l] | q[64 * c + 32 + l] << 4);
            for (int i = 0; i < 256; i++) want[b][i] = h(d) * sc[i / 32] * q[i] - h(dmin) * mn[i / 32];
            blocks[b] = k.b;
        }
        float[] out = decode(GGMLType.Q4_K, blocks);
        for (int i = 0; i < 512; i++) check(want[i / 256][i % 256], out[DST_PAD + i], "Q4_K value " + i);
    }

    @Test
    void q5K() {
        byte[][] blocks = new byte[2][];
        double[][] want = new double[2][256];
        for (int b = 0; b < 2; b++) {
            double d = 0.0019 * (b + 1), dmin = 0.0037 * (b + 1);
            int[] sc = randomLevels(8, 64), mn = randomLevels(8, 64);
            int[] q = randomLevels(256, 32);
            Block k = new Block(176).f16(d).f16(dmin);
            for (int s : packScales(sc, mn)) k.u8(s);
            // qh[l] bit j holds the fifth bit of value l of sub-block j (value 32*j + l)
            for (int l = 0; l < 32; l++) {
                int bits = 0;
                for (int j = 0; j < 8; j++) bits |= (q[32 * j + l] >> 4) << j;
                k.u8(bits);
            }
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) k.u8((q[64 * c + l] & 15) | (q[64 * c + 32 + l] & 15) << 4);
            }
            for (int i = 0; i < 256; i++) want[b][i] = h(d) * sc[i / 32] * q[i] - h(dmin) * mn[i / 32];
            blocks[b] = k.b;
        }
        float[] out = decode(GGMLType.Q5_K, blocks);
        for (int i = 0; i < 512; i++) check(want[i / 256][i % 256], out[DST_PAD + i], "Q5_K value " + i);
    }

    @Test
    void q6K() {
        byte[][] blocks = new byte[2][];
        double[][] want = new double[2][256];
        for (int b = 0; b < 2; b++) {
            double d = 0.00071 * (b + 1);
            int[] q = randomLevels(256, 64);
            int[] sc = new int[16];
            for (int s = 0; s < 16; s++) sc[s] = rnd.nextInt(256) - 128;
            sc[3] = -128;
            sc[4] = 127;
            int[] ql = new int[128], qh = new int[64];
            // value i: half hf = i/128, quarter k = (i%128)/32, position l = i%32. Low 4 bits go to
            // ql[64*hf + 32*(k%2) + l] (low nibble for k < 2, high nibble for k >= 2); the top 2 bits to
            // bits 2k..2k+1 of qh[32*hf + l]; its scale is scales[8*hf + 2*k + l/16].
            for (int i = 0; i < 256; i++) {
                int hf = i / 128, kq = (i % 128) / 32, l = i % 32;
                ql[64 * hf + 32 * (kq % 2) + l] |= (q[i] & 15) << (kq < 2 ? 0 : 4);
                qh[32 * hf + l] |= (q[i] >> 4) << (2 * kq);
                want[b][i] = h(d) * sc[8 * hf + 2 * kq + l / 16] * (q[i] - 32);
            }
            Block k = new Block(210);
            for (int v : ql) k.u8(v);
            for (int v : qh) k.u8(v);
            for (int v : sc) k.u8(v);
            k.f16(d);
            blocks[b] = k.b;
        }
        float[] out = decode(GGMLType.Q6_K, blocks);
        for (int i = 0; i < 512; i++) check(want[i / 256][i % 256], out[DST_PAD + i], "Q6_K value " + i);
    }

    /**
     * Super-block scales for four Q2_K/Q3_K blocks: an ordinary one, a negative one, the largest finite half and a
     * subnormal one; a fifth block is all zero bytes.
     */
    private static final double[] LOW_BIT_D = {0.0031, -0.0047, 65504, 3.0e-7};

    /**
     * Q2_K, from the struct: scales[16] (sub-block s of 16 values: scale in the low nibble of byte s, min in the high
     * one), qs[64], f16 d, f16 dmin. Value i = 128h + 32k + l of a block is bits 2k..2k+1 of qs[32h + l] and belongs
     * to sub-block i/16: x = d*scale*q - dmin*min.
     */
    @Test
    void q2K() {
        int blocks = LOW_BIT_D.length + 1;
        byte[][] enc = new byte[blocks][];
        double[][] want = new double[blocks][256];
        for (int b = 0; b < LOW_BIT_D.length; b++) {
            double d = LOW_BIT_D[b], dmin = -0.7 * LOW_BIT_D[(b + 1) % LOW_BIT_D.length];
            int[] sc = randomLevels(16, 16), mn = randomLevels(16, 16), q = randomLevels(256, 4);
            mn[0] = 15;
            mn[1] = 0;
            Block k = new Block(84);
            for (int s = 0; s < 16; s++) k.u8(sc[s] | mn[s] << 4);
            int[] qs = new int[64];
            for (int i = 0; i < 256; i++) qs[32 * (i / 128) + i % 32] |= q[i] << (2 * ((i % 128) / 32));
            for (int v : qs) k.u8(v);
            k.f16(d).f16(dmin);
            for (int i = 0; i < 256; i++) want[b][i] = h(d) * sc[i / 16] * q[i] - h(dmin) * mn[i / 16];
            enc[b] = k.b;
        }
        enc[blocks - 1] = new byte[84];
        float[] out = decode(GGMLType.Q2_K, enc);
        for (int i = 0; i < 256 * blocks; i++) check(want[i / 256][i % 256], out[DST_PAD + i], "Q2_K value " + i);
    }

    /**
     * Q3_K, from the struct: hmask[32], qs[64], scales[12], f16 d. Value i = 128h + 32k + l is a 3-bit level q whose
     * low bits are bits 2k..2k+1 of qs[32h + l] and whose top bit is bit 4h + k of hmask[l]; sub-block s = i/16 has a
     * 6-bit scale stored as scale + 32, low nibble in byte s (s < 8) or the high nibble of byte s - 8, top two bits
     * at bit 2*(s/4) of byte 8 + s%4: x = d*scale*(q - 4).
     */
    @Test
    void q3K() {
        int blocks = LOW_BIT_D.length + 1;
        byte[][] enc = new byte[blocks][];
        double[][] want = new double[blocks][256];
        for (int b = 0; b < LOW_BIT_D.length; b++) {
            double d = LOW_BIT_D[b];
            int[] stored = randomLevels(16, 64), q = randomLevels(256, 8);
            stored[2] = 32; // scale 0
            int[] hm = new int[32], qs = new int[64], scales = new int[12];
            for (int i = 0; i < 256; i++) {
                int half = i / 128, k = (i % 128) / 32, l = i % 32;
                qs[32 * half + l] |= (q[i] & 3) << (2 * k);
                hm[l] |= (q[i] >> 2) << (4 * half + k);
            }
            for (int s = 0; s < 16; s++) {
                scales[s % 8] |= (stored[s] & 15) << (s < 8 ? 0 : 4);
                scales[8 + s % 4] |= (stored[s] >> 4) << (2 * (s / 4));
            }
            Block k = new Block(110);
            for (int v : hm) k.u8(v);
            for (int v : qs) k.u8(v);
            for (int v : scales) k.u8(v);
            k.f16(d);
            for (int i = 0; i < 256; i++) want[b][i] = h(d) * (stored[i / 16] - 32) * (q[i] - 4);
            enc[b] = k.b;
        }
        enc[blocks - 1] = new byte[110];
        float[] out = decode(GGMLType.Q3_K, enc);
        for (int i = 0; i < 256 * blocks; i++) check(want[i / 256][i % 256], out[DST_PAD + i], "Q3_K value " + i);
    }

    @Test
    void rejectsPartialBlocksAndUnsupportedTypes() {
        MemorySegment seg = MemorySegment.ofArray(new byte[512]);
        assertThrows(IllegalArgumentException.class, () -> Dequantizer.dequantize(GGMLType.Q4_K, seg, 0, new float[300], 0, 128));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dequantizer.dequantize(GGMLType.IQ2_XXS, seg, 0, new float[256], 0, 256));
        assertEquals("lfm4j cannot dequantize tensors of type IQ2_XXS", e.getMessage());
    }

    /** n random levels in [0, count), the first two forced to the extremes. */
    private int[] randomLevels(int n, int count) {
        int[] q = new int[n];
        for (int i = 0; i < n; i++) q[i] = rnd.nextInt(count);
        q[0] = 0;
        q[1] = count - 1;
        return q;
    }
}
