package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static io.github.lfm4j.kernels.cpu.VectorWidth.F;
import static io.github.lfm4j.kernels.cpu.VectorWidth.FL;

/** F32 weights, read as little-endian floats straight from the mapped file. */
final class F32MatrixKernel extends RowDecodingKernel {

    F32MatrixKernel(Tensor w) {
        super(w);
    }

    @Override
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        checkArguments(x, 1, out, rowStart, rowEnd);
        for (int r = rowStart; r < rowEnd; r++) out[r] = dotRow(r * rowBytes, x);
    }

    private float dotRow(long base, float[] x) {
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
        int i = 0;
        for (; i <= cols - 4 * FL; i += 4 * FL) {
            long o = base + 4L * i;
            s0 = load(o).fma(FloatVector.fromArray(F, x, i), s0);
            s1 = load(o + 4L * FL).fma(FloatVector.fromArray(F, x, i + FL), s1);
            s2 = load(o + 8L * FL).fma(FloatVector.fromArray(F, x, i + 2 * FL), s2);
            s3 = load(o + 12L * FL).fma(FloatVector.fromArray(F, x, i + 3 * FL), s3);
        }
        for (; i <= cols - FL; i += FL) s0 = load(base + 4L * i).fma(FloatVector.fromArray(F, x, i), s0);
        float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) sum += data.get(LE_FLOAT, base + 4L * i) * x[i];
        return sum;
    }

    private FloatVector load(long offset) {
        return FloatVector.fromMemorySegment(F, data, offset, ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        MemorySegment.copy(data, LE_FLOAT, row * rowBytes, dst, off, cols);
    }
}
