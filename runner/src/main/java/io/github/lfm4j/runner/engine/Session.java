package io.github.lfm4j.runner.engine;

import io.github.lfm4j.kernels.cache.KvCache;
import io.github.lfm4j.kernels.cache.KvCacheType;
import io.github.lfm4j.kernels.cpu.MatrixKernel;
import io.github.lfm4j.kernels.cpu.Parallel;
import io.github.lfm4j.kernels.cpu.TiledAttention;
import io.github.lfm4j.kernels.cpu.VectorOps;
import io.github.lfm4j.model.lfm2.Lfm2Config;

import java.util.TreeMap;

/**
 * The state of one conversation with an {@link Lfm2Model}: the KV cache of the attention layers, the conv state of
 * the short-convolution layers, the position, and the activation buffers. Not thread-safe: one session is driven by
 * one thread at a time (the matrix products inside are parallelised by the model's workers).
 *
 * <p>Tokens are processed with {@link #prefill} (batches of tokens, matrix-matrix products) and {@link #decode}
 * (one token, matrix-vector products). Both return the logits of the last token in a buffer owned by the session
 * that stays valid until the next call; copy it to keep it.
 *
 * <p>Rewinding (to reuse a shared conversation prefix in the next chat turn) is possible to the current position, to
 * 0, and to any position where a {@code prefill} call ended: the KV cache is simply truncated, but the conv state is
 * a summary of all past tokens, so a small copy of it is kept at the end of each prefill.
 */
public final class Session implements EngineSession {
    static final int DEFAULT_BATCH = 128;
    /** Checkpoints kept for {@link #rewind}; each is (convCache-1)·dim floats per conv layer (~160 KB at 1.2B). */
    private static final int MAX_CHECKPOINTS = 32;

    private final Lfm2Model model;
    private final Lfm2Config cfg;
    private final int context, batch;
    private final int dim, ffn, heads, headDim, kvDim, qDim, convL, vocab;
    private final float eps;

    /** Per attention layer, its keys and values in the session's cache types (blocks allocated as it grows). */
    private final KvCache[] kvCache;
    private final KvCacheType keyType, valueType;
    private final float[][] convState;              // [conv layer][j · dim + c], j = 0 oldest of the convL-1 inputs
    private final TreeMap<Integer, float[][]> checkpoints = new TreeMap<>();
    private int position;

    // activations for up to `batch` tokens, vector t of width w at t·w
    private final float[] x, h, bcx, bx, y, o, q, k, v, att, gate, up;
    private final float[] cos, sin, logits, last;
    private final MatmulRunner matmul;
    private final AttentionRunner attention;
    /** Per layer, the products that read the same normed input, run together as one parallel job. */
    private final MatrixKernel[][] qkv, gateUp;
    private final float[][] qkvOut, gateUpOut;

