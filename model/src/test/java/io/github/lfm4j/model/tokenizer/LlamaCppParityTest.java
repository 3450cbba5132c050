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
 * Exact parity with llama.cpp: every line of the fixtures holds the ids llama.cpp produced for a text with
 * {@code fixtures/vocab-synthetic.gguf} (an LFM2-style vocabulary of 3272 tokens and 3000 merges).
 * <ul>
 *   <li>{@code tokenizer-cases.jsonl}: 21 cases shared by the team (multilingual, code, chat markup).</li>
 *   <li>{@code tokenizer-cases-extra.jsonl}: 1318 cases: 409 texts each with parse_special off and on (split-rule
 *       corner cases: contractions, whitespace runs, NBSP and other Unicode spaces, digit groups in several scripts,
 *       unassigned and private-use code points, combining marks, ZWJ emoji, special tokens in every position, lone
 *       surrogates; and 300 random strings over a mixed alphabet), then 500 random strings of up to 80 pieces drawn
 *       from ASCII, Unicode spaces, marks, letter/number categories, emoji, contractions and chat markup. Ids made
 *       by llama.cpp through the node-llama-cpp 3.22.1 bindings ({@code loadModel({vocabOnly: true})},
 *       {@code model.tokenize(text, parse_special)}, so add_bos is false); see the .md file beside it.</li>
 * </ul>
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
        return cases("fixtures/tokenizer-cases.jsonl", 21);
    }

    @TestFactory
    List<DynamicTest> everyExtraLineMatchesLlamaCpp() throws Exception {
        return cases("fixtures/tokenizer-cases-extra.jsonl", 1318);
    }

    private List<DynamicTest> cases(String fixture, int expectedCount) throws Exception {
        List<String> lines = Files.readAllLines(resource(fixture), StandardCharsets.UTF_8);
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
        assertEquals(expectedCount, tests.size(), "fixture lines in " + fixture);
        return tests;
    }

    @Test
    void fixtureTextsRoundTrip() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (String fixture : List.of("fixtures/tokenizer-cases.jsonl", "fixtures/tokenizer-cases-extra.jsonl")) {
            for (String line : Files.readAllLines(resource(fixture), StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonNode c = json.readTree(line);
                String text = c.get("text").asText();
                int[] ids = tokenizer.encode(text, false, c.get("parse_special").asBoolean());
                // A lone surrogate has no UTF-8 form: it is encoded (like llama.cpp does) as U+FFFD.
                String expected = text.replaceAll("\\p{Cs}", "\uFFFD");
                assertEquals(expected, tokenizer.decode(ids, false), fixture);
            }
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
