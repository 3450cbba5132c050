package io.github.lfm4j.model.synth;

import io.github.lfm4j.model.gguf.GGMLType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * llama-quantize's K-quant presets Q4_K_M, Q5_K_M and Q6_K as they come out on LFM2 models (read from
 * {@code llama_tensor_get_type} in llama.cpp's src/llama-quant.cpp, commit 81ff7abe5, and checked tensor for tensor
 * against llama-quantize's output on our synthetic F16 models; SyntheticModelTest keeps the tiny model's table).
 * Starting from the preset's base type (Q4_K, Q5_K, Q6_K):
 * <ul>
 *   <li>the output matrix gets Q6_K, or Q8_0 when its rows are not whole 256-value blocks; LFM2 ties it to the token
 *       embedding (there is no {@code output.weight}), so that rule applies to {@code token_embd.weight};</li>
 *   <li>for Q4_K_M and Q5_K_M, {@code attn_v} and {@code ffn_down} get Q6_K in the "use more bits" layers: the first
 *       and last eighth and every third one in between ({@link #useMoreBits}), counted over the attn_v tensors
 *       (6 attention blocks in LFM2.5-1.2B: the 3rd and 6th) and over all blocks for ffn_down (16: blocks 0, 1, 4, 7,
 *       10, 13, 14, 15);</li>
 *   <li>a type whose 256-value blocks do not fit the rows falls back as llama-quantize does
 *       ({@link SyntheticModel#storedType}).</li>
 * </ul>
 * The rules for tensors LFM2 does not have (fused QKV, experts, Falcon and 70B special cases) are left out.
 */
public enum KQuantPreset {
    Q4_K_M(GGMLType.Q4_K, 15),
    Q5_K_M(GGMLType.Q5_K, 17),
    Q6_K(GGMLType.Q6_K, 18);

    /** The type of every tensor no rule picks out. */
    public final GGMLType base;
    /** llama.h's llama_ftype for the preset, written as {@code general.file_type}. */
    public final int fileType;

    KQuantPreset(GGMLType base, int fileType) {
        this.base = base;
        this.fileType = fileType;
    }

    /** The preset named like llama-quantize's argument, any case ({@code q4_k_m}), or null. */
    public static KQuantPreset byName(String name) {
        for (KQuantPreset p : values()) if (p.name().equalsIgnoreCase(name)) return p;
        return null;
    }

    /**
     * llama-quantize's use_more_bits: layer i of n is in the first or last eighth, or every third one after the
     * first eighth (integer divisions, as in C).
     */
    static boolean useMoreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }

    /**
     * The type of each quantizable matrix, {@code names.get(k)} having rows of {@code cols.get(k)} values, in a model
     * of {@code blockCount} blocks; the result is in the order of {@code names}.
     */
    List<GGMLType> types(List<String> names, List<Long> cols, int blockCount) {
        boolean tiedOutput = !names.contains("output.weight");
        int attnVCount = (int) names.stream().filter(n -> n.contains("attn_v.weight")).count();
        // llama-quantize walks tensors by block number (tensors outside blocks first), then by name, and its
        // attn_v / ffn_down counters follow that walk, not the file's order
        List<Integer> walk = IntStream.range(0, names.size()).boxed()
                .sorted(Comparator.comparingInt((Integer k) -> block(names.get(k))).thenComparing(names::get)).toList();
        GGMLType[] out = new GGMLType[names.size()];
        int attnV = 0, ffnDown = 0;
        for (int k : walk) {
            String name = names.get(k);
            GGMLType t = base;
            if (name.equals("output.weight") || tiedOutput && name.equals("token_embd.weight")) {
                t = cols.get(k) % base.blockSize != 0 ? GGMLType.Q8_0 : GGMLType.Q6_K;
            } else if (name.contains("attn_v.weight")) {
                if (this != Q6_K && useMoreBits(attnV, attnVCount)) t = GGMLType.Q6_K;
                attnV++;
            } else if (name.contains("ffn_down")) {
                if (this != Q6_K && useMoreBits(ffnDown, blockCount)) t = GGMLType.Q6_K;
                ffnDown++;
            }
            out[k] = SyntheticModel.storedType(t, cols.get(k));
        }
        return new ArrayList<>(List.of(out));
    }

    /** The N of {@code blk.N.}, or -1 for a tensor outside the blocks (sorted first, as llama.cpp does). */
    private static int block(String name) {
        if (!name.startsWith("blk.")) return -1;
        int end = name.indexOf('.', 4);
        try {
            return Integer.parseInt(name.substring(4, end));
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
