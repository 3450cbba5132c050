package io.github.lfm4j.kernels.cache;

/**
 * The keys and values of one attention layer, stored as {@link KvCacheType}s, in blocks of {@link #BLOCK} positions
 * allocated as the conversation grows (memory follows the tokens held, not the context size).
 *
 * <p>Layouts inside a block, chosen for the attention kernel's two products:
 * <ul>
 *   <li>keys dimension-major, {@code (kvHead·headDim + i)·BLOCK + slot}: the scores of one query over many positions
 *       are computed with vector lanes across positions;</li>
 *   <li>values position-major, {@code slot·kvDim + kvHead·headDim + i}: the weighted sum adds whole head vectors.</li>
 * </ul>
 * q8_0 quantizes each position's head vector in blocks of 32 consecutive dimensions (as ggml's
 * {@code quantize_row_q8_0_ref} would quantize that position's row), so appending a position never touches another;
 * its scales are f16 bits, {@code (c/32)·BLOCK + slot} for keys and {@code slot·kvDim/32 + c/32} for values.
 *
 * <p>Readers get a stretch of positions of one KV head back as floats ({@link #keysAsFloat}, {@link #valuesAsFloat})
 * into a small tile the kernel reuses for every query that reads it; the conversions are plain loops that C2
 * vectorizes ({@link Float#float16ToFloat} compiles to {@code vcvtph2ps}).
 */
public final class KvCache {
    public static final int BLOCK_BITS = 8, BLOCK = 1 << BLOCK_BITS, BLOCK_MASK = BLOCK - 1;
    private static final int QK = 32;
    /** Largest finite half: larger magnitudes are clamped rather than turned into infinities. */
    private static final float HALF_MAX = 65504f;

    private final KvCacheType keyType, valueType;
    private final int kvHeads, headDim, kvDim;
    private final Object[] keys, values;      // per block: float[], short[] or byte[]
    private final short[][] keyScales, valueScales;

    /**
     * @param capacity positions this layer may hold (the session's context)
     * @throws IllegalArgumentException for q8_0 when the head size is not a multiple of 32 (as llama.cpp requires)
     */
    public KvCache(KvCacheType keyType, KvCacheType valueType, int kvHeads, int headDim, int capacity) {
        for (KvCacheType t : new KvCacheType[]{keyType, valueType}) {
            if (t == KvCacheType.Q8_0 && headDim % QK != 0) {
                throw new IllegalArgumentException("a q8_0 KV cache needs a head size that is a multiple of 32; this "
                        + "model's is " + headDim + " (use f16 or f32)");
            }
        }
        this.keyType = keyType;
        this.valueType = valueType;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.kvDim = kvHeads * headDim;
        int blocks = (capacity + BLOCK - 1) / BLOCK;
        this.keys = new Object[blocks];
        this.values = new Object[blocks];
        this.keyScales = new short[blocks][];
        this.valueScales = new short[blocks][];
    }

    public KvCacheType keyType() {
        return keyType;
    }

    public KvCacheType valueType() {
        return valueType;
    }

    /** Stores position {@code pos}'s keys {@code k[ko .. ko+kvDim)} and values {@code v[vo .. vo+kvDim)}. */
    public void append(int pos, float[] k, int ko, float[] v, int vo) {
        int b = pos >>> BLOCK_BITS, slot = pos & BLOCK_MASK;
        if (keys[b] == null) allocate(b);
        switch (keyType) {
            case F32 -> {
                float[] kb = (float[]) keys[b];
                for (int c = 0; c < kvDim; c++) kb[c * BLOCK + slot] = k[ko + c];
            }
            case F16 -> {
                short[] kb = (short[]) keys[b];
                for (int c = 0; c < kvDim; c++) kb[c * BLOCK + slot] = toHalf(k[ko + c]);
            }
            case Q8_0 -> {
                byte[] kb = (byte[]) keys[b];
                short[] ks = keyScales[b];
                for (int c0 = 0; c0 < kvDim; c0 += QK) {
                    float id = quantScale(k, ko + c0, ks, (c0 / QK) * BLOCK + slot);
                    for (int i = 0; i < QK; i++) kb[(c0 + i) * BLOCK + slot] = quantize(k[ko + c0 + i], id);
                }
            }
        }
        int vd = slot * kvDim;
        switch (valueType) {
            case F32 -> System.arraycopy(v, vo, (float[]) values[b], vd, kvDim);
            case F16 -> {
                short[] vb = (short[]) values[b];
                for (int c = 0; c < kvDim; c++) vb[vd + c] = toHalf(v[vo + c]);
            }
            case Q8_0 -> {
                byte[] vb = (byte[]) values[b];
                short[] vs = valueScales[b];
                for (int c0 = 0; c0 < kvDim; c0 += QK) {
                    float id = quantScale(v, vo + c0, vs, slot * (kvDim / QK) + c0 / QK);
                    for (int i = 0; i < QK; i++) vb[vd + c0 + i] = quantize(v[vo + c0 + i], id);
                }
            }
        }
    }

