package io.github.lfm4j.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFValue;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import io.github.lfm4j.model.tokenizer.TokenType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The team's tokenizer fixtures (llama.cpp's ids for the synthetic vocabulary) through a tokenizer.json: the
 * vocabulary of vocab-synthetic.gguf written in Hugging Face's layout (vocab map, merges as [left, right] pairs,
 * special tokens as added_tokens, LFM2's pre-tokenizer and BOS post-processor), read back by {@link HfTokenizer}.
 * Every case must give llama.cpp's ids.
 */
class TokenizerJsonParityTest {

    @Test
    void tokenizerJsonOfTheSyntheticVocabularyGivesLlamaCppsIds() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode tokJson;
        try (GGUFFile vocab = GGUFFile.open(HfTinyFixtureTest.fixture("../vocab-synthetic.gguf"))) {
            tokJson = tokenizerJson(json, vocab);
        }
        JsonNode config = json.readTree("{\"model_type\":\"lfm2\",\"hidden_size\":64,\"num_hidden_layers\":1,"
                + "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"intermediate_size\":384,\"vocab_size\":3272}");
        JsonNode tokConfig = json.readTree("{\"bos_token\":\"<|startoftext|>\",\"eos_token\":\"<|im_end|>\",\"pad_token\":\"<|pad|>\"}");
        Map<String, GGUFValue> md = HfTokenizer.metadata(tokJson, tokConfig, HfConfig.parse(config, Path.of("config.json")),
                Path.of("tokenizer.json"));
        Tokenizer t;
        try (GGUFFile view = GGUFFile.assembled(Path.of("synthetic"), java.lang.foreign.Arena.ofShared(), md, java.util.List.of(), 0)) {
            t = Tokenizer.fromGGUF(view);
        }
        int cases = 0;
        for (String fixture : new String[]{"tokenizer-cases.jsonl", "tokenizer-cases-extra.jsonl"}) {
            for (String line : Files.readAllLines(HfTinyFixtureTest.fixture("../" + fixture), StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonNode c = json.readTree(line);
                int[] expected = new int[c.get("ids").size()];
                for (int i = 0; i < expected.length; i++) expected[i] = c.get("ids").get(i).asInt();
                String text = c.get("text").asText();
                assertArrayEquals(expected, t.encode(text, c.get("add_bos").asBoolean(), c.get("parse_special").asBoolean()), text);
                cases++;
            }
        }
        assertEquals(21 + 1318, cases);
    }

    /** Hugging Face's tokenizer.json for a GGUF vocabulary, laid out as the fixture's own tokenizer.json. */
    static JsonNode tokenizerJson(ObjectMapper json, GGUFFile f) throws Exception {
        String[] tokens = (String[]) f.getArray("tokenizer.ggml.tokens").values();
        int[] types = f.getArray("tokenizer.ggml.token_type").toIntArray();
        String[] merges = (String[]) f.getArray("tokenizer.ggml.merges").values();
        ObjectNode root = (ObjectNode) json.readTree(Files.readString(HfTinyFixtureTest.fixture("checkpoint/tokenizer.json")));
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = ((ObjectNode) root.get("model")).putObject("vocab");
        for (int i = 0; i < tokens.length; i++) {
            vocab.put(tokens[i], i);
            if (types[i] == TokenType.CONTROL.id) {
                added.addObject().put("id", i).put("content", tokens[i]).put("single_word", false).put("lstrip", false)
                        .put("rstrip", false).put("normalized", false).put("special", true);
            }
        }
        ArrayNode m = ((ObjectNode) root.get("model")).putArray("merges");
        for (String merge : merges) {
            String[] lr = merge.split(" ", 2);
            m.addArray().add(lr[0]).add(lr[1]);
        }
        return root;
    }
}
