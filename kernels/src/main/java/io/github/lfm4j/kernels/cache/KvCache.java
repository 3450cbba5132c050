package io.github.lfm4j.kernels.cache;

import io.github.lfm4j.kernels.cpu.VectorOps;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.quant.Quantizer;

/**
 * The keys and values of one attention layer, stored as {@link KvCacheType}s, in blocks of {@link #BLOCK} positions
 * allocated as the conversation grows (memory follows the tokens held, not the context size).
 *
 * <p>Layouts inside a block, chosen so that the attention kernel reads one KV head's tile of {@link #TILE} positions
 * as one contiguous stretch (a decode step streams through memory rather than gathering 128-byte pieces):
 * <ul>
 *   <li>keys tile-major and dimension-major inside a tile: head {@code g}, position {@code slot} = {@code t·TILE + j},
 *       dimension {@code i} at {@code ((g·TILES + t)·headDim + i)·TILE + j}: the scores of one query over a tile
 *       are computed with vector lanes across positions;</li>
 *   <li>values head-major, then position-major: {@code (g·BLOCK + slot)·headDim + i}: the weighted sum adds whole
 *       head vectors.</li>
 * </ul>
 * q8_0 quantizes each position's head vector in blocks of 32 consecutive dimensions (as ggml's
 * {@code quantize_row_q8_0_ref} would quantize that piece of the position's row), so appending a position never
 * touches another; its scales are f16 bits, {@code ((g·TILES + t)·headDim/32 + i/32)·TILE + j} for keys and
 * {@code (g·BLOCK + slot)·headDim/32 + i/32} for values.
 *
 * <p>Readers get a stretch of positions of one KV head back as floats ({@link #keysAsFloat}, {@link #valuesAsFloat})
 * into a small tile the kernel reuses for every query that reads it; the conversions are plain loops that C2
 * vectorizes ({@link Float#float16ToFloat} compiles to {@code vcvtph2ps}).
 */
public final class KvCache {
    public static final int BLOCK_BITS = 8, BLOCK = 1 << BLOCK_BITS, BLOCK_MASK = BLOCK - 1;
    /** Positions per tile, the unit readers convert; divides {@link #BLOCK}. */
    public static final int TILE = 64;
    private static final int TILES = BLOCK / TILE;
    private static final int QK = 32;
    /** Largest finite half: larger magnitudes are clamped rather than turned into infinities. */
    private static final float HALF_MAX = 65504f;

    private final KvCacheType keyType, valueType;
    private final int kvHeads, headDim, kvDim;
    private final Object[] keys, values;      // per block: float[], short[] or byte[]
    private final short[][] keyScales, valueScales;
    /** One ggml q8_0 block (f16 scale, 32 quants), the quantizer's output before it is spread into the layout. */
    private final byte[] block = new byte[2 + QK];

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

    /**
     * Stores position {@code pos}'s keys {@code k[ko .. ko+kvDim)} and values {@code v[vo .. vo+kvDim)}. From one
     * thread at a time (the session's: appends happen before the attention's parallel part).
     */
    public void append(int pos, float[] k, int ko, float[] v, int vo) {
        int b = pos >>> BLOCK_BITS, slot = pos & BLOCK_MASK, t = slot / TILE, j = slot % TILE;
        if (keys[b] == null) allocate(b);
        int qb = headDim / QK;
        for (int g = 0; g < kvHeads; g++) {
            int kBase = (g * TILES + t) * headDim * TILE + j, src = ko + g * headDim;
            switch (keyType) {
                case F32 -> {
                    float[] kb = (float[]) keys[b];
                    for (int i = 0; i < headDim; i++) kb[kBase + i * TILE] = k[src + i];
                }
                case F16 -> {
                    short[] kb = (short[]) keys[b];
                    for (int i = 0; i < headDim; i++) kb[kBase + i * TILE] = toHalf(k[src + i]);
                }
                case Q8_0 -> {
                    byte[] kb = (byte[]) keys[b];
                    short[] ks = keyScales[b];
                    int sBase = (g * TILES + t) * qb * TILE + j;
                    for (int i0 = 0; i0 < headDim; i0 += QK) {
                        ks[sBase + (i0 / QK) * TILE] = quantizeBlock(k, src + i0);
                        for (int i = 0; i < QK; i++) kb[kBase + (i0 + i) * TILE] = block[2 + i];
                    }
                }
            }
            int vBase = (g * BLOCK + slot) * headDim, vsrc = vo + g * headDim;
            switch (valueType) {
                case F32 -> System.arraycopy(v, vsrc, (float[]) values[b], vBase, headDim);
                case F16 -> {
                    short[] vb = (short[]) values[b];
                    for (int i = 0; i < headDim; i++) vb[vBase + i] = toHalf(v[vsrc + i]);
                }
                case Q8_0 -> {
                    byte[] vb = (byte[]) values[b];
                    short[] vs = valueScales[b];
                    int sBase = (g * BLOCK + slot) * qb;
                    for (int i0 = 0; i0 < headDim; i0 += QK) {
                        vs[sBase + i0 / QK] = quantizeBlock(v, vsrc + i0);
                        System.arraycopy(block, 2, vb, vBase + i0, QK);
                    }
                }
            }
        }
    }

