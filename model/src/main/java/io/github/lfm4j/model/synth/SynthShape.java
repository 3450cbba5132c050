package io.github.lfm4j.model.synth;

import java.util.Arrays;
import java.util.Locale;

/**
 * The shape of a synthetic LFM2 model: everything that goes into the {@code lfm2.*} metadata and the tensor dims.
 *
 * @param name            preset name, written as {@code general.name = synthetic-lfm2-<name>}
 * @param dim             hidden size
 * @param layers          number of blocks
 * @param attentionLayers indices of the attention blocks (all others are short-convolution blocks)
 * @param heads           query heads
 * @param kvHeads         key/value heads of every attention block
 * @param ffnDim          feed-forward hidden size
 * @param vocabSize       vocabulary size (the synthetic vocabulary padded with reserved control tokens)
 * @param contextLength   trained context length
 * @param ropeTheta       rope.freq_base
 * @param rmsEps          RMS norm epsilon
 * @param convCache       short-convolution kernel width (shortconv.l_cache)
 */
public record SynthShape(String name, int dim, int layers, int[] attentionLayers, int heads, int kvHeads, int ffnDim,
                         int vocabSize, int contextLength, float ropeTheta, float rmsEps, int convCache) {

    /** Like the shared test fixtures: hidden 64, 6 layers, attention at 2 and 4. */
    public static final SynthShape TINY = new SynthShape("tiny", 64, 6, new int[]{2, 4}, 4, 2, 128, 3272, 512,
            1_000_000f, 1e-5f, 3);

    /**
     * The smallest shape whose matrices are whole K-quant super-blocks (rows of 256 and 768 values) and whose row
     * counts are multiples of eight, so Q4_K/Q5_K/Q6_K files really hold those types (the tiny preset's 64-wide rows
     * fall back to Q5_0/Q5_1/Q8_0, as llama-quantize does) and the repacked kernels apply: hidden 256, 6 layers,
     * attention at 2 and 4 (4 heads of 64, 2 KV heads), feed-forward 768.
     */
    public static final SynthShape SMALL = new SynthShape("small", 256, 6, new int[]{2, 4}, 4, 2, 768, 3272, 1024,
            1_000_000f, 1e-5f, 3);

    /** Exactly LFM2.5-1.2B's shapes (tied embeddings, no output.weight). */
    public static final SynthShape LFM2_1_2B = new SynthShape("1.2b", 2048, 16, new int[]{2, 5, 8, 10, 12, 14}, 32, 8,
            8192, 65536, 32768, 1_000_000f, 1e-5f, 3);

    public SynthShape {
        attentionLayers = attentionLayers.clone();
        if (dim <= 0 || layers <= 0 || heads <= 0 || ffnDim <= 0 || vocabSize <= 0 || contextLength <= 0 || convCache <= 0) {
            throw new IllegalArgumentException("synthetic model dimensions must be positive");
        }
        if (dim % heads != 0) throw new IllegalArgumentException("hidden size " + dim + " is not divisible by " + heads + " heads");
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " heads cannot be shared by " + kvHeads + " KV heads");
        }
        for (int l : attentionLayers) {
            if (l < 0 || l >= layers) throw new IllegalArgumentException("attention layer " + l + " outside 0.." + (layers - 1));
        }
    }

    /** Preset by name: {@code tiny}, {@code small} or {@code 1.2b}. */
    public static SynthShape preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny" -> TINY;
            case "small" -> SMALL;
            case "1.2b" -> LFM2_1_2B;
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (known: tiny, small, 1.2b)");
        };
    }

    public int headDim() {
        return dim / heads;
    }

    public boolean isAttention(int layer) {
        return Arrays.stream(attentionLayers).anyMatch(l -> l == layer);
    }

    /** Per-layer KV head counts as llama.cpp stores them: 0 marks a conv layer. */
    public int[] kvHeadsPerLayer() {
        int[] kv = new int[layers];
        for (int l : attentionLayers) kv[l] = kvHeads;
        return kv;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SynthShape s && s.name.equals(name) && s.dim == dim && s.layers == layers
                && Arrays.equals(s.attentionLayers, attentionLayers) && s.heads == heads && s.kvHeads == kvHeads
                && s.ffnDim == ffnDim && s.vocabSize == vocabSize && s.contextLength == contextLength
                && s.ropeTheta == ropeTheta && s.rmsEps == rmsEps && s.convCache == convCache;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(attentionLayers);
    }

    @Override
    public String toString() {
        return "SynthShape[" + name + ": dim=" + dim + ", layers=" + layers + ", attention=" + Arrays.toString(attentionLayers)
                + ", heads=" + heads + "/" + kvHeads + ", ffn=" + ffnDim + ", vocab=" + vocabSize + "]";
    }
}
