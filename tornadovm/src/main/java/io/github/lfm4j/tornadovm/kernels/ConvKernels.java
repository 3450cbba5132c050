package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The LFM2 gated short convolution after in_proj (HF Lfm2ShortConv): with {@code bcx = [B | C | x]},
 * {@code y = C ⊙ causal_conv(B ⊙ x)}, a depthwise convolution of width L over the last L inputs of each channel.
 * One work-item per channel (launch a multiple of 64 covering {@code dim}); the channel's L-1 previous inputs live in
 * {@code state[stateOffset + j·dim + c]} (j = 0 oldest) and are shifted in place, so the state never leaves the
 * device. At position 0 the previous inputs are taken as zero, which makes reset/rewind to 0 free.
 * Taps: {@code taps[c·L + j]}, tap L-1 multiplies the current input. In a prefill chunk ({@code step[BATCH] > 0})
 * it does nothing: {@link PrefillConvKernels} then owns the state.
 */
public final class ConvKernels {
    private ConvKernels() {}

    public static void shortConv(KernelContext ctx, FloatArray bcx, FloatArray taps, FloatArray state, FloatArray y,
                                 IntArray step, int dim, int width, int stateOffset) {
        int c = ctx.globalIdx;
        if (c < dim && step.get(Step.BATCH) == 0) {
            boolean fresh = step.get(Step.POSITION) == 0;
            float bx = bcx.get(c) * bcx.get(2 * dim + c);
            int tb = c * width;
            float acc = 0f;
            for (int j = 0; j < width - 1; j++) {
                float prev = fresh ? 0f : state.get(stateOffset + j * dim + c);
                acc += taps.get(tb + j) * prev;
            }
            acc += taps.get(tb + width - 1) * bx;
            y.set(c, bcx.get(dim + c) * acc);
            for (int j = 0; j < width - 2; j++) {
                float next = fresh ? 0f : state.get(stateOffset + (j + 1) * dim + c);
                state.set(stateOffset + j * dim + c, next);
            }
            if (width > 1) {
                state.set(stateOffset + (width - 2) * dim + c, bx);
            }
        }
    }

    public static void shortConvCpu(FloatArray bcx, FloatArray taps, FloatArray state, FloatArray y, IntArray step,
                                    int dim, int width, int stateOffset) {
        boolean fresh = step.get(Step.POSITION) == 0;
        for (int c = 0; c < dim; c++) {
            float bx = bcx.get(c) * bcx.get(2 * dim + c);
            float[] window = new float[width];
            for (int j = 0; j < width - 1; j++) window[j] = fresh ? 0f : state.get(stateOffset + j * dim + c);
            window[width - 1] = bx;
            float acc = 0f;
            for (int j = 0; j < width; j++) acc += taps.get(c * width + j) * window[j];
            y.set(c, bcx.get(dim + c) * acc);
            for (int j = 0; j < width - 1; j++) state.set(stateOffset + j * dim + c, window[j + 1]);
        }
    }
}
