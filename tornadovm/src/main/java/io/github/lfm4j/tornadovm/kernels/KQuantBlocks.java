package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Reading ggml's K-quant super-blocks (256 weights) inside kernels: the device keeps a Q4_K, Q5_K or Q6_K matrix as
 * the file's own bytes (one {@code ByteArray}, rows of {@code cols / 256} super-blocks), so its device memory is its
 * file size, and the kernels decode what they need. Static helpers, inlined by Graal into the kernels that call them;
 * {@code layout} is always a kernel's int argument, which TornadoVM compiles in as a constant, so each kernel keeps
 * only its own format's branch.
 *
 * <p>The kernels work in units of 32 weights ({@code k = 0..7} within a super-block), the unit of the int8
 * activations ({@link Int8Input}):
 * <ul>
 *   <li>Q4_K, 144 bytes {@code {f16 d; f16 dmin; u8 scales[12]; u8 qs[128]}}: unit k has a 6-bit scale and min in
 *   the 12-byte table; its quants are the low (even k) or high (odd k) nibbles of {@code qs[32·(k/2) ..]}; weight
 *   = d·scale·q − dmin·min.</li>
 *   <li>Q5_K, 176 bytes {@code {f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]}}: Q4_K plus bit k of
 *   {@code qh[l]} as the fifth bit of weight l of unit k.</li>
 *   <li>Q6_K, 210 bytes {@code {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}}: unit k lies in half {@code k/4}
 *   (64 bytes of ql, 32 of qh, 8 scales each), quarter {@code j = k%4}: low 4 bits from the low (j &lt; 2) or high
 *   nibble of {@code ql[32·(j%2) + l]}, top 2 bits from bits 2j, 2j+1 of {@code qh[l]}; one signed scale per 16
 *   weights; weight = d·scale·(q − 32).</li>
 * </ul>
 *
 * <p>TornadoVM types a byte read with {@code & 0xFF} as an OpenCL {@code uint}, and arithmetic on it stays unsigned,
 * so a negative result converted to float comes out as ~4e9 (see MatVecKernels and {@link #quant}): quant bits are
 * taken from the signed byte, the unsigned reads ({@link #u8}: f16 bits, 6-bit scales) are only ever converted to
 * float as the non-negative values they are, and Q6_K's −32 is applied in float ({@link #weight}) or to int
 * products whose operands are signed ints.
 * The f16 scales are decoded with {@link F16Bits#finiteToFloat} (PoCL has no fp16).
 */
public final class KQuantBlocks {
    private KQuantBlocks() {}

    /** Weights per super-block. */
    public static final int WEIGHTS = 256;

    /** Bytes of one super-block of {@code layout} ({@link MatMulKernels#Q4_K}, Q5_K or Q6_K). */
    public static int blockBytes(int layout) {
        if (layout == MatMulKernels.Q4_K) {
            return 144;
        } else if (layout == MatMulKernels.Q5_K) {
            return 176;
        }
        return 210;
    }

    /** Byte offset of the super-block that holds weight unit {@code unit} (32 weights each) of row {@code row}. */
    public static int superBlock(int row, int cols, int unit, int layout) {
        return (row * (cols >> 8) + (unit >> 3)) * blockBytes(layout);
    }

    static int u8(ByteArray q, int at) {
        return q.get(at) & 0xFF;
    }

    /** The little-endian f16 at byte {@code at}, as a float (finite: the super-block scales of a valid file). */
    static float f16(ByteArray q, int at) {
        return F16Bits.finiteToFloat(u8(q, at) | (u8(q, at + 1) << 8));
    }

    /** Super-block scale d (every layout). */
    public static float d(ByteArray q, int sb, int layout) {
        return layout == MatMulKernels.Q6_K ? f16(q, sb + 208) : f16(q, sb);
    }

    /** Q4_K/Q5_K: the super-block's min scale dmin. */
    public static float dmin(ByteArray q, int sb) {
        return f16(q, sb + 2);
    }

    /**
     * The integer scale of weight {@code l} (0..31) of unit {@code k}: Q4_K/Q5_K its unit's 6-bit scale (as ggml's
     * get_scale_min_k4: units 0-3 in the low 6 bits of table byte k, units 4-7 split between the low nibble of byte
     * k+4 and the top bits of byte k-4); Q6_K the signed scale of its 16 weights.
     *
     * <p>Without branches: both forms are computed and the unit's half ({@code k / 4}, 0 or 1) picks one by
     * multiplication. With an if on {@code k < 4}, whose direction differs between neighbouring work-items, and
     * F16Bits' branchy {@code toFloat} for d and dmin, the Q4_K matvec measured 2-3x slower on PoCL (removing
     * either branch alone did not show; see {@link F16Bits#finiteToFloat}).
     */
    public static int scale(ByteArray q, int sb, int k, int l, int layout) {
        if (layout == MatMulKernels.Q6_K) {
            return q.get(sb + 192 + ((k >> 2) << 3) + ((k & 3) << 1) + (l >> 4));
        }
        int t = sb + 4 + (k & 3);
        int high = k >> 2;
        int a = u8(q, t);
        int c = u8(q, t + 8);
        return (a & 63) * (1 - high) + ((c & 15) | ((a >> 6) << 4)) * high;
    }

    /** Q4_K/Q5_K: the 6-bit min of unit {@code k} (the other half of get_scale_min_k4), without branches as {@link #scale}. */
    public static int min(ByteArray q, int sb, int k) {
        int t = sb + 4 + (k & 3);
        int high = k >> 2;
        int b = u8(q, t + 4);
        int c = u8(q, t + 8);
        return (b & 63) * (1 - high) + ((c >> 4) | ((b >> 6) << 4)) * high;
    }

    /**
     * The stored (non-negative) quant of weight {@code l} of unit {@code k}: Q4_K 0..15, Q5_K 0..31, Q6_K 0..63
     * (its weight is that minus 32).
     *
     * <p>The bits are taken from the signed byte ({@code b >> s & mask}, the same bits as from the unsigned one):
     * read as {@code & 0xFF} and shifted by a variable amount, the byte became an OpenCL {@code uint}, the int8
     * products and their sum followed, and the sum was converted to float as unsigned (a negative block sum came
     * out near 4e9; measured on PoCL with the first Q4_K kernel).
     */
    public static int quant(ByteArray q, int sb, int k, int l, int layout) {
        if (layout == MatMulKernels.Q4_K) {
            return (q.get(sb + 16 + ((k >> 1) << 5) + l) >> ((k & 1) << 2)) & 15;
        } else if (layout == MatMulKernels.Q5_K) {
            int low = (q.get(sb + 48 + ((k >> 1) << 5) + l) >> ((k & 1) << 2)) & 15;
            return low | (((q.get(sb + 16 + l) >> k) & 1) << 4);
        }
        int j = k & 3;
        int half = k >> 2;
        int low = (q.get(sb + (half << 6) + ((j & 1) << 5) + l) >> ((j >> 1) << 2)) & 15;
        int high = (q.get(sb + 128 + (half << 5) + l) >> (j << 1)) & 3;
        return low | (high << 4);
    }

    /**
     * Weight {@code l} of unit {@code k} as a float, in the CPU engine's operation order (its row decode, as
     * ggml's dequantize_row_*): Q4_K/Q5_K {@code (d·scale)·q − dmin·min}, Q6_K {@code (d·scale)·(q − 32)}.
     */
    public static float weight(ByteArray q, int sb, int k, int l, int layout) {
        float step = d(q, sb, layout) * (float) scale(q, sb, k, l, layout);
        if (layout == MatMulKernels.Q6_K) {
            return step * ((float) quant(q, sb, k, l, layout) - 32f);
        }
        return step * (float) quant(q, sb, k, l, layout) - dmin(q, sb) * (float) min(q, sb, k);
    }

    /**
     * Q4_K/Q5_K ({@code layout}): unit {@code unit} of row {@code row} times the int8 activations of the same 32
     * columns, as the CPU engine's decode: the exact int sum Σq·xq times {@code (scale·xd)·d}, minus
     * {@code (min·(xd·Σxq))·dmin}. Q6_K has its own ({@link #dotQ6K}): TornadoVM inlines a helper only below 600
     * Graal nodes, counted before the layout is known, and one helper for all three formats had 643.
     */
    public static float dotWithMin(ByteArray q, int row, int cols, int unit, IntArray xq, float xd, int layout) {
        int sb = superBlock(row, cols, unit, layout);
        int k = unit & 7;
        int xo = unit << 5;
        int acc = 0;
        int xsum = 0;
        // two loops of 16, not one of 32: Graal unrolls a loop fully only below a node count, and unrolled the
        // work-items' straight-line code ran ~3x faster on PoCL (Q5_K's 32-iteration loop stayed a loop)
        for (int l = 0; l < 16; l++) {
            int xv = xq.get(xo + l);
            acc += quant(q, sb, k, l, layout) * xv;
            xsum += xv;
        }
        for (int l = 16; l < 32; l++) {
            int xv = xq.get(xo + l);
            acc += quant(q, sb, k, l, layout) * xv;
            xsum += xv;
        }
        // int sums only, converted once (see MatVecKernels on unsigned typing)
        return (float) acc * ((float) scale(q, sb, k, 0, layout) * xd * d(q, sb, layout))
                - (float) min(q, sb, k) * (xd * (float) xsum) * dmin(q, sb);
    }

    /**
     * Q6_K: unit {@code unit} of row {@code row} times the int8 activations, per 16 weights the exact
     * {@code Σ(q − 32)·xq} times {@code (d·scale)·xd}, as the CPU engine's decode.
     */
    public static float dotQ6K(ByteArray q, int row, int cols, int unit, IntArray xq, float xd) {
        int layout = MatMulKernels.Q6_K;
        int sb = superBlock(row, cols, unit, layout);
        int k = unit & 7;
        int xo = unit << 5;
        int lo = 0;
        int hi = 0;
        // two loops, each small enough for Graal to unroll fully (see dotWithMin)
        for (int l = 0; l < 16; l++) {
            lo += (quant(q, sb, k, l, layout) - 32) * xq.get(xo + l);
        }
        for (int l = 16; l < 32; l++) {
            hi += (quant(q, sb, k, l, layout) - 32) * xq.get(xo + l);
        }
        float d = d(q, sb, layout);
        return (float) lo * (d * (float) scale(q, sb, k, 0, layout) * xd)
                + (float) hi * (d * (float) scale(q, sb, k, 16, layout) * xd);
    }
}
