package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.kernels.cache.KvCache;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal grouped-query attention over a {@link KvCache} in its stored type, one KV head at a time, with an online
 * softmax over tiles of {@link #TILE} positions (as flash attention): no scores buffer of context size is needed,
 * and each tile of keys and values is converted to floats once and then used by every query that sees it: the
 * {@code group} query heads sharing the KV head and, in a prefill, every token of the batch. So decode (one token,
 * a few query rows) reads the cache once per KV head, and a long prefill is compute-bound rather than memory-bound.
 *
 * <p>Per query row (a token and a query head): running maximum {@code m}, running sum {@code l} and an unnormalised
 * output; a tile with maximum {@code m'} rescales them by {@code exp(m − m')}; the output is divided by {@code l}
 * at the end. The products are register-blocked: four query rows at once, two vectors of positions (scores) or of
 * dimensions (weighted sum) per row, so eight independent FMA chains.
 *
 * <p>Not thread-safe: one instance per thread (its tiles are scratch).
 */
public final class TiledAttention {
    /** Positions per tile: the cache's own ({@link KvCache#TILE}), so a tile is one contiguous stretch. */
    public static final int TILE = KvCache.TILE;
    private static final VectorSpecies<Float> F = VectorWidth.F_PREFERRED;
    private static final int L = F.length();
    private static final int ROWS = 4;

    private final int headDim;
    private final float[] keyTile, valueTile, scaleScratch, p = new float[ROWS * TILE];
    private float[] rowMax = new float[0], rowSum = new float[0];

    /** @throws IllegalArgumentException when the head size is not a multiple of the vector width */
    public TiledAttention(int headDim) {
        if (headDim % L != 0) {
            throw new IllegalArgumentException("head size " + headDim + " is not a multiple of the vector width " + L);
        }
        this.headDim = headDim;
        this.keyTile = new float[headDim * TILE];
        this.valueTile = new float[TILE * headDim];
        this.scaleScratch = new float[KvCache.keyScratchSize(headDim)];
    }

