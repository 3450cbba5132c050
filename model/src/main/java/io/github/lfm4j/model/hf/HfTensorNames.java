package io.github.lfm4j.model.hf;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face LFM2 tensor names to llama.cpp's GGUF names (gguf-py's tensor mapping for {@code lfm2}). Note that
 * transformers' {@code model.embedding_norm} is the norm after the last layer, which GGUF calls
 * {@code token_embd_norm}.
 */
public final class HfTensorNames {
    private HfTensorNames() {}

    private static final Map<String, String> GLOBAL = Map.of(
            "model.embed_tokens.weight", "token_embd.weight",
            "model.embedding_norm.weight", "token_embd_norm.weight",
            "lm_head.weight", "output.weight");

    private static final Map<String, String> PER_LAYER = Map.ofEntries(
            Map.entry("operator_norm.weight", "attn_norm.weight"),
            Map.entry("ffn_norm.weight", "ffn_norm.weight"),
            Map.entry("feed_forward.w1.weight", "ffn_gate.weight"),
            Map.entry("feed_forward.w3.weight", "ffn_up.weight"),
            Map.entry("feed_forward.w2.weight", "ffn_down.weight"),
            Map.entry("self_attn.q_proj.weight", "attn_q.weight"),
            Map.entry("self_attn.k_proj.weight", "attn_k.weight"),
            Map.entry("self_attn.v_proj.weight", "attn_v.weight"),
            Map.entry("self_attn.out_proj.weight", "attn_output.weight"),
            Map.entry("self_attn.q_layernorm.weight", "attn_q_norm.weight"),
            Map.entry("self_attn.k_layernorm.weight", "attn_k_norm.weight"),
            Map.entry("conv.in_proj.weight", "shortconv.in_proj.weight"),
            Map.entry("conv.conv.weight", "shortconv.conv.weight"),
            Map.entry("conv.out_proj.weight", "shortconv.out_proj.weight"));

    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d{1,4})\\.(.+)");

    /** The GGUF name of a checkpoint tensor, or null when it is not an LFM2 weight. */
    public static String toGguf(String hfName) {
        String g = GLOBAL.get(hfName);
        if (g != null) return g;
        Matcher m = LAYER.matcher(hfName);
        if (!m.matches()) return null;
        String suffix = PER_LAYER.get(m.group(2));
        return suffix == null ? null : "blk." + Integer.parseInt(m.group(1)) + "." + suffix;
    }

    /** Names whose absence from the mapping is harmless: buffers that older exports saved with the weights. */
    public static boolean ignorable(String hfName) {
        return hfName.endsWith(".rotary_emb.inv_freq");
    }

    /**
     * GGUF dims (innermost first) for a row-major checkpoint shape: reversed, and the conv weight's middle 1 of
     * {@code [dim, 1, L]} dropped, as the converter's {@code squeeze(1)} does. The bytes are the same either way.
     */
    public static long[] ggufDims(String ggufName, long[] shape) {
        long[] s = shape;
        if (ggufName.endsWith("shortconv.conv.weight") && shape.length == 3 && shape[1] == 1) {
            s = new long[]{shape[0], shape[2]};
        }
        long[] dims = new long[s.length];
        for (int i = 0; i < s.length; i++) dims[i] = s[s.length - 1 - i];
        return dims;
    }
}
