package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

import static io.github.lfm4j.kernels.cpu.FloatTiles.F;

/**
 * Q8_0: blocks of 32 weights stored as {@code {f16 d; int8 qs[32]}} (34 bytes), weight = d·qs[j]. The matvec reads
 * 8 quants at a time, sign-extends them straight into a float vector and multiplies with the float activations;
 * the block scale is applied once per block. Activations stay float (no int8 rounding of x).
 */
final class Q8_0MatrixKernel extends RowDecodingKernel {
    static final int BLOCK = 32, BLOCK_BYTES = 34;
    private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    Q8_0MatrixKernel(Tensor w) {
        super(w);
    }

    private FloatVector quants(long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(B64, data, offset, LE).castShape(F, 0);
    }

    @Override
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        checkArguments(x, 1, out, rowStart, rowEnd);
        int blocks = cols / BLOCK;
        int r = rowStart;
        for (; r + 2 <= rowEnd; r += 2) dotTwoRows(r, x, blocks, out);
        if (r < rowEnd) out[r] = dotRow(r * rowBytes, x, blocks);
    }

    private float dotRow(long base, float[] x, int blocks) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            int xo = BLOCK * b;
            FloatVector s01 = quants(o + 2).mul(FloatVector.fromArray(F, x, xo));
            s01 = quants(o + 10).fma(FloatVector.fromArray(F, x, xo + 8), s01);
            FloatVector s23 = quants(o + 18).mul(FloatVector.fromArray(F, x, xo + 16));
            s23 = quants(o + 26).fma(FloatVector.fromArray(F, x, xo + 24), s23);
            acc = s01.add(s23).fma(FloatVector.broadcast(F, f16(o)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Two rows per pass so each activation vector is loaded once for both. */
    private void dotTwoRows(int r, float[] x, int blocks, float[] out) {
        long base0 = r * rowBytes, base1 = base0 + rowBytes;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long o0 = base0 + (long) BLOCK_BYTES * b, o1 = base1 + (long) BLOCK_BYTES * b;
            int xo = BLOCK * b;
            FloatVector x0 = FloatVector.fromArray(F, x, xo);
            FloatVector x1 = FloatVector.fromArray(F, x, xo + 8);
            FloatVector x2 = FloatVector.fromArray(F, x, xo + 16);
            FloatVector x3 = FloatVector.fromArray(F, x, xo + 24);
            FloatVector a = quants(o0 + 2).mul(x0);
            a = quants(o0 + 10).fma(x1, a);
            FloatVector a2 = quants(o0 + 18).mul(x2);
            a2 = quants(o0 + 26).fma(x3, a2);
            acc0 = a.add(a2).fma(FloatVector.broadcast(F, f16(o0)), acc0);
            FloatVector c = quants(o1 + 2).mul(x0);
            c = quants(o1 + 10).fma(x1, c);
            FloatVector c2 = quants(o1 + 18).mul(x2);
            c2 = quants(o1 + 26).fma(x3, c2);
            acc1 = c.add(c2).fma(FloatVector.broadcast(F, f16(o1)), acc1);
        }
        out[r] = acc0.reduceLanes(VectorOperators.ADD);
        out[r + 1] = acc1.reduceLanes(VectorOperators.ADD);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            FloatVector d = FloatVector.broadcast(F, f16(o));
            int p = off + BLOCK * b;
            quants(o + 2).mul(d).intoArray(dst, p);
            quants(o + 10).mul(d).intoArray(dst, p + 8);
            quants(o + 18).mul(d).intoArray(dst, p + 16);
            quants(o + 26).mul(d).intoArray(dst, p + 24);
        }
    }
}
