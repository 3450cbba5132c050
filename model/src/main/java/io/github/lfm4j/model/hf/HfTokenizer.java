package io.github.lfm4j.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lfm4j.model.gguf.GGUFValue;
import io.github.lfm4j.model.gguf.GGUFValueType;
import io.github.lfm4j.model.tokenizer.TokenType;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (with {@code tokenizer_config.json}) translated into the {@code tokenizer.*}
 * GGUF metadata that llama.cpp's converter writes for it, so that the engine's tokenizer reads either source the
 * same way: the BPE vocabulary and merges, token types (added special tokens are control tokens, other added
 * tokens user-defined, ids the vocabulary skips become {@code [PAD<i>]} placeholders), BOS/EOS/padding ids, and
 * whether BOS is added (the post-processor's template, as the converter reads it).
 *
 * <p>Only what the engine's tokenizer implements is accepted: a byte-level BPE model with {@code ignore_merges}, no
 * normalizer, and the LLaMA-3 split regex followed by {@code ByteLevel} (LFM2's pre-tokenizer). Anything else is a
 * one-line error rather than a tokenizer that silently gives other ids.
 */
public final class HfTokenizer {
    private HfTokenizer() {}

    /** LFM2's split pattern (LLaMA 3's), which the engine's pre-tokenizer implements. */
    static final String LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /**
     * @param tok        tokenizer.json
     * @param tokConfig  tokenizer_config.json, or null
     * @param config     the model's config (vocabulary size; BOS/EOS ids when the tokenizer files name none)
     */
    public static Map<String, GGUFValue> metadata(JsonNode tok, JsonNode tokConfig, HfConfig config, Path file) {
        JsonNode model = tok.path("model");
        if (!"BPE".equals(model.path("type").asText(null))) {
            throw SafetensorsFile.fail(file, "tokenizer model '" + model.path("type").asText("?") + "' is not supported (only byte-level BPE)");
        }
        if (!model.path("ignore_merges").asBoolean(false)) {
            throw SafetensorsFile.fail(file, "ignore_merges false is not supported (LFM2's tokenizer takes a word found whole in the vocabulary as is)");
        }
        if (model.path("byte_fallback").asBoolean(false)) throw SafetensorsFile.fail(file, "byte_fallback BPE is not supported");
        if (!tok.path("normalizer").isNull() && !tok.path("normalizer").isMissingNode()) {
            throw SafetensorsFile.fail(file, "a normalizer (" + tok.path("normalizer").path("type").asText("?") + ") is not supported");
        }
        checkPreTokenizer(tok.path("pre_tokenizer"), file);

        Map<String, Integer> vocab = new HashMap<>();
        int maxId = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) throw SafetensorsFile.fail(file, "bad id for token '" + e.getKey() + "'");
            vocab.put(e.getKey(), e.getValue().asInt());
            maxId = Math.max(maxId, e.getValue().asInt());
        }
        Map<Integer, JsonNode> added = new HashMap<>();
        for (JsonNode a : tok.path("added_tokens")) {
            int id = a.path("id").asInt(-1);
            String content = a.path("content").asText(null);
            if (id < 0 || content == null) throw SafetensorsFile.fail(file, "added token without id or content: " + a);
            added.put(id, a);
            maxId = Math.max(maxId, id);
        }
        if (maxId < 0) throw SafetensorsFile.fail(file, "empty vocabulary");
        int n = Math.max(config.vocabSize(), maxId + 1);
        if (maxId >= config.vocabSize()) {
            throw SafetensorsFile.fail(file, "token id " + maxId + " is outside the model's vocab_size " + config.vocabSize());
        }
        String[] tokens = new String[n];
        int[] types = new int[n];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            tokens[e.getValue()] = e.getKey();
            types[e.getValue()] = TokenType.NORMAL.id;
        }
        for (Map.Entry<Integer, JsonNode> e : added.entrySet()) {
            String content = e.getValue().path("content").asText();
            tokens[e.getKey()] = content;
            boolean special = e.getValue().path("special").asBoolean(false) || looksSpecial(content);
            types[e.getKey()] = special ? TokenType.CONTROL.id : TokenType.USER_DEFINED.id;
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (tokens[i] == null) {
                tokens[i] = "[PAD" + i + "]";
                types[i] = TokenType.UNUSED.id;
            }
            ids.putIfAbsent(tokens[i], i);
        }

        Map<String, GGUFValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GGUFValue.string("gpt2"));
        m.put("tokenizer.ggml.pre", GGUFValue.string("lfm2"));
        m.put("tokenizer.ggml.tokens", GGUFValue.array(GGUFValueType.STRING, tokens));
        m.put("tokenizer.ggml.token_type", GGUFValue.array(GGUFValueType.INT32, types));
        m.put("tokenizer.ggml.merges", GGUFValue.array(GGUFValueType.STRING, merges(model.path("merges"), file)));

        JsonNode tc = tokConfig == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : tokConfig;
        String bosText = tokenText(tc.get("bos_token"));
        JsonNode single = firstTemplateProcessing(tok.path("post_processor")).path("single");
        String leading = single.size() > 1 ? single.get(0).path("SpecialToken").path("id").asText(null) : null;
        if (bosText == null) bosText = leading;
        int bos = idOf(ids, bosText, config.bosId());
        int eos = idOf(ids, tokenText(tc.get("eos_token")), config.eosId());
        int pad = idOf(ids, tokenText(tc.get("pad_token")), config.padId());
        if (bos >= 0) m.put("tokenizer.ggml.bos_token_id", GGUFValue.uint32(bos));
        if (eos >= 0) m.put("tokenizer.ggml.eos_token_id", GGUFValue.uint32(eos));
        if (pad >= 0) m.put("tokenizer.ggml.padding_token_id", GGUFValue.uint32(pad));
        // As the converter: BOS is added when the single-sequence template starts with the BOS token; without a
        // template, when tokenizer_config says so.
        boolean addBos = leading != null ? leading.equals(bosText) : tc.path("add_bos_token").asBoolean(false);
        if (addBos && bos < 0) throw SafetensorsFile.fail(file, "the tokenizer adds a BOS token but names none");
        m.put("tokenizer.ggml.add_bos_token", GGUFValue.bool(addBos));
        return m;
    }

    private static void checkPreTokenizer(JsonNode pre, Path file) {
        JsonNode steps = pre.path("type").asText("").equals("Sequence") ? pre.path("pretokenizers") : null;
        boolean ok = steps != null && steps.size() == 2
                && steps.get(0).path("type").asText("").equals("Split")
                && LLAMA3_SPLIT.equals(steps.get(0).path("pattern").path("Regex").asText(null))
                && steps.get(0).path("behavior").asText("").equals("Isolated")
                && !steps.get(0).path("invert").asBoolean(false)
                && steps.get(1).path("type").asText("").equals("ByteLevel")
                && !steps.get(1).path("add_prefix_space").asBoolean(false)
                && !steps.get(1).path("use_regex").asBoolean(true);
        if (!ok) {
            throw SafetensorsFile.fail(file, "pre-tokenizer not supported (lfm4j implements LFM2's: Split on the LLaMA-3 regex, then ByteLevel without prefix space or regex)");
        }
    }

    /** Merges as "left right" strings; the newer pair form has spaces inside parts written as 'Ġ' (as the converter). */
    private static String[] merges(JsonNode merges, Path file) {
        if (!merges.isArray()) throw SafetensorsFile.fail(file, "the BPE model has no merges list");
        String[] out = new String[merges.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode m = merges.get(i);
            if (m.isTextual()) {
                out[i] = m.asText();
            } else if (m.isArray() && m.size() == 2) {
                out[i] = m.get(0).asText().replace(' ', '\u0120') + " " + m.get(1).asText().replace(' ', '\u0120');
            } else {
                throw SafetensorsFile.fail(file, "merge " + i + " is neither \"a b\" nor [a, b]: " + m);
            }
        }
        return out;
    }

    private static JsonNode firstTemplateProcessing(JsonNode post) {
        if (post.path("type").asText("").equals("TemplateProcessing")) return post;
        for (JsonNode p : post.path("processors")) {
            if (p.path("type").asText("").equals("TemplateProcessing")) return p;
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** A token named in tokenizer_config: a string, or an AddedToken object with its content. */
    private static String tokenText(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isTextual()) return v.asText();
        return v.path("content").asText(null);
    }

    private static int idOf(Map<String, Integer> ids, String text, int fallback) {
        if (text != null && ids.containsKey(text)) return ids.get(text);
        return fallback;
    }

    /** The converter's test for added tokens that should be control tokens although not flagged special. */
    private static boolean looksSpecial(String t) {
        return t.equals("<pad>") || t.equals("<mask>") || t.equals("<2mass>") || t.equals("[@BOS@]")
                || (t.startsWith("<|") && t.endsWith("|>"))
                || (t.startsWith("<\uFF5C") && t.endsWith("\uFF5C>"))
                || (t.startsWith("<unused") && t.endsWith(">"));
    }

    /**
     * The chat template: {@code chat_template.jinja} when present (transformers 4.43+ writes it there), else
     * {@code tokenizer_config.json}'s {@code chat_template} (a string, or a list of named templates: "default").
     */
    public static String chatTemplate(String jinjaFile, JsonNode tokConfig) {
        if (jinjaFile != null) return jinjaFile;
        if (tokConfig == null) return null;
        JsonNode t = tokConfig.get("chat_template");
        if (t == null || t.isNull()) return null;
        if (t.isTextual()) return t.asText();
        for (JsonNode named : t) {
            if (named.path("name").asText("").equals("default")) return named.path("template").asText(null);
        }
        return null;
    }
}
