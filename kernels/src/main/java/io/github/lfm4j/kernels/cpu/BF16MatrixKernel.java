package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static io.github.lfm4j.kernels.cpu.VectorWidth.F;
import static io.github.lfm4j.kernels.cpu.VectorWidth.FL;

/** BF16 weights (bfloat16, little-endian), widened to floats one vector ({@link VectorWidth#FL} lanes) at a time by {@link HalfFloats#bf16}. */
final class BF16MatrixKernel extends RowDecodingKernel {

    BF16MatrixKernel(Tensor w) {
        super(w);
    }

    @Override
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        checkArguments(x, 1, out, rowStart, rowEnd);
        for (int r = rowStart; r < rowEnd; r++) out[r] = dotRow(r * rowBytes, x);
    }

    private float dotRow(long base, float[] x) {
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= cols - 2 * FL; i += 2 * FL) {
            s0 = HalfFloats.bf16(data, base + 2L * i).fma(FloatVector.fromArray(F, x, i), s0);
            s1 = HalfFloats.bf16(data, base + 2L * (i + FL)).fma(FloatVector.fromArray(F, x, i + FL), s1);
        }
        for (; i <= cols - FL; i += FL) s0 = HalfFloats.bf16(data, base + 2L * i).fma(FloatVector.fromArray(F, x, i), s0);
        float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) sum += value(base, i) * x[i];
        return sum;
    }

    private float value(long base, int i) {
        return Float.intBitsToFloat((data.get(LE_SHORT, base + 2L * i) & 0xFFFF) << 16);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        int i = 0;
        for (; i <= cols - FL; i += FL) HalfFloats.bf16(data, base + 2L * i).intoArray(dst, off + i);
        for (; i < cols; i++) dst[off + i] = value(base, i);
    }
}
