package io.github.lfm4j.tornadovm.kernels;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.Tensor;
import io.github.lfm4j.model.quant.Dequantizer;
import io.github.lfm4j.model.quant.Quantizer;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A weight matrix ({@code rows} outputs × {@code cols} inputs) repacked at load into one of the layouts the GPU
 * kernels read (see {@link MatVecKernels}): F32 as floats; F16 as ggml's raw half bits (2 bytes per weight, converted
 * to float inside the kernels by {@link F16Bits}: no fp16 support needed); Q8_0 and Q4_0 split into a byte array of quants and a
 * float array of block scales (ggml stores the scale as fp16 inside each block; PoCL has no fp16, and separate
 * arrays keep the quant loads aligned); Q4_K, Q5_K and Q6_K as the file's own super-block bytes, decoded inside the
 * kernels ({@link KQuantBlocks}), so they take exactly their file size on the device. Any other ggml type (BF16,
 * Q2_K, Q3_K, Q4_1, Q5_0, Q5_1) is dequantized and re-encoded as Q8_0.
 */
public final class DeviceMatrix {

    public enum Layout {
        F32, F16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K;

        /** True for the layouts whose decode products take the input rounded to int8 ({@link Int8Input}). */
        public boolean takesInt8() {
            return this != F32 && this != F16;
        }

        /** True for the K-quant layouts: super-blocks of 256 weights kept as the file's bytes. */
        public boolean kQuant() {
            return this == Q4_K || this == Q5_K || this == Q6_K;
        }
    }

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Layout layout;
    private final int rows, cols;
    private final FloatArray values;   // F32 only
    private final ShortArray halves;   // F16 only
    // Q8_0: one byte per weight; Q4_0: 16 packed bytes per block of 32; K-quants: the file's super-blocks
    private final ByteArray quants;
    private final FloatArray scales;   // Q8_0/Q4_0: one per block of 32

    private DeviceMatrix(Layout layout, int rows, int cols, FloatArray values, ShortArray halves, ByteArray quants,
                         FloatArray scales) {
        this.layout = layout;
        this.halves = halves;
        this.rows = rows;
        this.cols = cols;
        this.values = values;
        this.quants = quants;
        this.scales = scales;
    }

    /** The layout a tensor of this type gets on the device. */
    public static Layout layoutFor(GGMLType type) {
        return switch (type) {
            case F32 -> Layout.F32;
            case F16 -> Layout.F16;
            case Q4_0 -> Layout.Q4_0;
            case Q4_K -> Layout.Q4_K;
            case Q5_K -> Layout.Q5_K;
            case Q6_K -> Layout.Q6_K;
            default -> Layout.Q8_0;
        };
    }

    /** Repacks a 2-D weight tensor; {@link #layoutFor} says which layout it gets. */
    public static DeviceMatrix of(Tensor t) {
        return of(t.type(), t.data(), Math.toIntExact(t.rows()), Math.toIntExact(t.cols()), t.name());
    }

