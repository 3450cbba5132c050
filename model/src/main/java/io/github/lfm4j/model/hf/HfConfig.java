package io.github.lfm4j.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lfm4j.model.gguf.GGUFValue;
import io.github.lfm4j.model.gguf.GGUFValueType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of a Hugging Face {@code config.json} for {@code model_type: lfm2} (transformers' {@code Lfm2Config}),
 * with transformers' defaults for the optional ones, and their translation into the {@code lfm2.*} GGUF metadata
 * llama.cpp's {@code convert_hf_to_gguf.py} writes. The sizes without a sensible default (hidden size, layers,
 * heads, FFN size, vocabulary) must be present.
 *
 * @param ffnDim the feed-forward width the weights have: {@code intermediate_size} (or {@code block_ff_dim}),
 *               adjusted as {@code Lfm2MLP} does when {@code block_auto_adjust_ff_dim} is set
 */
public record HfConfig(int hidden, int layers, int heads, int kvHeads, int ffnDim, int vocabSize, int contextLength,
                       float rmsEps, float ropeTheta, int convCache, boolean[] attention, boolean tiedEmbeddings,
                       int bosId, int eosId, int padId) {

    private static final int MAX_DIM = 1 << 16, MAX_LAYERS = 1024;

    public HfConfig {
        attention = attention.clone();
    }

    /** Reads {@code config.json} (already parsed); {@code file} names it in messages. */
    public static HfConfig parse(JsonNode c, Path file) {
        if (c == null || !c.isObject()) throw SafetensorsFile.fail(file, "not a JSON object");
        String type = c.path("model_type").asText(null);
        if (type == null) throw SafetensorsFile.fail(file, "no model_type (is this a Hugging Face model directory?)");
        if (!type.equals("lfm2")) {
            throw SafetensorsFile.fail(file, "model_type '" + type + "' is not supported (lfm4j runs 'lfm2')");
        }
        int hidden = required(c, file, "hidden_size", 1, MAX_DIM);
        int layers = required(c, file, "num_hidden_layers", 1, MAX_LAYERS);
        int heads = required(c, file, "num_attention_heads", 1, hidden);
        int kvHeads = optional(c, file, "num_key_value_heads", 1, heads, 8);
        if (hidden % heads != 0) throw SafetensorsFile.fail(file, "hidden_size " + hidden + " is not divisible by num_attention_heads " + heads);
        if (heads % kvHeads != 0) throw SafetensorsFile.fail(file, "num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
        String ffKey = c.has("block_ff_dim") ? "block_ff_dim" : "intermediate_size";
        int ff = required(c, file, ffKey, 1, MAX_DIM * 16);
        if (c.path("block_auto_adjust_ff_dim").asBoolean(true)) {
            // Lfm2MLP: int(2 * ff / 3), times the multiplier, rounded up to a multiple of block_multiple_of.
            ff = (int) (2L * ff / 3);
            JsonNode mult = c.get("block_ffn_dim_multiplier");
            if (mult == null) mult = c.get("ffn_dim_multiplier");
            if (mult != null && !mult.isNull()) {
                if (!mult.isNumber() || mult.asDouble() <= 0) throw SafetensorsFile.fail(file, "block_ffn_dim_multiplier must be a positive number");
                ff = (int) (mult.asDouble() * ff);
            }
            int multipleOf = optional(c, file, "block_multiple_of", 1, MAX_DIM, 256);
            ff = multipleOf * ((ff + multipleOf - 1) / multipleOf);
        }
        int vocab = required(c, file, "vocab_size", 1, 1 << 24);
        int ctx = optional(c, file, "max_position_embeddings", 1, Integer.MAX_VALUE, 128000);
        float eps = (float) number(c, file, "norm_eps", 1e-5);
        JsonNode rope = c.get("rope_parameters");
        if (rope == null || rope.isNull()) rope = c.get("rope_scaling");
        double theta = number(c, file, "rope_theta", 1_000_000);
        if (rope != null && !rope.isNull()) {
            String ropeType = rope.path("rope_type").asText(rope.path("type").asText("default"));
            if (!ropeType.equals("default")) {
                throw SafetensorsFile.fail(file, "rope type '" + ropeType + "' is not supported (only default RoPE)");
            }
            if (rope.has("rope_theta")) theta = number(rope, file, "rope_theta", theta);
        }
        int conv = optional(c, file, "conv_L_cache", 1, 64, 3);
        if (c.path("conv_bias").asBoolean(false)) throw SafetensorsFile.fail(file, "conv_bias true is not supported (LFM2 has no conv bias)");
        boolean[] attention = layerKinds(c, file, layers);
        return new HfConfig(hidden, layers, heads, kvHeads, ff, vocab, ctx, eps, (float) theta, conv, attention,
                c.path("tie_word_embeddings").asBoolean(c.path("tie_embedding").asBoolean(true)),
                tokenId(c.get("bos_token_id")), tokenId(c.get("eos_token_id")), tokenId(c.get("pad_token_id")));
    }

    /** {@code layer_types} ("conv" / "full_attention"), else the older {@code full_attn_idxs}, else all attention. */
    private static boolean[] layerKinds(JsonNode c, Path file, int layers) {
        boolean[] attention = new boolean[layers];
        JsonNode types = c.get("layer_types");
        if (types != null && !types.isNull()) {
            if (!types.isArray() || types.size() != layers) {
                throw SafetensorsFile.fail(file, "layer_types must list " + layers + " layers (num_hidden_layers)");
            }
            for (int i = 0; i < layers; i++) {
                String t = types.get(i).asText("");
                switch (t) {
                    case "full_attention" -> attention[i] = true;
                    case "conv" -> attention[i] = false;
                    default -> throw SafetensorsFile.fail(file, "layer_types[" + i + "] is '" + t + "' (expected conv or full_attention)");
                }
            }
            return attention;
        }
        JsonNode idxs = c.get("full_attn_idxs");
        if (idxs == null || idxs.isNull()) {
            java.util.Arrays.fill(attention, true); // transformers' default: every layer attends
            return attention;
        }
        if (!idxs.isArray()) throw SafetensorsFile.fail(file, "full_attn_idxs must be a list of layer indices");
        for (JsonNode i : idxs) {
            if (!i.canConvertToInt() || i.asInt() < 0 || i.asInt() >= layers) {
                throw SafetensorsFile.fail(file, "full_attn_idxs has " + i + ", outside 0.." + (layers - 1));
            }
            attention[i.asInt()] = true;
        }
        return attention;
    }

    private static int tokenId(JsonNode v) {
        if (v != null && v.isArray() && !v.isEmpty()) v = v.get(0); // eos_token_id may be a list
        return v != null && v.canConvertToInt() && v.asInt() >= 0 ? v.asInt() : -1;
    }

    private static int required(JsonNode c, Path file, String key, int min, int max) {
        if (!c.has(key) || c.get(key).isNull()) throw SafetensorsFile.fail(file, "missing '" + key + "'");
        return optional(c, file, key, min, max, 0);
    }

    private static int optional(JsonNode c, Path file, String key, int min, int max, int byDefault) {
        JsonNode v = c.get(key);
        if (v == null || v.isNull()) return byDefault;
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw SafetensorsFile.fail(file, "'" + key + "' = " + v + " is not an integer in [" + min + ", " + max + "]");
        }
        return v.asInt();
    }

    private static double number(JsonNode c, Path file, String key, double byDefault) {
        JsonNode v = c.get(key);
        if (v == null || v.isNull()) return byDefault;
        if (!v.isNumber() || !(v.asDouble() > 0)) throw SafetensorsFile.fail(file, "'" + key + "' must be a positive number, is " + v);
        return v.asDouble();
    }

    public boolean isAttention(int layer) {
        return attention[layer];
    }

    public int headDim() {
        return hidden / heads;
    }

    /** The {@code lfm2.*} keys in the order llama.cpp's converter writes them. */
    public Map<String, GGUFValue> metadata() {
        Map<String, GGUFValue> m = new LinkedHashMap<>();
        m.put("lfm2.block_count", GGUFValue.uint32(layers));
        m.put("lfm2.context_length", GGUFValue.uint32(contextLength));
        m.put("lfm2.embedding_length", GGUFValue.uint32(hidden));
        m.put("lfm2.feed_forward_length", GGUFValue.uint32(ffnDim));
        m.put("lfm2.attention.head_count", GGUFValue.uint32(heads));
        int[] kv = new int[layers];
        for (int i = 0; i < layers; i++) kv[i] = attention[i] ? kvHeads : 0;
        m.put("lfm2.attention.head_count_kv", GGUFValue.array(GGUFValueType.INT32, kv));
        m.put("lfm2.rope.freq_base", GGUFValue.float32(ropeTheta));
        m.put("lfm2.attention.layer_norm_rms_epsilon", GGUFValue.float32(rmsEps));
        m.put("lfm2.vocab_size", GGUFValue.uint32(vocabSize));
        m.put("lfm2.shortconv.l_cache", GGUFValue.uint32(convCache));
        return m;
    }
}
