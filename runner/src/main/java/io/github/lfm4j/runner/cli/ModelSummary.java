package io.github.lfm4j.runner.cli;

import io.github.lfm4j.kernels.cache.KvCacheType;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFArray;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFFormatException;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.lfm2.Lfm2Weights;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code lfm4j info} reports about a GGUF file, gathered once and rendered as text or JSON. Everything that
 * needs a part of the file the model may lack (LFM2 hyperparameters, tensors, a tokenizer) is null when absent, so
 * vocabulary-only files and other architectures are described as far as they can be. {@code vocabSize} is the
 * model's (rows of token_embd) when it has LFM2 hyperparameters, else the tokenizer's; {@code tokenCount} is always
 * the tokenizer's. {@code ggufVersion} is 0 for a Hugging Face checkpoint directory.
 */
record ModelSummary(String file, long fileSize, int ggufVersion, String name, String architecture,
                    Lfm2Config config, String configProblem, String weightsProblem,
                    int tensorCount, Map<GGMLType, long[]> tensorTypes, long tensorBytes,
                    Integer vocabSize, Integer tokenCount, String tokenizerModel, Integer mergeCount,
                    Map<String, Special> specials, String chatTemplate, int context,
                    KvCacheType cacheTypeK, KvCacheType cacheTypeV) {

    /** A special token: its id and its text (null when the id is outside the vocabulary). */
    record Special(int id, String text) {}

    /** With the CPU engine's default f16 KV cache. */
    static ModelSummary of(GGUFFile f, int requestedContext) {
        return of(f, requestedContext, KvCacheType.DEFAULT, KvCacheType.DEFAULT);
    }

    /**
     * @param requestedContext context for the KV cache estimate, or 0 for the model's own context length
     * @param keys             how the cache stores keys, for the estimate
     * @param values           how it stores values
     */
    static ModelSummary of(GGUFFile f, int requestedContext, KvCacheType keys, KvCacheType values) {
        String arch = f.getString("general.architecture", null);
        Lfm2Config config = null;
        String configProblem = null, weightsProblem = null;
        if (Lfm2Config.ARCH.equals(arch) && f.has("lfm2.embedding_length")) {
            try {
                config = Lfm2Config.from(f);
            } catch (GGUFFormatException e) {
                configProblem = e.getMessage();
            }
        }
        if (config != null && !f.tensorInfos().isEmpty()) {
            try {
                Lfm2Weights.load(f, config);
            } catch (GGUFFormatException e) {
                weightsProblem = e.getMessage();
            }
        }
        Map<GGMLType, long[]> types = new LinkedHashMap<>(); // type -> {count, bytes}
        long bytes = 0;
        for (GGUFTensorInfo t : f.tensorInfos()) {
            long[] cb = types.computeIfAbsent(t.type(), k -> new long[2]);
            cb[0]++;
            cb[1] += t.byteSize();
            bytes += t.byteSize();
        }
        String[] tokens = f.getArray("tokenizer.ggml.tokens") instanceof GGUFArray a && a.values() instanceof String[] s ? s : null;
        Integer vocab = config != null ? Integer.valueOf(config.vocabSize()) : tokens != null ? Integer.valueOf(tokens.length) : null;
        GGUFArray merges = f.getArray("tokenizer.ggml.merges");
        Map<String, Special> specials = new LinkedHashMap<>();
        for (String kind : new String[]{"bos", "eos", "padding"}) {
            String key = "tokenizer.ggml." + kind + "_token_id";
            if (!f.has(key)) continue;
            int id = f.getInt(key, -1);
            specials.put(kind.equals("padding") ? "pad" : kind,
                    new Special(id, tokens != null && id >= 0 && id < tokens.length ? tokens[id] : null));
        }
        int ctx = requestedContext > 0 ? requestedContext : config != null ? config.contextLength() : 0;
        return new ModelSummary(f.path().toString(), f.fileSize(), f.isAssembled() ? 0 : f.version(), f.getString("general.name", null), arch,
                config, configProblem, weightsProblem, f.tensorInfos().size(), types, bytes, vocab,
                tokens == null ? null : tokens.length,
                f.getString("tokenizer.ggml.model", null), merges == null ? null : merges.length(), specials,
                f.getString("tokenizer.chat_template", null), ctx, keys, values);
    }

    long kvCacheBytes() {
        if (config == null) return 0;
        long values = config.kvCacheValues(context);
        return cacheTypeK.bytesFor(values) + cacheTypeV.bytesFor(values);
    }

    long convStateBytes() {
        return config == null ? 0 : config.convStateBytes();
    }

    /** Weights (as stored, memory-mapped) + KV cache at {@link #context} + conv state. */
    long totalBytes() {
        return tensorBytes + kvCacheBytes() + convStateBytes();
    }
}