    /** Repacks {@code rows × cols} values of {@code type} stored (ggml encoding) at the start of {@code data}. */
    public static DeviceMatrix of(GGMLType type, MemorySegment data, int rows, int cols, String name) {
        long n = (long) rows * cols;
        if (n > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("tensor " + name + " has " + n + " elements, more than a device array holds");
        }
        Layout layout = layoutFor(type);
        if ((layout == Layout.Q8_0 || layout == Layout.Q4_0) && cols % 32 != 0) {
            throw new IllegalArgumentException("tensor " + name + " has " + cols + " columns, not a multiple of 32");
        }
        if (layout.kQuant() && cols % KQuantBlocks.WEIGHTS != 0) {
            throw new IllegalArgumentException("tensor " + name + " has " + cols + " columns, not a multiple of 256");
        }
        return switch (layout) {
            case F32 -> {
                FloatArray v = new FloatArray((int) n);
                MemorySegment.copy(data, LE_FLOAT, 0, v.getSegment(), ValueLayout.JAVA_FLOAT, 0, n);
                yield new DeviceMatrix(layout, rows, cols, v, null, null, null);
            }
            case F16 -> {
                ShortArray h = new ShortArray((int) n);
                MemorySegment.copy(data, LE_SHORT, 0, h.getSegment(), ValueLayout.JAVA_SHORT, 0, n);
                yield new DeviceMatrix(layout, rows, cols, null, h, null, null);
            }
            case Q4_0 -> {
                ByteArray q = new ByteArray((int) (n / 2));
                FloatArray s = new FloatArray((int) (n / 32));
                for (int b = 0; b < n / 32; b++) {
                    long at = 18L * b;
                    s.set(b, Float.float16ToFloat(data.get(LE_SHORT, at)));
                    MemorySegment.copy(data, at + 2, q.getSegment(), 16L * b, 16);
                }
                yield new DeviceMatrix(layout, rows, cols, null, null, q, s);
            }
            case Q4_K, Q5_K, Q6_K -> {
                // the super-blocks as they are: the kernels read d, scales and quants where ggml put them
                long bytes = type.byteSize(n);
                ByteArray q = new ByteArray(Math.toIntExact(bytes));
                MemorySegment.copy(data, 0, q.getSegment(), 0, bytes);
                yield new DeviceMatrix(layout, rows, cols, null, null, q, null);
            }
            case Q8_0 -> {
                ByteArray q = new ByteArray((int) n);
                FloatArray s = new FloatArray((int) (n / 32));
                if (type == GGMLType.Q8_0) {
                    copyQ8(data, 0, q, s, 0, (int) (n / 32));
                } else {
                    // no GPU kernel for this type: decode each row and re-encode it as ggml's Q8_0
                    float[] row = new float[cols];
                    long rowBytes = type.byteSize(cols);
                    int blocksPerRow = cols / 32;
                    for (int r = 0; r < rows; r++) {
                        Dequantizer.dequantize(type, data, r * rowBytes, row, 0, cols);
                        byte[] enc = Quantizer.quantize(GGMLType.Q8_0, row);
                        copyQ8(MemorySegment.ofArray(enc), 0, q, s, r * blocksPerRow, blocksPerRow);
                    }
                }
                yield new DeviceMatrix(layout, rows, cols, null, null, q, s);
            }
        };
    }