    /**
     * Keys of KV head {@code g} in the tile that starts at position {@code p0} (a multiple of {@link #TILE}) as
     * floats, dimension-major: position {@code p0 + j}'s dimension {@code i} goes to {@code dst[i·TILE + j]}. The
     * whole tile is converted; positions not yet written hold zeros or an earlier conversation's (finite) keys.
     * {@code scratch} ({@link #keyScratchSize} floats) is the caller's, so that threads reading other heads at the
     * same time do not share it.
     */
    public void keysAsFloat(int g, int p0, float[] dst, float[] scratch) {
        int b = p0 >>> BLOCK_BITS, t = (p0 & BLOCK_MASK) / TILE;
        int n = headDim * TILE, base = (g * TILES + t) * n;
        switch (keyType) {
            case F32 -> System.arraycopy((float[]) keys[b], base, dst, 0, n);
            case F16 -> {
                short[] kb = (short[]) keys[b];
                for (int x = 0; x < n; x++) dst[x] = Float.float16ToFloat(kb[base + x]);
            }
            case Q8_0 -> {
                byte[] kb = (byte[]) keys[b];
                short[] ks = keyScales[b];
                int sBase = (g * TILES + t) * (headDim / QK) * TILE;
                // each scale serves 32 dimensions of its position: convert the tile's scale rows once
                float[] sc = scratch;
                for (int x = 0; x < headDim / QK * TILE; x++) sc[x] = Float.float16ToFloat(ks[sBase + x]);
                for (int i = 0; i < headDim; i++) {
                    VectorOps.int8TimesScales(kb, base + i * TILE, sc, (i / QK) * TILE, dst, i * TILE, TILE);
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
        int n = count * headDim, base = (g * BLOCK + s0) * headDim;
        switch (valueType) {
            case F32 -> System.arraycopy((float[]) values[b], base, dst, 0, n);
            case F16 -> {
                short[] vb = (short[]) values[b];
                for (int x = 0; x < n; x++) dst[x] = Float.float16ToFloat(vb[base + x]);
            }
            case Q8_0 -> {
                byte[] vb = (byte[]) values[b];
                short[] vs = valueScales[b];
                int sBase = (g * BLOCK + s0) * (headDim / QK);
                for (int blk = 0; blk < n / QK; blk++) {
                    float s = Float.float16ToFloat(vs[sBase + blk]);
                    VectorOps.int8TimesScale(vb, base + blk * QK, s, dst, blk * QK, QK);
                }
            }
        }
    }

    /** Floats of scratch {@link #keysAsFloat} needs: one tile's q8_0 scales. */
    public static int keyScratchSize(int headDim) {
        return Math.max(1, headDim / QK) * TILE;
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
        keys[b] = store(keyType, n);
        values[b] = store(valueType, n);
        if (keyType == KvCacheType.Q8_0) keyScales[b] = new short[n / QK];
        if (valueType == KvCacheType.Q8_0) valueScales[b] = new short[n / QK];
    }

    private static Object store(KvCacheType type, int n) {
        return switch (type) {
            case F32 -> new float[n];
            case F16 -> new short[n];
            case Q8_0 -> new byte[n];
        };
    }

    private static short toHalf(float x) {
        return Float.floatToFloat16(Math.max(-HALF_MAX, Math.min(HALF_MAX, x)));
    }

    /**
     * Quantizes {@code x[off .. off+32)} into {@link #block} with the model module's ggml-exact q8_0 quantizer
     * ({@code quantize_row_q8_0_ref}); returns the block's f16 scale, its quants are {@code block[2 .. 34)}.
     */
    private short quantizeBlock(float[] x, int off) {
        Quantizer.quantize(GGMLType.Q8_0, x, off, QK, block, 0);
        return (short) ((block[0] & 0xFF) | (block[1] << 8));
    }
}