    Session(Lfm2Model model, int context, int batch, KvCacheType keyType, KvCacheType valueType) {
        this.model = model;
        this.cfg = model.config();
        if (context < 1 || context > cfg.contextLength()) {
            throw new IllegalArgumentException("context of " + context + " tokens is outside [1, "
                    + cfg.contextLength() + "] (the model's trained context)");
        }
        if (batch < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
        this.context = context;
        this.batch = Math.min(batch, context);
        this.dim = cfg.dim();
        this.ffn = cfg.ffnDim();
        this.heads = cfg.heads();
        this.headDim = cfg.headDim();
        this.kvDim = cfg.kvHeadCount() * headDim;
        this.qDim = heads * headDim;
        this.convL = cfg.convCache();
        this.vocab = cfg.vocabSize();
        this.eps = cfg.rmsEps();
        this.keyType = java.util.Objects.requireNonNull(keyType, "keyType");
        this.valueType = java.util.Objects.requireNonNull(valueType, "valueType");
        this.kvCache = new KvCache[cfg.attentionLayerCount()];
        for (int i = 0; i < kvCache.length; i++) {
            kvCache[i] = new KvCache(keyType, valueType, cfg.kvHeadCount(), headDim, context);
        }
        this.convState = new float[cfg.convLayerCount()][(convL - 1) * dim];
        int b = this.batch;
        x = new float[b * dim];
        h = new float[b * dim];
        bcx = new float[b * 3 * dim];
        bx = new float[b * dim];
        y = new float[b * dim];
        o = new float[b * dim];
        q = new float[b * qDim];
        k = new float[b * kvDim];
        v = new float[b * kvDim];
        att = new float[b * qDim];
        gate = new float[b * ffn];
        up = new float[b * ffn];
        cos = new float[b * headDim / 2];
        sin = new float[b * headDim / 2];
        logits = new float[vocab];
        last = new float[dim];
        matmul = new MatmulRunner(model.parallel());
        qkv = new MatrixKernel[cfg.layers()][];
        gateUp = new MatrixKernel[cfg.layers()][];
        for (int l = 0; l < cfg.layers(); l++) {
            Lfm2Model.Layer layer = model.layer(l);
            gateUp[l] = new MatrixKernel[]{layer.gate(), layer.up()};
            if (layer.attention()) qkv[l] = new MatrixKernel[]{layer.wq(), layer.wk(), layer.wv()};
        }
        qkvOut = new float[][]{q, k, v};
        attention = new AttentionRunner();
        gateUpOut = new float[][]{gate, up};
    }

    public Lfm2Model model() {
        return model;
    }

    /** Number of tokens processed so far (the position the next token will take). */
    @Override
    public int position() {
        return position;
    }

    /** Maximum number of tokens this session holds. */
    @Override
    public int context() {
        return context;
    }

    /** Forgets the conversation: position 0, empty caches. */
    @Override
    public void reset() {
        position = 0;
        for (float[] s : convState) java.util.Arrays.fill(s, 0f);
        checkpoints.clear();
    }

    /** True when {@link #rewind} to {@code pos} is possible. */
    @Override
    public boolean canRewindTo(int pos) {
        return pos == position || pos == 0 || (pos < position && checkpoints.containsKey(pos));
    }

    /**
     * The largest position at most {@code pos} that {@link #rewind} accepts: where a caller reusing a shared prefix
     * of {@code pos} tokens should rewind to (and then prefill the rest).
     */
    @Override
    public int rewindPointAtOrBefore(int pos) {
        if (pos >= position) return position;
        Integer p = checkpoints.floorKey(pos);
        return p == null ? 0 : p;
    }

    /**
     * Moves back to {@code pos}, forgetting the tokens after it. Allowed to the current position, to 0, and to the
     * end of any of the last 32 {@link #prefill} calls (see {@link #canRewindTo}); otherwise an
     * IllegalArgumentException, after which the caller can {@link #reset} and process the conversation again.
     */
    @Override
    public void rewind(int pos) {
        if (pos == position) return;
        if (pos == 0) {
            reset();
            return;
        }
        if (pos < 0 || pos > position) {
            throw new IllegalArgumentException("cannot rewind to position " + pos + ": the session is at " + position);
        }
        float[][] saved = checkpoints.get(pos);
        if (saved == null) {
            throw new IllegalArgumentException("cannot rewind to position " + pos
                    + ": only to the current position, 0, or where a prefill ended " + checkpoints.keySet());
        }
        for (int i = 0; i < convState.length; i++) System.arraycopy(saved[i], 0, convState[i], 0, saved[i].length);
        checkpoints.tailMap(pos, false).clear();
        position = pos;
    }

    /**
     * Throws an IllegalArgumentException with a one-line message when {@code promptTokens} more tokens plus
     * {@code toGenerate} generated ones do not fit in the context from the current position.
     */
    @Override
    public void checkCapacity(int promptTokens, int toGenerate) {
        long needed = (long) position + promptTokens + toGenerate;
        if (needed > context) {
            String at = position > 0 ? " at position " + position : "";
            throw new IllegalArgumentException("prompt of " + promptTokens + " tokens + " + toGenerate
                    + " to generate" + at + " exceeds the context of " + context + " tokens");
        }
    }

    /**
     * Processes {@code tokens} at the current position in batches and returns the logits after the last one
     * (session-owned buffer). Records a rewind point at the new position.
     */
    @Override
    public float[] prefill(int[] tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("cannot prefill an empty token sequence");
        checkTokens(tokens);
        if ((long) position + tokens.length > context) {
            throw new IllegalArgumentException("prompt of " + tokens.length + " tokens"
                    + (position > 0 ? " at position " + position : "") + " exceeds the context of " + context + " tokens");
        }
        for (int off = 0; off < tokens.length; off += batch) {
            int n = Math.min(batch, tokens.length - off);
            forward(tokens, off, n);
        }
        saveCheckpoint();
        return computeLogits((tokens.length - 1) % batch); // the last token sits at this index of the final batch
    }

    /** Processes one token at the current position and returns the logits for the next (session-owned buffer). */
    @Override
    public float[] decode(int token) {
        if (position >= context) {
            throw new IllegalStateException("the context of " + context + " tokens is full");
        }
        checkToken(token);
        single[0] = token;
        forward(single, 0, 1);
        return computeLogits(0);
    }

    private final int[] single = new int[1];

    private void checkTokens(int[] tokens) {
        for (int t : tokens) checkToken(t);
    }

    private void checkToken(int t) {
        if (t < 0 || t >= vocab) {
            throw new IllegalArgumentException("token id " + t + " is out of range [0, " + vocab + ")");
        }
    }

    private void saveCheckpoint() {
        if (convState.length == 0) return;
        if (checkpoints.size() >= MAX_CHECKPOINTS && !checkpoints.containsKey(position)) checkpoints.pollFirstEntry();
        float[][] copy = new float[convState.length][];
        for (int i = 0; i < convState.length; i++) copy[i] = convState[i].clone();
        checkpoints.put(position, copy);
    }

    /** Runs tokens[off .. off+n) through every layer; their residual streams end up in x. */
    private void forward(int[] tokens, int off, int n) {
        for (int t = 0; t < n; t++) model.embed(tokens[off + t], x, t * dim);
        int half = headDim / 2;
        float[] invFreq = model.ropeInvFreq();
        for (int t = 0; t < n; t++) {
            int pos = position + t;
            for (int i = 0; i < half; i++) {
                double theta = (double) pos * invFreq[i];
                cos[t * half + i] = (float) Math.cos(theta);
                sin[t * half + i] = (float) Math.sin(theta);
            }
        }
        for (int l = 0; l < cfg.layers(); l++) {
            Lfm2Model.Layer layer = model.layer(l);
            for (int t = 0; t < n; t++) VectorOps.rmsnorm(h, t * dim, x, t * dim, layer.attnNorm(), dim, eps);
            if (layer.attention()) attentionBlock(l, layer, n);
            else convBlock(layer, n);
            VectorOps.add(o, 0, x, 0, n * dim);

            for (int t = 0; t < n; t++) VectorOps.rmsnorm(h, t * dim, x, t * dim, layer.ffnNorm(), dim, eps);
            matmul.applyAll(gateUp[l], h, n, gateUpOut);
            VectorOps.swiglu(gate, 0, up, 0, n * ffn);
            matmul.apply(layer.down(), gate, n, o);
            VectorOps.add(o, 0, x, 0, n * dim);
        }
        position += n;
    }

    /** Gated short convolution (HF Lfm2ShortConv): B, C, x = in_proj(h); y = C ⊙ causal_conv(B ⊙ x). */
    private void convBlock(Lfm2Model.Layer layer, int n) {
        matmul.apply(layer.inProj(), h, n, bcx);
        for (int t = 0; t < n; t++) {
            int src = t * 3 * dim;
            VectorOps.mul(bcx, src, bcx, src + 2 * dim, bx, t * dim, dim);
        }
        float[] state = convState[layer.stateIndex()];
        float[] taps = layer.convTaps();
        int L = convL;
        for (int t = 0; t < n; t++) {
            int yo = t * dim;
            java.util.Arrays.fill(y, yo, yo + dim, 0f);
            for (int j = 0; j < L; j++) {
                int time = t - (L - 1) + j; // tap L-1 multiplies the current position, tap 0 the oldest
                float[] src = time >= 0 ? bx : state;
                int so = time >= 0 ? time * dim : (L - 1 + time) * dim;
                int to = j * dim;
                for (int c = 0; c < dim; c++) y[yo + c] += taps[to + c] * src[so + c];
            }
            VectorOps.mul(bcx, t * 3 * dim + dim, y, yo, y, yo, dim);
        }
        // keep the last L-1 inputs; ascending j reads older slots (n + j > j) before they are overwritten
        for (int j = 0; j < L - 1; j++) {
            int time = n - (L - 1) + j;
            if (time >= 0) System.arraycopy(bx, time * dim, state, j * dim, dim);
            else System.arraycopy(state, (L - 1 + time) * dim, state, j * dim, dim);
        }
        matmul.apply(layer.outProj(), y, n, o);
    }

    private void attentionBlock(int l, Lfm2Model.Layer layer, int n) {
        matmul.applyAll(qkv[l], h, n, qkvOut);
        int half = headDim / 2;
        int kvHeads = layer.kvHeads();
        KvCache cache = kvCache[layer.cacheIndex()];
        for (int t = 0; t < n; t++) {
            for (int hh = 0; hh < heads; hh++) {
                int qo = t * qDim + hh * headDim;
                VectorOps.rmsnorm(q, qo, q, qo, layer.qNorm(), headDim, eps);
                ropeAt(q, qo, t, half);
            }
            for (int g = 0; g < kvHeads; g++) {
                int ko = t * kvDim + g * headDim;
                VectorOps.rmsnorm(k, ko, k, ko, layer.kNorm(), headDim, eps);
                ropeAt(k, ko, t, half);
            }
            cache.append(position + t, k, t * kvDim, v, t * kvDim);
        }
        attention.run(cache, n, heads / kvHeads, kvHeads);
        matmul.apply(layer.wo(), att, n, o);
    }

    private void ropeAt(float[] vec, int off, int t, int half) {
        int c = t * half;
        for (int i = 0; i < half; i++) {
            float a = vec[off + i], b = vec[off + i + half];
            float cs = cos[c + i], sn = sin[c + i];
            vec[off + i] = a * cs - b * sn;
            vec[off + i + half] = a * sn + b * cs;
        }
    }

    /**
     * Causal grouped-query attention of the batch's queries over the cache, KV heads split across threads, each
     * thread with its own {@link TiledAttention} (tiles of the cache converted to floats once and used by all the
     * query heads sharing the KV head and all tokens of the batch).
     */
    private final class AttentionRunner implements Parallel.RangeBody {
        private final ThreadLocal<TiledAttention> kernels = ThreadLocal.withInitial(() -> new TiledAttention(headDim));
        private final float scale = (float) (1.0 / Math.sqrt(headDim)); // created once headDim is set
        private KvCache cache;
        private int n, group;

        void run(KvCache cache, int n, int group, int kvHeads) {
            this.cache = cache;
            this.n = n;
            this.group = group;
            model.parallel().forRange(kvHeads, this);
            this.cache = null;
        }

        @Override
        public void run(int kvStart, int kvEnd) {
            TiledAttention kernel = kernels.get();
            for (int g = kvStart; g < kvEnd; g++) {
                kernel.run(cache, g, g * group, group, position, n, q, qDim, att, scale);
            }
        }
    }

    /** Final norm and output projection of token t of the last batch. */
    private float[] computeLogits(int t) {
        VectorOps.rmsnorm(last, 0, x, t * dim, model.outputNorm(), dim, eps);
        matmul.apply(model.output(), last, 1, logits);
        return logits;
    }

    /** Bytes of heap this session holds now (caches allocated so far and activations), for diagnostics. */
    public long heapBytes() {
        long cacheBytes = 0;
        for (KvCache c : kvCache) cacheBytes += c.bytes();
        long floats = (long) convState.length * (convL - 1) * dim
                + (long) batch * (7L * dim + 3L * dim + 2L * qDim + 2L * kvDim + 2L * ffn + headDim)
                + vocab + dim;
        return cacheBytes + floats * Float.BYTES;
    }

    /** How this session's cache stores keys. */
    public KvCacheType cacheTypeK() {
        return keyType;
    }

    /** How this session's cache stores values. */
    public KvCacheType cacheTypeV() {
        return valueType;
    }
}