    private static void copyQ8(MemorySegment src, long offset, ByteArray q, FloatArray s, int firstBlock, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long at = offset + 34L * b;
            s.set(firstBlock + b, Float.float16ToFloat(src.get(LE_SHORT, at)));
            MemorySegment.copy(src, at + 2, q.getSegment(), 32L * (firstBlock + b), 32);
        }
    }

    public Layout layout() {
        return layout;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** F32 values (null for quantized layouts). */
    public FloatArray values() {
        return values;
    }

    /** F16 half bits (null for the other layouts). */
    public ShortArray halves() {
        return halves;
    }

    /** Quant bytes (null for F32 and F16); the super-blocks' bytes for the K-quants. */
    public ByteArray quants() {
        return quants;
    }

    /** Block scales (Q8_0/Q4_0 only; null for the others). */
    public FloatArray scales() {
        return scales;
    }

    /** Bytes this matrix occupies on the device. */
    public long deviceBytes() {
        return switch (layout) {
            case F32 -> values.getNumBytesOfSegment();
            case F16 -> halves.getNumBytesOfSegment();
            case Q8_0, Q4_0 -> quants.getNumBytesOfSegment() + scales.getNumBytesOfSegment();
            case Q4_K, Q5_K, Q6_K -> quants.getNumBytesOfSegment();
        };
    }

    /** Bytes of this matrix's largest device array. */
    public long largestArrayBytes() {
        return switch (layout) {
            case F32 -> values.getNumBytesOfSegment();
            case F16 -> halves.getNumBytesOfSegment();
            case Q8_0, Q4_0 -> Math.max(quants.getNumBytesOfSegment(), scales.getNumBytesOfSegment());
            case Q4_K, Q5_K, Q6_K -> quants.getNumBytesOfSegment();
        };
    }

    /** The weight at (row, col), decoded on the host: the plain reference the kernels are tested against. */
    public float value(int row, int col) {
        long i = (long) row * cols + col;
        return switch (layout) {
            case F32 -> values.get((int) i);
            case F16 -> Float.float16ToFloat(halves.get((int) i));
            case Q8_0, Q4_0 -> scales.get((int) (i >> 5)) * quant(row, col);
            // the CPU engine's order: (d·scale)·q − dmin·min, (d·scale)·q for Q6_K
            case Q4_K, Q5_K -> superScale(row, col) * subScale(row, col) * quant(row, col)
                    - superMin(row, col) * subMin(row, col);
            case Q6_K -> superScale(row, col) * subScale(row, col) * quant(row, col);
        };
    }

    /**
     * The integer quant of the weight at (row, col): Q8_0/Q4_0 times its block's scale is the weight; Q4_K (0..15)
     * and Q5_K (0..31) times d·scale minus dmin·min; Q6_K (−32..31) times d·scale.
     */
    public int quant(int row, int col) {
        long i = (long) row * cols + col;
        return switch (layout) {
            case Q8_0 -> quants.get((int) i);
            case Q4_0 -> {
                int block = (int) (i >> 5), within = (int) (i & 31);
                int v = quants.get(block * 16 + (within & 15)) & 0xFF;
                yield (within < 16 ? v & 15 : v >> 4) - 8;
            }
            case Q4_K, Q5_K -> {
                // position p in the super-block: pairs of 32-weight sub-blocks share 32 bytes of qs, the first in
                // the low nibbles
                int p = col % 256, pair = p / 64, high = (p % 64) / 32, l = p % 32;
                int qs = layout == Layout.Q4_K ? 16 : 48;
                int v = (kByte(row, col, qs + 32 * pair + l) >> (4 * high)) & 15;
                if (layout == Layout.Q5_K) v += ((kByte(row, col, 16 + l) >> (2 * pair + high)) & 1) * 16;
                yield v;
            }
            case Q6_K -> {
                // each half of 128 has ql[64], qh[32]; quarter j of a half: ql[l + 32·(j % 2)], nibble j / 2, qh bits 2j
                int p = col % 256, half = p / 128, j = (p % 128) / 32, l = p % 32;
                int low = (kByte(row, col, 64 * half + 32 * (j % 2) + l) >> (4 * (j / 2))) & 15;
                int top = (kByte(row, col, 128 + 32 * half + l) >> (2 * j)) & 3;
                yield (low | top << 4) - 32;
            }
            case F32, F16 -> throw new IllegalStateException(layout + " weights have no quants");
        };
    }

    /** K-quants: the f16 super-block scale d of the weight at (row, col). */
    public float superScale(int row, int col) {
        int at = layout == Layout.Q6_K ? 208 : 0;
        return Float.float16ToFloat((short) (kByte(row, col, at) | kByte(row, col, at + 1) << 8));
    }

    /** Q4_K/Q5_K: the f16 super-block min scale dmin of the weight at (row, col). */
    public float superMin(int row, int col) {
        requireMins();
        return Float.float16ToFloat((short) (kByte(row, col, 2) | kByte(row, col, 3) << 8));
    }

    /**
     * K-quants: the integer scale of the weight at (row, col): the 6-bit scale of its sub-block of 32 (Q4_K/Q5_K,
     * ggml's get_scale_min_k4) or the signed 8-bit scale of its 16 (Q6_K).
     */
    public int subScale(int row, int col) {
        int p = col % 256;
        if (layout == Layout.Q6_K) {
            int half = p / 128, j = (p % 128) / 32, l = p % 32;
            return (byte) kByte(row, col, 192 + 8 * half + 2 * j + l / 16);
        }
        int j = p / 32;
        return j < 4 ? kByte(row, col, 4 + j) & 63
                : (kByte(row, col, 4 + j + 4) & 15) | (kByte(row, col, 4 + j - 4) >> 6) << 4;
    }

    /** Q4_K/Q5_K: the 6-bit min of the sub-block of 32 holding the weight at (row, col). */
    public int subMin(int row, int col) {
        requireMins();
        int j = (col % 256) / 32;
        return j < 4 ? kByte(row, col, 4 + j + 4) & 63
                : (kByte(row, col, 4 + j + 4) >> 4) | (kByte(row, col, 4 + j) >> 6) << 4;
    }

    private void requireMins() {
        if (layout != Layout.Q4_K && layout != Layout.Q5_K) throw new IllegalStateException(layout + " has no mins");
    }

    /** Byte {@code at} of the super-block holding (row, col), unsigned. */
    private int kByte(int row, int col, int at) {
        if (!layout.kQuant()) throw new IllegalStateException(layout + " weights have no super-blocks");
        int bytes = layout == Layout.Q4_K ? 144 : layout == Layout.Q5_K ? 176 : 210;
        return quants.get((row * (cols / 256) + col / 256) * bytes + at) & 0xFF;
    }
}
