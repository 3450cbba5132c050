package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

import static io.github.lfm4j.kernels.cpu.FloatTiles.F;

/**
 * Q4_0: blocks of 32 weights stored as {@code {f16 d; uint8 qs[16]}} (18 bytes); byte j holds weight j in its low
 * nibble and weight j+16 in its high nibble, weight = d·(nibble − 8). Eight quant bytes are widened to eight int
 * lanes once, and both nibbles are split off there (AVX2 has no byte shifts), giving two float vectors per load.
 * Activations stay float (no int8 rounding of x).
 */
final class Q4_0MatrixKernel extends RowDecodingKernel {
    static final int BLOCK = 32, BLOCK_BYTES = 18;
    private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    Q4_0MatrixKernel(Tensor w) {
        super(w);
    }

    private IntVector bytes(long offset) {
        return (IntVector) ByteVector.fromMemorySegment(B64, data, offset, LE).castShape(I, 0);
    }

    private static FloatVector low(IntVector q) {
        return (FloatVector) q.and(0x0F).sub(8).convert(VectorOperators.I2F, 0);
    }

    private static FloatVector high(IntVector q) {
        return (FloatVector) q.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0);
    }

    @Override
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        checkArguments(x, 1, out, rowStart, rowEnd);
        int blocks = cols / BLOCK;
        for (int r = rowStart; r < rowEnd; r++) out[r] = dotRow(r * rowBytes, x, blocks);
    }

    private float dotRow(long base, float[] x, int blocks) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int b = 0;
        for (; b + 2 <= blocks; b += 2) {
            long o = base + (long) BLOCK_BYTES * b;
            acc0 = block(o, x, BLOCK * b).fma(FloatVector.broadcast(F, f16(o)), acc0);
            acc1 = block(o + BLOCK_BYTES, x, BLOCK * b + BLOCK).fma(FloatVector.broadcast(F, f16(o + BLOCK_BYTES)), acc1);
        }
        if (b < blocks) {
            long o = base + (long) BLOCK_BYTES * b;
            acc0 = block(o, x, BLOCK * b).fma(FloatVector.broadcast(F, f16(o)), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Unscaled Σ (q−8)·x over one block, as 8 partial lanes. */
    private FloatVector block(long o, float[] x, int xo) {
        IntVector q0 = bytes(o + 2), q1 = bytes(o + 10);
        FloatVector s0 = low(q0).mul(FloatVector.fromArray(F, x, xo));
        FloatVector s1 = low(q1).mul(FloatVector.fromArray(F, x, xo + 8));
        s0 = high(q0).fma(FloatVector.fromArray(F, x, xo + 16), s0);
        s1 = high(q1).fma(FloatVector.fromArray(F, x, xo + 24), s1);
        return s0.add(s1);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            FloatVector d = FloatVector.broadcast(F, f16(o));
            int p = off + BLOCK * b;
            IntVector q0 = bytes(o + 2), q1 = bytes(o + 10);
            low(q0).mul(d).intoArray(dst, p);
            low(q1).mul(d).intoArray(dst, p + 8);
            high(q0).mul(d).intoArray(dst, p + 16);
            high(q1).mul(d).intoArray(dst, p + 24);
        }
    }
}
