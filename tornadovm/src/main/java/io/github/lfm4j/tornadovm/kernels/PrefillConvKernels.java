package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The gated short convolution of {@link ConvKernels} over the {@code n = step[BATCH]} positions of a prefill chunk:
 * {@code y[t] = C[t] ⊙ Σ_j taps[j] · (B⊙x)[t - (L-1) + j]}, where inputs before the chunk come from the conv state
 * (zero when the chunk starts at position 0). Afterwards the state holds the last L-1 inputs (from the chunk, or
 * still partly from the old state when n < L-1), so decode steps and later chunks continue from it. One work-item
 * per channel walks the chunk's positions in order; launch a multiple of 64 covering {@code dim}.
 * Rows: {@code bcx[t·3·dim + ...] = [B | C | x]}, {@code y[t·dim + c]}.
 */
public final class PrefillConvKernels {
    private PrefillConvKernels() {}

    public static void shortConv(KernelContext ctx, FloatArray bcx, FloatArray taps, FloatArray state, FloatArray y,
                                 IntArray step, int dim, int width, int stateOffset) {
        int c = ctx.globalIdx;
        int n = step.get(Step.BATCH);
        if (c < dim && n > 0) {
            boolean fresh = step.get(Step.POSITION) == 0;
            int row = 3 * dim;
            int tb = c * width;
            for (int t = 0; t < n; t++) {
                float acc = 0f;
                for (int j = 0; j < width; j++) {
                    int time = t - (width - 1) + j;
                    float src = 0f;
                    if (time >= 0) {
                        src = bcx.get(time * row + c) * bcx.get(time * row + 2 * dim + c);
                    } else if (!fresh) {
                        src = state.get(stateOffset + (width - 1 + time) * dim + c);
                    }
                    acc += taps.get(tb + j) * src;
                }
                y.set(t * dim + c, bcx.get(t * row + dim + c) * acc);
            }
            // ascending j reads slot L-1+time = n+j > j of the old state before it is overwritten
            for (int j = 0; j < width - 1; j++) {
                int time = n - (width - 1) + j;
                float next = 0f;
                if (time >= 0) {
                    next = bcx.get(time * row + c) * bcx.get(time * row + 2 * dim + c);
                } else if (!fresh) {
                    next = state.get(stateOffset + (width - 1 + time) * dim + c);
                }
                state.set(stateOffset + j * dim + c, next);
            }
        }
    }

    /** Twin: the one-token twin {@link ConvKernels#shortConvCpu} applied position by position. */
    public static void shortConvCpu(FloatArray bcx, FloatArray taps, FloatArray state, FloatArray y, IntArray step,
                                    int dim, int width, int stateOffset) {
        int n = step.get(Step.BATCH);
        FloatArray row = new FloatArray(3 * dim), out = new FloatArray(dim);
        IntArray one = new IntArray(Step.SIZE);
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < 3 * dim; i++) row.set(i, bcx.get(t * 3 * dim + i));
            one.set(Step.POSITION, step.get(Step.POSITION) + t);
            ConvKernels.shortConvCpu(row, taps, state, out, one, dim, width, stateOffset);
            for (int i = 0; i < dim; i++) y.set(t * dim + i, out.get(i));
        }
    }
}
