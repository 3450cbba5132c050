package io.github.lfm4j.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.gguf.GGUFFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exact parity with llama.cpp: every line of {@code fixtures/tokenizer-cases.jsonl} holds the ids llama.cpp produced
 * for a text with {@code fixtures/vocab-synthetic.gguf} (an LFM2-style vocabulary of 3272 tokens and 3000 merges).
 */
class LlamaCppParityTest {

    static GGUFFile file;
    static Tokenizer tokenizer;

    @BeforeAll
    static void open() throws URISyntaxException {
        file = GGUFFile.open(resource("fixtures/vocab-synthetic.gguf"));
        tokenizer = Tokenizer.fromGGUF(file);
    }

    @AfterAll
    static void close() {
        file.close();
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(LlamaCppParityTest.class.getClassLoader().getResource(name).toURI());
    }

    @TestFactory
    List<DynamicTest> everyFixtureLineMatchesLlamaCpp() throws Exception {
        List<String> lines = Files.readAllLines(resource("fixtures/tokenizer-cases.jsonl"), StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) continue;
            JsonNode c = json.readTree(line);
            String text = c.get("text").asText();
            boolean special = c.get("parse_special").asBoolean();
            boolean bos = c.get("add_bos").asBoolean();
            int[] expected = new int[c.get("ids").size()];
            for (int i = 0; i < expected.length; i++) expected[i] = c.get("ids").get(i).asInt();
            String name = "line " + (tests.size() + 1) + ": \"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + '"';
            tests.add(DynamicTest.dynamicTest(name, () -> {
                int[] actual = tokenizer.encode(text, bos, special);
                assertArrayEquals(expected, actual, () -> "text " + text + "\nexpected " + Arrays.toString(expected)
                        + "\nactual   " + Arrays.toString(actual));
            }));
        }
        assertTrue(tests.size() >= 20, "fixture lines: " + tests.size());
        return tests;
    }

    @Test
    void fixtureTextsRoundTrip() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(resource("fixtures/tokenizer-cases.jsonl"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            JsonNode c = json.readTree(line);
            String text = c.get("text").asText();
            int[] ids = tokenizer.encode(text, false, c.get("parse_special").asBoolean());
            assertEquals(text, tokenizer.decode(ids, false));
        }
    }

    @Test
    void metadataIsRead() {
        assertEquals(3272, tokenizer.vocabSize());
        assertEquals(1, tokenizer.bos());
        assertEquals(7, tokenizer.eos());
        assertTrue(tokenizer.addsBos());
        assertEquals("<|im_end|>", tokenizer.piece(7));
        assertEquals(6, tokenizer.tokenId("<|im_start|>"));
        assertEquals(-1, tokenizer.tokenId("no such token"));
        assertTrue(tokenizer.isControl(14));
        assertTrue(!tokenizer.isControl(16));
        assertTrue(tokenizer.isEndOfGeneration(7));
        assertTrue(tokenizer.isEndOfGeneration(2)); // <|endoftext|>
        assertTrue(!tokenizer.isEndOfGeneration(6));
    }
}
