package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Shared frame of the Vector API kernels. A subclass knows one ggml type: it decodes a row of blocks to floats
 * ({@link #decodeRow}) and usually overrides {@link #matvec} with a dot product fused with the block decoding.
 * The prefill {@link #matmul} is common to all types: it decodes {@value #ROW_TILE} rows at a time into a
 * per-thread scratch (only those rows, never the whole tensor), then multiplies them against a cache-sized block
 * of tokens with {@link FloatTiles}, so each block is decoded once per token block instead of once per token.
 * Four rows × three tokens is the main tile (each activation vector, streamed from L2, serves four rows; measured
 * 15-25% faster than two rows × four tokens); the edges use smaller tiles.
 */
abstract class RowDecodingKernel implements MatrixKernel {
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Rows decoded together; two tiles of two rows. */
    static final int ROW_TILE = 4;
    /**
     * Activation bytes kept hot per token block: half of a 1 MiB L2, next to the decoded rows (measured on the
     * 2048×8192 FFN-down shape: 256 KiB blocks of only 8 tokens left 15% on the table, 768 KiB was no better).
     */
    private static final int TOKEN_BLOCK_BYTES = 512 * 1024;

    final MemorySegment data;
    final int rows, cols;
    final long rowBytes;
    private final ThreadLocal<float[]> scratch;

    RowDecodingKernel(Tensor w) {
        this(w, w.data());
    }

    /** A kernel over {@code w}'s shape whose encoded rows are {@code data} (the tensor's own bytes, or a repacking). */
    RowDecodingKernel(Tensor w, MemorySegment data) {
        VectorWidth.bits(); // a bad -Dlfm4j.vectorBits fails here, at the first kernel, as a one-line error
        this.data = data;
        this.rows = Math.toIntExact(w.rows());
        this.cols = Math.toIntExact(w.cols());
        this.rowBytes = w.rowBytes();
        if (data.byteSize() < rowBytes * rows) {
            throw new IllegalArgumentException("tensor " + w.name() + " has " + data.byteSize() + " bytes, its shape "
                    + w.info().shape() + " needs " + rowBytes * rows);
        }
        this.scratch = ThreadLocal.withInitial(() -> new float[ROW_TILE * cols]);
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    /** Writes row {@code row}'s {@code cols} values to {@code dst[off .. off+cols)}. */
    abstract void decodeRow(int row, float[] dst, int off);

    @Override
    public final void row(int r, float[] dst, int off) {
        if (r < 0 || r >= rows) throw new IllegalArgumentException("row " + r + " is outside [0, " + rows + ")");
        if (off < 0 || off > dst.length - cols) {
            throw new IllegalArgumentException("no room for " + cols + " values at " + off + " in " + dst.length);
        }
        decodeRow(r, dst, off);
    }

    /** Plain decode-then-dot; types with a fused dot product override this. */
    @Override
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        checkArguments(x, 1, out, rowStart, rowEnd);
        float[] w = scratch.get();
        for (int r = rowStart; r < rowEnd; r++) {
            decodeRow(r, w, 0);
            out[r] = FloatTiles.dot(w, 0, x, 0, cols);
        }
    }

    @Override
    public void matmul(float[] x, int n, float[] out, int rowStart, int rowEnd) {
        if (n == 1) {
            matvec(x, out, rowStart, rowEnd);
            return;
        }
        checkArguments(x, n, out, rowStart, rowEnd);
        float[] w = scratch.get();
        int tokenBlock = Math.max(4, (TOKEN_BLOCK_BYTES / (4 * cols)) & ~3);
        for (int t0 = 0; t0 < n; t0 += tokenBlock) {
            int t1 = Math.min(n, t0 + tokenBlock);
            for (int r0 = rowStart; r0 < rowEnd; r0 += ROW_TILE) {
                int rc = Math.min(ROW_TILE, rowEnd - r0);
                for (int i = 0; i < rc; i++) decodeRow(r0 + i, w, i * cols);
                multiplyDecoded(w, rc, r0, x, t0, t1, out);
            }
        }
    }

    /** The {@code rc} decoded rows in {@code w} (first one is row {@code r0}) times tokens {@code [t0, t1)}. */
    private void multiplyDecoded(float[] w, int rc, int r0, float[] x, int t0, int t1, float[] out) {
        if (rc == 4) {
            int t = t0;
            for (; t + 3 <= t1; t += 3) {
                int xo = t * cols;
                FloatTiles.tile4x3(w, 0, x, xo, xo + cols, xo + 2 * cols, cols, out, t * rows + r0, rows);
            }
            for (; t < t1; t++) {
                for (int r = 0; r < 4; r++) out[t * rows + r0 + r] = FloatTiles.dot(w, r * cols, x, t * cols, cols);
            }
            return;
        }
        int r = 0;
        for (; r + 2 <= rc; r += 2) {
            int w0 = r * cols, w1 = w0 + cols;
            int t = t0;
            for (; t + 4 <= t1; t += 4) {
                int xo = t * cols;
                FloatTiles.tile2x4(w, w0, w1, x, xo, xo + cols, xo + 2 * cols, xo + 3 * cols, cols, out, t * rows + r0 + r, rows);
            }
            for (; t < t1; t++) {
                out[t * rows + r0 + r] = FloatTiles.dot(w, w0, x, t * cols, cols);
                out[t * rows + r0 + r + 1] = FloatTiles.dot(w, w1, x, t * cols, cols);
            }
        }
        if (r < rc) {
            int w0 = r * cols;
            int t = t0;
            for (; t + 4 <= t1; t += 4) {
                int xo = t * cols;
                FloatTiles.tile1x4(w, w0, x, xo, xo + cols, xo + 2 * cols, xo + 3 * cols, cols, out, t * rows + r0 + r, rows);
            }
            for (; t < t1; t++) out[t * rows + r0 + r] = FloatTiles.dot(w, w0, x, t * cols, cols);
        }
    }

    /**
     * Cheap per-call bounds checks, so a caller's mistake is a one-line exception rather than a wrong answer;
     * {@code x} is null for an input checked elsewhere (already rounded to int8).
     */
    final void checkArguments(float[] x, int n, float[] out, int rowStart, int rowEnd) {
        if (rowStart < 0 || rowEnd > rows || rowStart > rowEnd) {
            throw new IllegalArgumentException("row range [" + rowStart + ", " + rowEnd + ") is outside [0, " + rows + ")");
        }
        if (n < 1) throw new IllegalArgumentException("token count must be positive, got " + n);
        if (x != null && x.length < (long) n * cols) {
            throw new IllegalArgumentException("activations hold " + x.length + " floats, " + n + " x " + cols + " needed");
        }
        if (out.length < (long) n * rows) {
            throw new IllegalArgumentException("output holds " + out.length + " floats, " + n + " x " + rows + " needed");
        }
    }

    /** The IEEE half at byte {@code offset} of the weights. */
    final float f16(long offset) {
        return Float.float16ToFloat(data.get(LE_SHORT, offset));
    }
}