    /**
     * Attention of tokens {@code t < n} at positions {@code position + t} (each sees positions {@code ≤} its own,
     * already in the cache) for the {@code group} query heads {@code h0 .. h0+group} that share KV head {@code g}.
     * Query head {@code hh} of token {@code t} is read from {@code q[t·rowStride + hh·headDim ..]} and its output
     * written to {@code out} at the same offset.
     */
    public void run(KvCache cache, int g, int h0, int group, int position, int n, float[] q, int rowStride,
                    float[] out, float scale) {
        int rows = n * group;
        if (rowMax.length < rows) {
            rowMax = new float[rows];
            rowSum = new float[rows];
        }
        java.util.Arrays.fill(rowMax, 0, rows, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(rowSum, 0, rows, 0f);
        for (int t = 0; t < n; t++) {
            int o = t * rowStride + h0 * headDim;
            java.util.Arrays.fill(out, o, o + group * headDim, 0f);
        }
        int end = position + n;
        for (int p0 = 0; p0 < end; p0 += TILE) {
            int count = Math.min(TILE, end - p0);
            cache.keysAsFloat(g, p0, keyTile, scaleScratch);
            cache.valuesAsFloat(g, p0, count, valueTile);
            for (int t = Math.max(0, p0 - position); t < n; t++) {
                int valid = Math.min(count, position + t + 1 - p0);
                for (int r0 = 0; r0 < group; r0 += ROWS) {
                    int rs = Math.min(ROWS, group - r0);
                    int qo = t * rowStride + (h0 + r0) * headDim;
                    scores(q, qo, rs, valid);
                    for (int r = 0; r < rs; r++) {
                        int row = t * group + r0 + r;
                        float corr = softmaxStep(r, valid, scale, row);
                        if (corr != 1f) scaleRow(out, qo + r * headDim, corr);
                    }
                    if (headDim % (2 * L) == 0) accumulatePairs(out, qo, rs, valid);
                    else accumulate(out, qo, rs, valid);
                }
            }
        }
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < group; r++) {
                float inv = 1f / rowSum[t * group + r];
                int o = t * rowStride + (h0 + r) * headDim;
                for (int i = 0; i < headDim; i++) out[o + i] *= inv;
            }
        }
    }

    /** {@code p[r·TILE + j] = q_r · key_j} for the tile's first {@code valid} positions (whole vectors). */
    private void scores(float[] q, int qo, int rs, int valid) {
        int q1 = qo + Math.min(1, rs - 1) * headDim, q2 = qo + Math.min(2, rs - 1) * headDim;
        int q3 = qo + Math.min(3, rs - 1) * headDim;
        float[] kt = keyTile;
        for (int j = 0; j < valid; j += 2 * L) {
            FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00;
            FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            for (int i = 0; i < headDim; i++) {
                FloatVector k0 = FloatVector.fromArray(F, kt, i * TILE + j);
                FloatVector k1 = FloatVector.fromArray(F, kt, i * TILE + j + L);
                FloatVector b = FloatVector.broadcast(F, q[qo + i]);
                a00 = b.fma(k0, a00);
                a01 = b.fma(k1, a01);
                b = FloatVector.broadcast(F, q[q1 + i]);
                a10 = b.fma(k0, a10);
                a11 = b.fma(k1, a11);
                b = FloatVector.broadcast(F, q[q2 + i]);
                a20 = b.fma(k0, a20);
                a21 = b.fma(k1, a21);
                b = FloatVector.broadcast(F, q[q3 + i]);
                a30 = b.fma(k0, a30);
                a31 = b.fma(k1, a31);
            }
            a00.intoArray(p, j);
            a01.intoArray(p, j + L);
            a10.intoArray(p, TILE + j);
            a11.intoArray(p, TILE + j + L);
            a20.intoArray(p, 2 * TILE + j);
            a21.intoArray(p, 2 * TILE + j + L);
            a30.intoArray(p, 3 * TILE + j);
            a31.intoArray(p, 3 * TILE + j + L);
        }
    }

    /**
     * Turns row {@code r}'s scores into {@code exp(scale·s − m')} in place and updates its running maximum and sum;
     * returns {@code exp(m − m')}, the factor for the output accumulated so far.
     */
    private float softmaxStep(int r, int valid, float scale, int row) {
        int off = r * TILE;
        FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < valid; j += L) {
            VectorMask<Float> in = F.indexInRange(j, valid);
            FloatVector s = FloatVector.fromArray(F, p, off + j).mul(scale)
                    .blend(Float.NEGATIVE_INFINITY, in.not());
            s.intoArray(p, off + j);
            vmax = vmax.max(s);
        }
        float mOld = rowMax[row];
        float mNew = Math.max(mOld, vmax.reduceLanes(VectorOperators.MAX));
        FloatVector vm = FloatVector.broadcast(F, mNew), sum = FloatVector.zero(F);
        for (int j = 0; j < valid; j += L) {
            FloatVector e = FloatVector.fromArray(F, p, off + j).sub(vm).lanewise(VectorOperators.EXP);
            e.intoArray(p, off + j);
            sum = sum.add(e);
        }
        float corr = mOld == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(mOld - mNew);
        rowMax[row] = mNew;
        rowSum[row] = rowSum[row] * corr + sum.reduceLanes(VectorOperators.ADD);
        return mOld == mNew ? 1f : corr;
    }

    private void scaleRow(float[] out, int o, float corr) {
        for (int i = 0; i < headDim; i += L) FloatVector.fromArray(F, out, o + i).mul(corr).intoArray(out, o + i);
    }

    /** {@code out_r += Σ_j p[r·TILE + j] · value_j}, two vectors of dimensions per row at a time. */
    private void accumulatePairs(float[] out, int qo, int rs, int valid) {
        float[] vt = valueTile;
        int hd = headDim;
        // rows beyond rs repeat the last one: computed, never stored
        int r1 = Math.min(1, rs - 1), r2 = Math.min(2, rs - 1), r3 = Math.min(3, rs - 1);
        for (int i = 0; i < hd; i += 2 * L) {
            int o0 = qo + i, o1 = qo + r1 * hd + i, o2 = qo + r2 * hd + i, o3 = qo + r3 * hd + i;
            FloatVector c00 = FloatVector.fromArray(F, out, o0), c01 = FloatVector.fromArray(F, out, o0 + L);
            FloatVector c10 = FloatVector.fromArray(F, out, o1), c11 = FloatVector.fromArray(F, out, o1 + L);
            FloatVector c20 = FloatVector.fromArray(F, out, o2), c21 = FloatVector.fromArray(F, out, o2 + L);
            FloatVector c30 = FloatVector.fromArray(F, out, o3), c31 = FloatVector.fromArray(F, out, o3 + L);
            for (int j = 0; j < valid; j++) {
                FloatVector v0 = FloatVector.fromArray(F, vt, j * hd + i);
                FloatVector v1 = FloatVector.fromArray(F, vt, j * hd + i + L);
                FloatVector b = FloatVector.broadcast(F, p[j]);
                c00 = b.fma(v0, c00);
                c01 = b.fma(v1, c01);
                b = FloatVector.broadcast(F, p[r1 * TILE + j]);
                c10 = b.fma(v0, c10);
                c11 = b.fma(v1, c11);
                b = FloatVector.broadcast(F, p[r2 * TILE + j]);
                c20 = b.fma(v0, c20);
                c21 = b.fma(v1, c21);
                b = FloatVector.broadcast(F, p[r3 * TILE + j]);
                c30 = b.fma(v0, c30);
                c31 = b.fma(v1, c31);
            }
            // store the repeated rows first so that each real row's own value is the one left
            c30.intoArray(out, o3);
            c31.intoArray(out, o3 + L);
            c20.intoArray(out, o2);
            c21.intoArray(out, o2 + L);
            c10.intoArray(out, o1);
            c11.intoArray(out, o1 + L);
            c00.intoArray(out, o0);
            c01.intoArray(out, o0 + L);
        }
    }

    /** As {@link #accumulatePairs} with one vector of dimensions per row (head sizes that are an odd number of vectors). */
    private void accumulate(float[] out, int qo, int rs, int valid) {
        float[] vt = valueTile;
        int hd = headDim;
        int r1 = Math.min(1, rs - 1), r2 = Math.min(2, rs - 1), r3 = Math.min(3, rs - 1);
        for (int i = 0; i < hd; i += L) {
            int o0 = qo + i, o1 = qo + r1 * hd + i, o2 = qo + r2 * hd + i, o3 = qo + r3 * hd + i;
            FloatVector c0 = FloatVector.fromArray(F, out, o0), c1 = FloatVector.fromArray(F, out, o1);
            FloatVector c2 = FloatVector.fromArray(F, out, o2), c3 = FloatVector.fromArray(F, out, o3);
            for (int j = 0; j < valid; j++) {
                FloatVector v = FloatVector.fromArray(F, vt, j * hd + i);
                c0 = FloatVector.broadcast(F, p[j]).fma(v, c0);
                c1 = FloatVector.broadcast(F, p[r1 * TILE + j]).fma(v, c1);
                c2 = FloatVector.broadcast(F, p[r2 * TILE + j]).fma(v, c2);
                c3 = FloatVector.broadcast(F, p[r3 * TILE + j]).fma(v, c3);
            }
            c3.intoArray(out, o3);
            c2.intoArray(out, o2);
            c1.intoArray(out, o1);
            c0.intoArray(out, o0);
        }
    }
}
