package io.github.lfm4j.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateCommandTest {
    static final String MODEL = "../model/src/test/resources/fixtures/tiny-f32.gguf";

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Lfm4jCli.create();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void greedyJsonMatchesTheFixtureContinuation() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(
                java.nio.file.Path.of("../model/src/test/resources/fixtures/generation-cases.json").toFile()).get("cases");
        JsonNode c = cases.get(0);
        assertEquals("tiny-f32.gguf", c.get("model").asText());
        String prompt = Arrays.stream(new ObjectMapper().treeToValue(c.get("prompt"), int[].class))
                .mapToObj(Integer::toString).collect(Collectors.joining(","));
        Run r = run("generate", "-m", MODEL, "--tokens", prompt, "-n", "16", "--temp", "0", "--json",
                "--threads", "1", "--top-logprobs", "3");
        assertEquals(0, r.exit, r.err);
        JsonNode j = new ObjectMapper().readTree(r.out);
        assertEquals(c.get("prompt"), j.get("prompt_tokens"));
        assertEquals(c.get("reference").get("greedy"), j.get("tokens"));
        assertFalse(j.get("text").asText().isEmpty()); // the tiny model has a tokenizer: text is decoded
        assertTrue(j.get("timings").get("prompt_tokens_per_second").asDouble() > 0);
        assertTrue(j.get("timings").get("decode_tokens_per_second").asDouble() > 0);
        JsonNode lp = j.get("top_logprobs");
        assertEquals(16, lp.size());
        for (int i = 0; i < 16; i++) {
            // greedy: the chosen token is the most likely one, and log-probabilities are sorted and negative
            assertEquals(j.get("tokens").get(i).asInt(), lp.get(i).get(0).get("token").asInt());
            assertTrue(lp.get(i).get(0).get("logprob").asDouble() <= 0);
            assertTrue(lp.get(i).get(0).get("logprob").asDouble() >= lp.get(i).get(1).get("logprob").asDouble());
        }
    }

    @Test
    void seededSamplingIsReproducible() throws Exception {
        String[] args = {"generate", "-m", MODEL, "--tokens", "1,2,3", "-n", "8", "--temp", "1.0", "--seed", "5",
                "--threads", "1", "--ignore-eos", "--json"};
        Run a = run(args), b = run(args);
        assertEquals(0, a.exit, a.err);
        JsonNode ja = new ObjectMapper().readTree(a.out), jb = new ObjectMapper().readTree(b.out);
        assertEquals(ja.get("tokens"), jb.get("tokens"));
        assertEquals(8, ja.get("tokens").size());
    }

    @Test
    void textPromptIsTokenizedWithBosAndOutputDecoded() throws Exception {
        Tokenizer tokenizer;
        try (GGUFFile f = GGUFFile.open(Path.of(MODEL))) {
            tokenizer = Tokenizer.fromGGUF(f);
        }
        int[] ids = tokenizer.encode("Hello world, this is", true, true);
        assertEquals(tokenizer.bos(), ids[0]);
        Run text = run("generate", "-m", MODEL, "-p", "Hello world, this is", "-n", "6", "--temp", "0", "--json",
                "--threads", "1");
        assertEquals(0, text.exit, text.err);
        JsonNode jt = new ObjectMapper().readTree(text.out);
        assertEquals(Arrays.toString(ids), jt.get("prompt_tokens").toString().replace(",", ", "));
        Run byIds = run("generate", "-m", MODEL, "--tokens",
                Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(",")), "-n", "6",
                "--temp", "0", "--json", "--threads", "1");
        JsonNode ji = new ObjectMapper().readTree(byIds.out);
        assertEquals(ji.get("tokens"), jt.get("tokens"));
        int[] generated = new ObjectMapper().treeToValue(jt.get("tokens"), int[].class);
        assertEquals(tokenizer.decode(generated, false), jt.get("text").asText());
        assertFalse(jt.get("text").asText().isEmpty());

        // without --json the text is streamed to stdout and the timings go to stderr
        Run plain = run("generate", "-m", MODEL, "-p", "Hello world, this is", "-n", "6", "--temp", "0",
                "--threads", "1");
        assertEquals(tokenizer.decode(generated, false), plain.out.strip());
        assertTrue(plain.err.contains("tok/s"), plain.err);
    }

    @Test
    void userErrorsAreOneLine() {
        Run overflow = run("generate", "-m", MODEL, "--tokens", "1,2,3", "-n", "100", "-c", "50");
        assertEquals(1, overflow.exit);
        assertEquals("lfm4j: prompt of 3 tokens + 100 to generate exceeds the context of 50 tokens", overflow.err.trim());

        Run missing = run("generate", "-m", "no-such.gguf", "--tokens", "1");
        assertEquals(1, missing.exit);
        assertEquals("lfm4j: model file not found: no-such.gguf", missing.err.trim());

        Run badToken = run("generate", "-m", MODEL, "--tokens", "1,999999", "-n", "1");
        assertEquals(1, badToken.exit);
        assertTrue(badToken.err.startsWith("lfm4j: token id 999999 is out of range"), badToken.err);
        assertFalse(badToken.err.trim().contains("\n"));

        Run q8 = run("generate", "-m", MODEL, "--tokens", "1,2", "-n", "1", "-ctk", "q8_0");
        assertEquals(1, q8.exit);
        assertEquals("lfm4j: a q8_0 KV cache needs a head size that is a multiple of 32; this model's is 16 (use f16 "
                + "or f32)", q8.err.trim());
        Run badType = run("generate", "-m", MODEL, "--tokens", "1,2", "-n", "1", "--cache-type-v", "f8");
        assertEquals(1, badType.exit);
        assertEquals("lfm4j: unknown KV cache type 'f8': expected one of f32, f16, q8_0", badType.err.trim());

        Run neither = run("generate", "-m", MODEL);
        assertEquals(1, neither.exit);
        assertTrue(neither.err.startsWith("lfm4j: give the prompt"), neither.err);
    }
}
