package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.tornadovm.kernels.NormKernels;
import io.github.lfm4j.tornadovm.kernels.PrefillAttentionKernels;
import io.github.lfm4j.tornadovm.kernels.PrefillConvKernels;
import io.github.lfm4j.tornadovm.kernels.PrefillElementwiseKernels;
import io.github.lfm4j.tornadovm.kernels.PrefillNormKernels;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The prefill half of one layer graph: the tasks that run a chunk of up to {@code maxBatch} tokens through the
 * graph's blocks with matrix-matrix products, next to the decode tasks of the same blocks, sharing their weights, KV
 * cache and conv state (one graph holds both, so no buffer has to cross graphs beyond the residual rows, which
 * travel with the decode vector x). Every prefill task reads n = step[BATCH] and does nothing for a decode step
 * (n = 0); the decode tasks that write state do nothing in a chunk. Holds the graph's per-chunk scratch rows.
 */
final class PrefillTasks {
    private final int maxBatch, dim, heads, headDim, kvDim, convL;
    private final float eps;
    private final FloatArray h, q, k, v, att, bcx, y, gate, up;

    PrefillTasks(Lfm2Config c, int maxBatch) {
        this.maxBatch = maxBatch;
        this.dim = c.dim();
        this.heads = c.heads();
        this.headDim = c.headDim();
        this.kvDim = c.kvHeadCount() * headDim;
        this.convL = c.convCache();
        this.eps = c.rmsEps();
        if (headDim > PrefillAttentionKernels.MAX_HEAD_DIM) {
            throw new IllegalArgumentException("head dimension " + headDim + " is larger than the GPU prefill "
                    + "attention supports (" + PrefillAttentionKernels.MAX_HEAD_DIM + ")");
        }
        int qDim = heads * headDim, ffn = c.ffnDim();
        h = rows(dim);
        q = rows(qDim);
        k = rows(Math.max(1, kvDim));
        v = rows(Math.max(1, kvDim));
        att = rows(qDim);
        bcx = rows(3 * dim);
        y = rows(dim);
        gate = rows(ffn);
        up = rows(ffn);
    }

    private FloatArray rows(int width) {
        long n = (long) maxBatch * width;
        if (n > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("a prefill chunk of " + maxBatch + " tokens does not fit one device "
                    + "array; use a smaller -Dlfm4j.tornado.prefillBatch");
        }
        return new FloatArray((int) n);
    }

    /** The scratch rows, for the graph's transfer declaration and the memory check. */
    Object[] buffers() {
        return new Object[]{h, q, k, v, att, bcx, y, gate, up};
    }

    /** Bytes of the largest scratch array (for the device's per-buffer limit). */
    long largestBufferBytes() {
        long b = 0;
        for (Object o : buffers()) b = Math.max(b, ((FloatArray) o).getNumBytesOfSegment());
        return b;
    }

    /** Rows of the residual stream for a chunk ({@code xs}, carried along the graphs like x). */
    static FloatArray residualRows(Lfm2Config c, int maxBatch) {
        return new FloatArray(Math.multiplyExact(maxBatch, c.dim()));
    }

    /** First graph: the chunk's embeddings into {@code xs}. */
    void embed(GraphBuilder g, DeviceWeights w, IntArray step, FloatArray xs) {
        g.embedRows("p_embed", w.embedding, step, xs, maxBatch);
    }

    /**
     * One block over the chunk: {@code xs += attention or conv(rmsnorm(xs))}, then {@code xs += ffn(rmsnorm(xs))}.
     * {@code cacheOffset}/{@code stateOffset}: where this block's KV cache / conv state sit in the graph's arrays.
     */
    void layer(GraphBuilder g, int l, DeviceWeights.Layer L, FloatArray xs, IntArray step, FloatArray cos,
               FloatArray sin, FloatArray keyCache, FloatArray valueCache, FloatArray convState, int cacheOffset,
               int stateOffset) {
        String p = "p" + l + "_";
        int norms = maxBatch * PrefillNormKernels.LOCAL;
        g.graph().task(g.grid(p + "norm", norms, PrefillNormKernels.LOCAL), PrefillNormKernels::rmsnorm, g.ctx(), xs,
                L.attnNorm(), h, step, dim, eps);
        if (L.attention()) {
            int kvHeads = L.kvHeads();
            g.matmul(p + "q", L.wq(), h, q, false, step, maxBatch);
            g.matmul(p + "k", L.wk(), h, k, false, step, maxBatch);
            g.matmul(p + "v", L.wv(), h, v, false, step, maxBatch);
            g.graph().task(g.grid(p + "rope", maxBatch * (heads + kvHeads) * NormKernels.LOCAL, NormKernels.LOCAL),
                    PrefillNormKernels::qkNormRopeAppend, g.ctx(), q, k, v, L.qNorm(), L.kNorm(), cos, sin, step,
                    keyCache, valueCache, heads, kvHeads, headDim, kvDim, cacheOffset, eps);
            g.graph().task(g.grid(p + "attn", maxBatch * heads * PrefillAttentionKernels.LOCAL,
                            PrefillAttentionKernels.LOCAL), PrefillAttentionKernels::attention, g.ctx(), q, keyCache,
                    valueCache, att, step, heads, headDim, kvDim, heads / kvHeads, cacheOffset,
                    (float) (1.0 / Math.sqrt(headDim)));
            g.matmul(p + "o", L.wo(), att, xs, true, step, maxBatch);
        } else {
            g.matmul(p + "in", L.inProj(), h, bcx, false, step, maxBatch);
            g.graph().task(g.grid(p + "conv", GraphBuilder.roundUp(dim, 64), 64), PrefillConvKernels::shortConv,
                    g.ctx(), bcx, L.convTaps(), convState, y, step, dim, convL, stateOffset);
            g.matmul(p + "out", L.outProj(), y, xs, true, step, maxBatch);
        }
        g.graph().task(g.grid(p + "ffnnorm", norms, PrefillNormKernels.LOCAL), PrefillNormKernels::rmsnorm, g.ctx(),
                xs, L.ffnNorm(), h, step, dim, eps);
        g.matmul(p + "gate", L.gate(), h, gate, false, step, maxBatch);
        g.matmul(p + "up", L.up(), h, up, false, step, maxBatch);
        int ffn = L.gate().rows();
        g.graph().task(g.grid(p + "swiglu", GraphBuilder.roundUp(maxBatch * ffn, 64), 64),
                PrefillElementwiseKernels::swiglu, g.ctx(), gate, up, step, ffn);
        g.matmul(p + "down", L.down(), gate, xs, true, step, maxBatch);
    }

    /** Last graph: the chunk's last residual row into the decode vector x, which the head reads. */
    static void lastRow(GraphBuilder g, FloatArray xs, FloatArray x, IntArray step, int dim) {
        g.graph().task(g.grid("p_last", GraphBuilder.roundUp(dim, 64), 64), PrefillElementwiseKernels::lastRow,
                g.ctx(), xs, x, step, dim);
    }
}
