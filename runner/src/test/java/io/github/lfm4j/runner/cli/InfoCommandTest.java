package io.github.lfm4j.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFValue;
import io.github.lfm4j.model.gguf.GGUFValueType;
import io.github.lfm4j.model.gguf.GGUFWriter;
import io.github.lfm4j.model.synth.SynthShape;
import io.github.lfm4j.model.synth.SyntheticModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoCommandTest {

    @TempDir
    static Path dir;
    static Path tiny, vocabOnly;

    @BeforeAll
    static void models() throws Exception {
        tiny = dir.resolve("tiny.gguf");
        SyntheticModel.write(tiny, SynthShape.TINY, GGMLType.Q4_0, 1, "{{ x }}", 2);
        // the tokenizer half of the same file: metadata only, no tensors, no lfm2 hyperparameters
        vocabOnly = dir.resolve("vocab.gguf");
        GGUFWriter w = new GGUFWriter();
        try (GGUFFile f = GGUFFile.open(tiny)) {
            for (Map.Entry<String, GGUFValue> e : f.metadata().entrySet()) {
                if (e.getKey().startsWith("tokenizer.") || e.getKey().equals("general.architecture")) w.put(e.getKey(), e.getValue());
            }
        }
        w.write(vocabOnly);
    }

    @Test
    void textDescribesTheModel() {
        CliRun r = CliRun.of("info", "-m", tiny.toString());
        assertEquals(0, r.exit(), r.err());
        String o = r.out();
        assertTrue(o.contains("architecture:   lfm2\n"), o);
        assertTrue(o.contains("layers:         6 (4 conv, 2 attention)\n"), o);
        assertTrue(o.contains("layer pattern:  c c A c A c"), o);
        assertTrue(o.contains("dims:           hidden 64, ffn 128, heads 4, KV heads 2, head dim 16\n"), o);
        assertTrue(o.contains("context length: 512 "), o);
        assertTrue(o.contains("vocabulary:     3272 tokens, tokenizer gpt2, 3000 merges\n"), o);
        assertTrue(o.contains("special tokens: bos 1 '<|startoftext|>', eos 7 '<|im_end|>', pad 0 '<|pad|>'\n"), o);
        assertTrue(o.contains("chat template:  embedded (7 chars)\n"), o);
        assertTrue(o.contains("  Q4_0      35 tensors"), o);
        assertTrue(o.contains("  F32       21 tensors"), o);
        // KV cache at the model's 512, f16 by default: 2 attention layers * 2 (K, V) * 512 * 2 heads * 16 * 2 bytes
        assertTrue(o.contains("+ KV cache 128.0 KiB (f16) at context 512 +"), o);
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void jsonHasTheDocumentedFieldsAndHonoursTheContext() throws Exception {
        CliRun r = CliRun.of("info", "-m", tiny.toString(), "-c", "4096", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("lfm2", j.get("architecture").asText());
        assertEquals(64, j.get("embedding_length").asInt());
        assertEquals(6, j.get("block_count").asInt());
        assertEquals("[\"conv\",\"conv\",\"attention\",\"conv\",\"attention\",\"conv\"]", j.get("layer_types").toString());
        assertEquals(4, j.get("head_count").asInt());
        assertEquals(2, j.get("head_count_kv").asInt());
        assertEquals(128, j.get("feed_forward_length").asInt());
        assertEquals(512, j.get("context_length").asInt());
        assertEquals(3272, j.get("vocab_size").asInt());
        assertEquals(35, j.get("tensor_types").get("Q4_0").asInt());
        assertEquals(21, j.get("tensor_types").get("F32").asInt());
        assertEquals(7, j.get("special_tokens").get("eos").get("id").asInt());
        assertEquals("<|im_end|>", j.get("special_tokens").get("eos").get("text").asText());
        assertTrue(j.get("has_chat_template").asBoolean());
        assertEquals(4096, j.get("context").asInt());
        assertEquals(2L * 2 * 4096 * 2 * 16 * 2, j.get("kv_cache_bytes").asLong());
        assertEquals("f16", j.get("kv_cache_type_k").asText());
        long tensorBytes = j.get("tensor_type_bytes").get("Q4_0").asLong() + j.get("tensor_type_bytes").get("F32").asLong();
        assertEquals(tensorBytes, j.get("weights_bytes").asLong());
        assertTrue(j.get("weights_bytes").asLong() < Files.size(tiny));
        assertEquals(j.get("weights_bytes").asLong() + j.get("kv_cache_bytes").asLong() + j.get("conv_state_bytes").asLong(),
                j.get("total_bytes").asLong());
    }

    @Test
    void reportsTheKvCacheMemoryOfTheRequestedTypes() throws Exception {
        // 2 attention layers * 4096 positions * 2 heads * 16 = 262144 values each of keys and values:
        // keys f32 4 bytes each, values q8_0 34 bytes per 32
        CliRun r = CliRun.of("info", "-m", tiny.toString(), "-c", "4096", "-ctk", "f32", "--cache-type-v", "q8_0");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("+ KV cache 1.3 MiB (keys f32, values q8_0) at context 4096 (beyond"), r.out());
        CliRun j = CliRun.of("info", "-m", tiny.toString(), "-c", "4096", "-ctk", "f32", "-ctv", "q8_0", "--json");
        assertEquals(262144L * 4 + 262144L / 32 * 34, new ObjectMapper().readTree(j.out()).get("kv_cache_bytes").asLong());
        CliRun bad = CliRun.of("info", "-m", tiny.toString(), "-ctk", "q4_9");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("unknown KV cache type 'q4_9': expected one of f32, f16, q8_0"), bad.err());
    }

    @Test
    void worksOnVocabularyOnlyFiles() throws Exception {
        CliRun r = CliRun.of("info", "-m", vocabOnly.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("vocabulary:     3272 tokens"), r.out());
        assertTrue(r.out().contains("tensors:        0 (vocabulary only)"), r.out());
        assertFalse(r.out().contains("memory:"), r.out());
        JsonNode j = new ObjectMapper().readTree(CliRun.of("info", "-m", vocabOnly.toString(), "--json").out());
        assertEquals(3272, j.get("vocab_size").asInt());
        assertEquals(0, j.get("tensor_count").asInt());
        assertFalse(j.has("block_count"));
    }

    @Test
    void reportsUnusableWeightsWithoutFailing() throws Exception {
        Path wrong = dir.resolve("wrong.gguf");
        GGUFWriter w = new GGUFWriter();
        try (GGUFFile f = GGUFFile.open(tiny)) {
            w.putAll(f.metadata());
        }
        w.addTensor("token_embd.weight", GGMLType.F32, new long[]{64, 10}, new byte[64 * 10 * 4]);
        w.write(wrong);
        CliRun r = CliRun.of("info", "-m", wrong.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("vocabulary:     10 tokens (but the tokenizer has 3272), tokenizer gpt2"), r.out());
        assertTrue(r.out().contains("weights:        unusable: " + wrong + ": missing tensor 'token_embd_norm.weight'"), r.out());
    }

    @Test
    void userErrorsAreOneLine() throws Exception {
        assertEquals("lfm4j: " + dir.resolve("none.gguf") + ": no such file",
                CliRun.of("info", "-m", dir.resolve("none.gguf").toString()).oneErrorLine());
        Path junk = Files.writeString(dir.resolve("junk.gguf"), "this is not a model, just some text");
        assertTrue(CliRun.of("info", "-m", junk.toString()).oneErrorLine().startsWith("lfm4j: " + junk + ": not a GGUF file"));
        assertEquals("lfm4j: context size must be at least 1, got 0",
                CliRun.of("info", "-m", tiny.toString(), "-c", "0").oneErrorLine());
        assertTrue(CliRun.of("info").oneErrorLine().contains("--model"));
        assertTrue(CliRun.of("info", "-m", tiny.toString(), "--bogus").oneErrorLine().contains("--bogus"));
        GGUFWriter w = new GGUFWriter();
        w.putString("general.architecture", "lfm2");
        w.put("lfm2.embedding_length", new GGUFValue(GGUFValueType.UINT32, 64L));
        Path broken = dir.resolve("broken.gguf");
        w.write(broken);
        CliRun r = CliRun.of("info", "-m", broken.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("config:         unusable: " + broken + ": missing metadata 'lfm2.block_count'"), r.out());
    }
}