    /**
     * Keys of KV head {@code g} at positions {@code [p0, p0+count)}, which lie in one block, as floats
     * dimension-major: key {@code j}'s dimension {@code i} goes to {@code dst[i·stride + j]}.
     */
    public void keysAsFloat(int g, int p0, int count, float[] dst, int stride) {
        int b = p0 >>> BLOCK_BITS, s0 = p0 & BLOCK_MASK;
        int c0 = g * headDim;
        switch (keyType) {
            case F32 -> {
                float[] kb = (float[]) keys[b];
                for (int i = 0; i < headDim; i++) System.arraycopy(kb, (c0 + i) * BLOCK + s0, dst, i * stride, count);
            }
            case F16 -> {
                short[] kb = (short[]) keys[b];
                for (int i = 0; i < headDim; i++) {
                    int src = (c0 + i) * BLOCK + s0, d = i * stride;
                    for (int j = 0; j < count; j++) dst[d + j] = Float.float16ToFloat(kb[src + j]);
                }
            }
            case Q8_0 -> {
                byte[] kb = (byte[]) keys[b];
                short[] ks = keyScales[b];
                for (int i = 0; i < headDim; i++) {
                    int src = (c0 + i) * BLOCK + s0, sc = ((c0 + i) / QK) * BLOCK + s0, d = i * stride;
                    for (int j = 0; j < count; j++) dst[d + j] = kb[src + j] * Float.float16ToFloat(ks[sc + j]);
                }
            }
        }
    }

    /**
     * Values of KV head {@code g} at positions {@code [p0, p0+count)}, which lie in one block, as floats
     * position-major: value {@code j}'s dimension {@code i} goes to {@code dst[j·headDim + i]}.
     */
    public void valuesAsFloat(int g, int p0, int count, float[] dst) {
        int b = p0 >>> BLOCK_BITS, s0 = p0 & BLOCK_MASK;
        int c0 = g * headDim;
        switch (valueType) {
            case F32 -> {
                float[] vb = (float[]) values[b];
                for (int j = 0; j < count; j++) System.arraycopy(vb, (s0 + j) * kvDim + c0, dst, j * headDim, headDim);
            }
            case F16 -> {
                short[] vb = (short[]) values[b];
                for (int j = 0; j < count; j++) {
                    int src = (s0 + j) * kvDim + c0, d = j * headDim;
                    for (int i = 0; i < headDim; i++) dst[d + i] = Float.float16ToFloat(vb[src + i]);
                }
            }
            case Q8_0 -> {
                byte[] vb = (byte[]) values[b];
                short[] vs = valueScales[b];
                for (int j = 0; j < count; j++) {
                    int src = (s0 + j) * kvDim + c0, sc = (s0 + j) * (kvDim / QK) + c0 / QK, d = j * headDim;
                    for (int i0 = 0; i0 < headDim; i0 += QK) {
                        float s = Float.float16ToFloat(vs[sc + i0 / QK]);
                        for (int i = 0; i < QK; i++) dst[d + i0 + i] = vb[src + i0 + i] * s;
                    }
                }
            }
        }
    }

    /** Bytes held by the blocks allocated so far. */
    public long bytes() {
        long n = 0;
        for (Object b : keys) if (b != null) n++;
        return n * blockBytes(keyType, valueType, kvDim);
    }

    /** Bytes of one block of {@link #BLOCK} positions of keys and values (with q8_0's scales). */
    public static long blockBytes(KvCacheType keyType, KvCacheType valueType, int kvDim) {
        long values = (long) BLOCK * kvDim;
        return keyType.bytesFor(values) + valueType.bytesFor(values);
    }

    private void allocate(int b) {
        int n = BLOCK * kvDim;
        keys[b] = switch (keyType) {
            case F32 -> new float[n];
            case F16 -> new short[n];
            case Q8_0 -> new byte[n];
        };
        values[b] = switch (valueType) {
            case F32 -> new float[n];
            case F16 -> new short[n];
            case Q8_0 -> new byte[n];
        };
        if (keyType == KvCacheType.Q8_0) keyScales[b] = new short[n / QK];
        if (valueType == KvCacheType.Q8_0) valueScales[b] = new short[n / QK];
    }

    private static short toHalf(float x) {
        return Float.floatToFloat16(Math.max(-HALF_MAX, Math.min(HALF_MAX, x)));
    }

    /**
     * ggml's q8_0 scale of {@code x[off .. off+32)}: {@code d = amax/127} stored as half at {@code scales[at]};
     * returns {@code 1/d} (unrounded, as ggml multiplies by it), 0 for an all-zero block.
     */
    private static float quantScale(float[] x, int off, short[] scales, int at) {
        float amax = 0f;
        for (int i = 0; i < QK; i++) amax = Math.max(amax, Math.abs(x[off + i]));
        float d = amax / 127f;
        scales[at] = Float.floatToFloat16(d);
        return d != 0f ? 1f / d : 0f;
    }

    /** {@code roundf(x·id)}: C's rounding, half away from zero. */
    private static byte quantize(float x, float id) {
        float y = x * id;
        return (byte) (y >= 0f ? Math.round(y) : -Math.round(-y)); // Math.round alone rounds -2.5 to -2
    }
}
