package io.github.lfm4j.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code -m DIR} with a Hugging Face checkpoint on info, tokenize and generate; bad directories fail in one line. */
class HfCheckpointCliTest {
    static final Path CKPT = Path.of("../model/src/test/resources/fixtures/hf-tiny/checkpoint");

    @TempDir
    Path tmp;

    @Test
    void infoDescribesTheCheckpoint() throws Exception {
        CliRun r = CliRun.of("info", "-m", CKPT.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Hugging Face checkpoint, safetensors"), r.out());
        assertTrue(r.out().contains("c c A c A c"), r.out());
        assertTrue(r.out().contains("hidden 64, ffn 256, heads 4, KV heads 2"), r.out());
        assertTrue(r.out().contains("BF16"), r.out());
        JsonNode j = new ObjectMapper().readTree(CliRun.of("info", "-m", CKPT.toString(), "--json").out());
        assertEquals("hf-checkpoint", j.get("format").asText());
        assertEquals(1772, j.get("vocab_size").asInt());
    }

    @Test
    void tokenizeAndGenerateFromTheDirectory() throws Exception {
        JsonNode expected = new ObjectMapper().readTree(CKPT.resolveSibling("expected.json").toFile());
        CliRun t = CliRun.of("tokenize", "-m", CKPT.toString(), "-p", "Hello world", "--json");
        assertEquals(0, t.exit(), t.err());
        JsonNode ids = new ObjectMapper().readTree(t.out());
        assertTrue(ids.toString().contains("[1,55,331,769,236,716,91,83]") || ids.toString().contains("1,55,331,769,236,716,91,83"), t.out());

        JsonNode c = expected.get("cases").get(1);
        StringBuilder prompt = new StringBuilder();
        for (JsonNode id : c.get("prompt")) prompt.append(prompt.isEmpty() ? "" : ",").append(id.asInt());
        // The continuation up to (not including) transformers' first EOS, which ends generate's run.
        CliRun g = CliRun.of("generate", "-m", CKPT.toString(), "--tokens", prompt.toString(), "-n", "16", "--temp", "0", "--json", "-t", "1");
        assertEquals(0, g.exit(), g.err());
        JsonNode tokens = new ObjectMapper().readTree(g.out()).get("tokens");
        assertTrue(tokens.size() > 0);
        for (int i = 0; i < tokens.size(); i++) assertEquals(c.get("greedy").get(i).asInt(), tokens.get(i).asInt(), "token " + i);
    }

    @Test
    void badDirectoriesAreOneLineErrors() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(CliRun.of("info", "-m", empty.toString()).oneErrorLine().contains("no config.json"));
        assertTrue(CliRun.of("generate", "-m", empty.toString(), "-p", "x").oneErrorLine().contains("without config.json"));
        Files.writeString(empty.resolve("config.json"), "{\"model_type\":\"gpt2\"}");
        assertTrue(CliRun.of("generate", "-m", empty.toString(), "-p", "x").oneErrorLine().contains("model_type 'gpt2' is not supported"));
    }

    @Test
    void quantizeAtLoad() throws Exception {
        CliRun g = CliRun.of("generate", "-m", CKPT.toString(), "--quantize", "q8_0", "--tokens", "1,400,755,762,778", "-n", "1", "--temp", "0", "--json", "-t", "1");
        assertEquals(0, g.exit(), g.err());
        assertEquals(397, new ObjectMapper().readTree(g.out()).get("tokens").get(0).asInt()); // transformers' first token
        assertTrue(CliRun.of("generate", "-m", CKPT.toString(), "--quantize", "q5_k", "-p", "x").oneErrorLine().contains("q8_0 or q4_0"));
    }
}
