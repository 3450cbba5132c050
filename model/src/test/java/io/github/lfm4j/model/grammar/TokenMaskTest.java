package io.github.lfm4j.model.grammar;

import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trie walk's token masks against testing every token's bytes one by one, at every state of random walks
 * through several grammars, on the synthetic LFM2 vocabulary and on a vocabulary of random byte strings that cut
 * UTF-8 characters apart.
 */
class TokenMaskTest {
    private static Tokenizer tokenizer;
    private static byte[][] tokenBytes;
    private static VocabularyTrie trie;

    @BeforeAll
    static void load() throws Exception {
        Path p = Path.of(TokenMaskTest.class.getResource("/fixtures/tiny-f32.gguf").toURI());
        try (GGUFFile f = GGUFFile.open(p)) {
            tokenizer = Tokenizer.fromGGUF(f);
        }
        trie = VocabularyTrie.of(tokenizer);
        tokenBytes = new byte[tokenizer.vocabSize()][];
        for (int i = 0; i < tokenBytes.length; i++) {
            if (!tokenizer.isControl(i)) tokenBytes[i] = tokenizer.tokenBytes(i);
        }
    }

    static final String[] GRAMMARS = {
            JsonGrammars.JSON_OBJECT,
            GbnfGrammarTest.ARITHMETIC,
            GbnfGrammarTest.JSON,
            "root ::= [^\\x00-\\x7F]{1,3} \" \" [a-zé中]+ \".\"",
            JsonSchemaConverter.toGbnf("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":6},"
                    + "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120},\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b c\"]}}},"
                    + "\"required\":[\"name\"]}"),
    };

    @Test
    void maskEqualsTokenByTokenCheckOnTheModelVocabulary() {
        int[] ends = trie.endTokens();
        assertTrue(Arrays.stream(ends).anyMatch(e -> e == tokenizer.eos()));
        for (String gbnf : GRAMMARS) walkAndCompare(Grammar.parse(gbnf), trie, tokenBytes, ends, 11);
    }

    @Test
    void maskEqualsTokenByTokenCheckOnRandomByteTokens() {
        SplittableRandom rnd = new SplittableRandom(5);
        byte[] pool = "{}[]\":, 0123abcé中😀-.e\\".getBytes(StandardCharsets.UTF_8);
        byte[][] tokens = new byte[3000][];
        for (int i = 0; i < 256; i++) tokens[i] = new byte[]{(byte) i}; // every byte, as byte-level BPE has
        for (int i = 256; i < tokens.length; i++) {
            if (i % 97 == 0) continue; // a few tokens without bytes (control tokens)
            byte[] t = new byte[1 + rnd.nextInt(6)];
            for (int k = 0; k < t.length; k++) t[k] = pool[rnd.nextInt(pool.length)];
            tokens[i] = t;
        }
        tokens[300] = tokens[301].clone(); // two tokens with the same bytes end at one node
        int[] ends = {291, 2910};
        VocabularyTrie t = new VocabularyTrie(tokens, ends);
        for (String gbnf : GRAMMARS) walkAndCompare(Grammar.parse(gbnf), t, tokens, ends, 23);
    }

    private static void walkAndCompare(Grammar g, VocabularyTrie trie, byte[][] tokens, int[] ends, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int walk = 0; walk < 4; walk++) {
            GrammarMatcher m = new GrammarMatcher(g, trie);
            for (int step = 0; step < 40; step++) {
                long[] mask = m.allowedTokens();
                long[] expected = new long[mask.length];
                List<Integer> allowed = new ArrayList<>();
                for (int id = 0; id < tokens.length; id++) {
                    boolean ok = tokens[id] != null && tokens[id].length > 0 && m.allows(tokens[id]);
                    for (int e : ends) if (e == id) ok = m.isComplete();
                    if (ok) {
                        expected[id >>> 6] |= 1L << id;
                        allowed.add(id);
                    }
                }
                assertArrayEquals(expected, mask, "step " + step + " of " + g.source().lines().findFirst().orElse(""));
                // end tokens apart, something must always be possible until the grammar is complete
                List<Integer> bytesTokens = allowed.stream().filter(id -> Arrays.stream(ends).noneMatch(e -> e == id)).toList();
                if (bytesTokens.isEmpty()) {
                    assertTrue(m.isComplete());
                    break;
                }
                int pick = bytesTokens.get(rnd.nextInt(bytesTokens.size()));
                assertTrue(m.accept(tokens[pick]));
            }
        }
    }

    @Test
    void trieHoldsEveryTokenWithBytes() {
        int withBytes = 0;
        for (byte[] b : tokenBytes) if (b != null && b.length > 0) withBytes++;
        // every token with bytes is allowed by a grammar that allows everything
        GrammarMatcher any = new GrammarMatcher(Grammar.parse("root ::= [\\x00-\\U0010FFFF]*"), trie);
        int count = 0;
        for (long w : any.allowedTokens()) count += Long.bitCount(w);
        // byte tokens of invalid UTF-8 (lone continuation bytes, 0xF8..0xFF) are refused by a character grammar
        int validUtf8 = 0;
        for (byte[] b : tokenBytes) {
            if (b == null || b.length == 0) continue;
            if (new GrammarMatcher(Grammar.parse("root ::= [\\x00-\\U0010FFFF]*"), null).allows(b)) validUtf8++;
        }
        assertEquals(validUtf8 + trie.endTokens().length, count, "all valid tokens and the end tokens (the grammar is complete)");
        assertTrue(validUtf8 > withBytes / 2);
    }
}
