package io.github.lfm4j.runner.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.hf.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a small random-weight LFM2 checkpoint as transformers lays one out: config.json with layer_types,
 * safetensors with Hugging Face names and shapes (projections [out, in], the conv weight [dim, 1, L]) in one dtype,
 * optionally untied ({@code lm_head.weight}) and split in two shards with model.safetensors.index.json; the
 * tokenizer files are hf-tiny's (1772 tokens).
 */
final class RandomCheckpoint {
    static final int DIM = 64, HEADS = 4, KV = 2, FFN = 96, VOCAB = 1772, CONV = 3;
    static final String[] LAYERS = {"conv", "full_attention", "conv", "full_attention"};

    private RandomCheckpoint() {}

    static Path write(Path dir, GGMLType dtype, boolean tied, boolean sharded, long seed) throws IOException {
        Files.createDirectories(dir);
        Path tiny = HfCheckpointEngineTest.HF_TINY.resolve("checkpoint");
        for (String f : new String[]{"tokenizer.json", "tokenizer_config.json", "chat_template.jinja"}) {
            Files.copy(tiny.resolve(f), dir.resolve(f));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.putArray("architectures").add("Lfm2ForCausalLM");
        c.put("model_type", "lfm2").put("hidden_size", DIM).put("num_hidden_layers", LAYERS.length)
                .put("num_attention_heads", HEADS).put("num_key_value_heads", KV)
                // no auto-adjust: intermediate_size is the FFN width as is
                .put("intermediate_size", FFN).put("block_auto_adjust_ff_dim", false).put("vocab_size", VOCAB)
                .put("conv_L_cache", CONV).put("norm_eps", 1e-5).put("rope_theta", 1_000_000.0)
                .put("max_position_embeddings", 4096).put("tie_word_embeddings", tied).put("bos_token_id", 1)
                .put("eos_token_id", 7).put("pad_token_id", 0).put("dtype", dtype.name().toLowerCase());
        ArrayNode types = c.putArray("layer_types");
        for (String t : LAYERS) types.add(t);
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), c);

        Random rnd = new Random(seed);
        List<Object[]> tensors = new ArrayList<>(); // name, shape, values
        int hd = DIM / HEADS;
        tensors.add(t("model.embed_tokens.weight", matrix(rnd, VOCAB, DIM, 0.5f), VOCAB, DIM));
        for (int i = 0; i < LAYERS.length; i++) {
            String p = "model.layers." + i + ".";
            tensors.add(t(p + "operator_norm.weight", norm(rnd, DIM), DIM));
            tensors.add(t(p + "ffn_norm.weight", norm(rnd, DIM), DIM));
            tensors.add(t(p + "feed_forward.w1.weight", matrix(rnd, FFN, DIM, 0.15f), FFN, DIM));
            tensors.add(t(p + "feed_forward.w3.weight", matrix(rnd, FFN, DIM, 0.15f), FFN, DIM));
            tensors.add(t(p + "feed_forward.w2.weight", matrix(rnd, DIM, FFN, 0.15f), DIM, FFN));
            if (LAYERS[i].equals("conv")) {
                tensors.add(t(p + "conv.in_proj.weight", matrix(rnd, 3 * DIM, DIM, 0.15f), 3 * DIM, DIM));
                tensors.add(t(p + "conv.conv.weight", matrix(rnd, DIM, CONV, 0.4f), DIM, 1, CONV));
                tensors.add(t(p + "conv.out_proj.weight", matrix(rnd, DIM, DIM, 0.15f), DIM, DIM));
            } else {
                tensors.add(t(p + "self_attn.q_proj.weight", matrix(rnd, HEADS * hd, DIM, 0.15f), HEADS * hd, DIM));
                tensors.add(t(p + "self_attn.k_proj.weight", matrix(rnd, KV * hd, DIM, 0.15f), KV * hd, DIM));
                tensors.add(t(p + "self_attn.v_proj.weight", matrix(rnd, KV * hd, DIM, 0.15f), KV * hd, DIM));
                tensors.add(t(p + "self_attn.out_proj.weight", matrix(rnd, DIM, HEADS * hd, 0.15f), DIM, HEADS * hd));
                tensors.add(t(p + "self_attn.q_layernorm.weight", norm(rnd, hd), hd));
                tensors.add(t(p + "self_attn.k_layernorm.weight", norm(rnd, hd), hd));
            }
        }
        tensors.add(t("model.embedding_norm.weight", norm(rnd, DIM), DIM));
        if (!tied) tensors.add(t("lm_head.weight", matrix(rnd, VOCAB, DIM, 0.15f), VOCAB, DIM));

        if (!sharded) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (Object[] t : tensors) w.add((String) t[0], dtype, (long[]) t[1], (float[]) t[2]);
            w.write(dir.resolve("model.safetensors"));
            return dir;
        }
        SafetensorsWriter a = new SafetensorsWriter(), b = new SafetensorsWriter();
        ObjectNode index = json.createObjectNode();
        index.putObject("metadata");
        ObjectNode map = index.putObject("weight_map");
        for (int i = 0; i < tensors.size(); i++) {
            Object[] t = tensors.get(i);
            boolean first = i < tensors.size() / 2;
            (first ? a : b).add((String) t[0], dtype, (long[]) t[1], (float[]) t[2]);
            map.put((String) t[0], first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        a.write(dir.resolve("model-00001-of-00002.safetensors"));
        b.write(dir.resolve("model-00002-of-00002.safetensors"));
        json.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        return dir;
    }

    private static Object[] t(String name, float[] values, long... shape) {
        return new Object[]{name, shape, values};
    }

    private static float[] matrix(Random rnd, int rows, int cols, float std) {
        float[] m = new float[rows * cols];
        for (int i = 0; i < m.length; i++) m[i] = (float) (rnd.nextGaussian() * std);
        return m;
    }

    private static float[] norm(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 1f + (float) (rnd.nextGaussian() * 0.1);
        return v;
    }
}
