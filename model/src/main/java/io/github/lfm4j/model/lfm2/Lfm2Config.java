package io.github.lfm4j.model.lfm2;

import io.github.lfm4j.model.gguf.GGUFArray;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFFormatException;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;

import java.util.Arrays;

/**
 * LFM2 hyperparameters as llama.cpp reads them from GGUF metadata ({@code lfm2.*} keys).
 * A layer is a short-convolution block when its KV head count is 0, an attention block otherwise.
 *
 * @param dim            hidden size (embedding_length)
 * @param layers         block_count
 * @param ffnDim         feed_forward_length
 * @param heads          attention.head_count (query heads)
 * @param kvHeads        attention.head_count_kv per layer, 0 for conv layers
 * @param contextLength  context_length (trained context)
 * @param ropeTheta      rope.freq_base
 * @param rmsEps         attention.layer_norm_rms_epsilon
 * @param convCache      shortconv.l_cache (kernel width of the causal convolution, 3 for LFM2)
 * @param vocabSize      vocabulary size (rows of token_embd)
 */
public record Lfm2Config(int dim, int layers, int ffnDim, int heads, int[] kvHeads, int contextLength,
                         float ropeTheta, float rmsEps, int convCache, int vocabSize) {

    public static final String ARCH = "lfm2";
    /** Sanity bounds so a hostile header cannot ask for absurd allocations. */
    private static final int MAX_DIM = 1 << 16, MAX_LAYERS = 1024, MAX_CONTEXT = 1 << 24, MAX_CONV = 64;

    public Lfm2Config {
        kvHeads = kvHeads.clone();
    }

    public int headDim() {
        return dim / heads;
    }

    public boolean isAttention(int layer) {
        return kvHeads[layer] > 0;
    }

    /** KV heads of the attention layers (all attention layers of LFM2 share one count). */
    public int kvHeadCount() {
        return Arrays.stream(kvHeads).max().orElse(0);
    }

    public int attentionLayerCount() {
        return (int) Arrays.stream(kvHeads).filter(k -> k > 0).count();
    }

    public int convLayerCount() {
        return layers - attentionLayerCount();
    }

    /** Layer kinds as shown by {@code info}: "attention" or "conv". */
    public String[] layerTypes() {
        String[] t = new String[layers];
        for (int i = 0; i < layers; i++) t[i] = isAttention(i) ? "attention" : "conv";
        return t;
    }

    /** Bytes of KV cache (float32 keys and values) for the attention layers at a given context. */
    /** Values the KV cache holds for keys (and as many for values) at {@code context} tokens, over all layers. */
    public long kvCacheValues(int context) {
        return (long) context * kvHeadCount() * headDim() * attentionLayerCount();
    }

    public long kvCacheBytes(int context) {
        long perLayer = 2L * context * kvHeadCount() * headDim() * Float.BYTES;
        return perLayer * attentionLayerCount();
    }

    /** Bytes of conv state: the previous (convCache - 1) values of every channel, per conv layer. */
    public long convStateBytes() {
        return (long) convLayerCount() * (convCache - 1) * dim * Float.BYTES;
    }

    public static Lfm2Config from(GGUFFile f) {
        String arch = f.getString("general.architecture", null);
        if (arch == null) throw new GGUFFormatException(f.path() + ": missing metadata 'general.architecture'");
        if (!ARCH.equals(arch)) {
            throw new GGUFFormatException(f.path() + ": architecture '" + arch + "' is not supported (lfm4j runs 'lfm2')");
        }
        int dim = bounded(f, "lfm2.embedding_length", 1, MAX_DIM);
        int layers = bounded(f, "lfm2.block_count", 1, MAX_LAYERS);
        int ffn = bounded(f, "lfm2.feed_forward_length", 1, MAX_DIM * 8);
        int heads = bounded(f, "lfm2.attention.head_count", 1, dim);
        int ctx = f.has("lfm2.context_length") ? bounded(f, "lfm2.context_length", 1, MAX_CONTEXT) : 32768;
        float theta = f.getFloat("lfm2.rope.freq_base", 1_000_000f);
        float eps = f.getFloat("lfm2.attention.layer_norm_rms_epsilon", 1e-5f);
        int conv = f.has("lfm2.shortconv.l_cache") ? bounded(f, "lfm2.shortconv.l_cache", 1, MAX_CONV) : 3;

        int[] kv;
        GGUFArray kvArray = f.has("lfm2.attention.head_count_kv") && f.get("lfm2.attention.head_count_kv") instanceof GGUFArray a ? a : null;
        if (kvArray != null) {
            kv = kvArray.toIntArray();
            if (kv.length != layers) {
                throw new GGUFFormatException(f.path() + ": lfm2.attention.head_count_kv has " + kv.length
                        + " entries for " + layers + " layers");
            }
        } else {
            kv = new int[layers];
            Arrays.fill(kv, bounded(f, "lfm2.attention.head_count_kv", 0, heads));
        }
        for (int k : kv) {
            if (k < 0 || k > heads || (k > 0 && heads % k != 0)) {
                throw new GGUFFormatException(f.path() + ": invalid KV head count " + k + " for " + heads + " heads");
            }
        }
        if (dim % heads != 0) {
            throw new GGUFFormatException(f.path() + ": embedding_length " + dim + " is not divisible by head_count " + heads);
        }
        int vocab;
        GGUFTensorInfo embd = f.tensorInfo("token_embd.weight");
        if (embd != null && embd.dims().length == 2) {
            vocab = Math.toIntExact(embd.dims()[1]);
        } else if (f.has("lfm2.vocab_size")) {
            vocab = bounded(f, "lfm2.vocab_size", 1, 1 << 24);
        } else {
            GGUFArray tokens = f.getArray("tokenizer.ggml.tokens");
            if (tokens == null) throw new GGUFFormatException(f.path() + ": cannot determine the vocabulary size");
            vocab = tokens.length();
        }
        return new Lfm2Config(dim, layers, ffn, heads, kv, ctx, theta, eps, conv, vocab);
    }

    private static int bounded(GGUFFile f, String key, int min, int max) {
        int v = f.requireInt(key);
        if (v < min || v > max) {
            throw new GGUFFormatException(f.path() + ": metadata '" + key + "' = " + v + " is out of range [" + min + ", " + max + "]");
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lfm2Config c && c.dim == dim && c.layers == layers && c.ffnDim == ffnDim && c.heads == heads
                && Arrays.equals(c.kvHeads, kvHeads) && c.contextLength == contextLength && c.ropeTheta == ropeTheta
                && c.rmsEps == rmsEps && c.convCache == convCache && c.vocabSize == vocabSize;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(kvHeads) * 31 + dim;
    }

    @Override
    public String toString() {
        return "Lfm2Config[dim=" + dim + ", layers=" + layers + ", ffn=" + ffnDim + ", heads=" + heads + ", kvHeads="
                + Arrays.toString(kvHeads) + ", ctx=" + contextLength + ", theta=" + ropeTheta + ", eps=" + rmsEps
                + ", conv=" + convCache + ", vocab=" + vocabSize + "]";
    }
}
