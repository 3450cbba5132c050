package io.github.lfm4j.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lfm4j tokenize} run in-process on the vocabulary-only synthetic GGUF. */
class TokenizeCommandTest {

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        CommandLine cl = Lfm4jCli.create();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** The shared fixture in the model module (Maven runs tests from the module directory). */
    static String vocab() {
        return Path.of("../model/src/test/resources/fixtures/vocab-synthetic.gguf").toString();
    }

    @Test
    void jsonHasTheIdsLlamaCppGives() throws Exception {
        // Ids for "Hello world" as llama.cpp produced them (model/src/test/resources/fixtures/tokenizer-cases.jsonl).
        Result r = run("tokenize", "-m", vocab(), "-p", "Hello world", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("[1,1574,3216,333,276,1540]", json.get("ids").toString());
        assertEquals(6, json.get("pieces").size());
        assertEquals("<|startoftext|>", json.get("pieces").get(0).asText());
        StringBuilder joined = new StringBuilder();
        for (int i = 1; i < 6; i++) joined.append(json.get("pieces").get(i).asText());
        assertEquals("Hello world", joined.toString());
    }

    @Test
    void noBosDropsTheBosToken() throws Exception {
        Result r = run("tokenize", "-m", vocab(), "-p", "Hello world", "--json", "--no-bos");
        assertEquals(0, r.exit(), r.err());
        assertEquals("[1574,3216,333,276,1540]", new ObjectMapper().readTree(r.out()).get("ids").toString());
    }

    @Test
    void controlTokensOnlyWithSpecial() throws Exception {
        Result plain = run("tokenize", "-m", vocab(), "-p", "<|im_start|>user", "--json", "--no-bos");
        Result special = run("tokenize", "-m", vocab(), "-p", "<|im_start|>user", "--json", "--no-bos", "--special");
        assertEquals(0, plain.exit(), plain.err());
        assertEquals(0, special.exit(), special.err());
        JsonNode p = new ObjectMapper().readTree(plain.out()).get("ids");
        JsonNode s = new ObjectMapper().readTree(special.out()).get("ids");
        assertEquals(6, s.get(0).asInt()); // <|im_start|>
        for (JsonNode id : p) assertFalse(id.asInt() == 6, "control token from plain text: " + p);
        assertTrue(p.size() > s.size());
    }

    @Test
    void plainOutputListsOneTokenPerLine() throws Exception {
        Result r = run("tokenize", "-m", vocab(), "-p", "a\nb");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals("     1 -> '<|startoftext|>'", lines[0]);
        assertTrue(r.out().contains("-> '\\n'"), r.out());
        assertEquals((lines.length - 1) + " tokens", lines[lines.length - 1]);
    }

    @Test
    void bytesOfSplitCharactersAreShownAsHex() throws Exception {
        // 🙂 is F0 9F 99 82; the small vocabulary has no token for it, so it is split into byte-level tokens.
        Result r = run("tokenize", "-m", vocab(), "-p", "🙂", "--no-bos");
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("\uFFFD"), r.out());
        String hex = r.out().lines().filter(l -> l.contains("->"))
                .map(l -> l.substring(l.indexOf('\'') + 1, l.lastIndexOf('\''))).reduce("", String::concat);
        assertEquals("\\xF0\\x9F\\x99\\x82", hex);
    }

    @Test
    void missingFileIsOneLineError(@TempDir Path dir) {
        Path missing = dir.resolve("nope.gguf");
        Result r = run("tokenize", "-m", missing.toString(), "-p", "hi");
        assertEquals(1, r.exit());
        assertEquals("lfm4j: " + missing + ": no such file", r.err().strip());
        assertEquals("", r.out());
    }

    @Test
    void fileWithoutVocabularyIsOneLineError(@TempDir Path dir) throws Exception {
        Path notGguf = dir.resolve("x.gguf");
        Files.write(notGguf, new byte[64]);
        Result r = run("tokenize", "-m", notGguf.toString(), "-p", "hi");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("lfm4j: ") && r.err().strip().lines().count() == 1, r.err());
    }

    @Test
    void helpListsTheOptions() {
        Result r = run("tokenize", "--help");
        assertEquals(0, r.exit(), r.err());
        for (String option : new String[]{"--model", "--prompt", "--special", "--no-bos", "--json"}) {
            assertTrue(r.out().contains(option), r.out());
        }
    }

    @Test
    void missingOptionIsAUsageError() {
        Result r = run("tokenize", "-p", "hi");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--model"), r.err());
    }
}
