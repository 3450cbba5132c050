package io.github.lfm4j.model.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Word splits worked out by hand from the LLaMA-3 pattern and llama.cpp's scanner. */
class Llama3SplitterTest {

    static List<String> split(String s) {
        int[] cps = s.codePoints().toArray();
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int end : Llama3Splitter.wordEnds(cps, cps.length)) {
            words.add(new String(cps, start, end - start));
            start = end;
        }
        return words;
    }

    @Test
    void lettersTakeOnePrecedingNonLetter() {
        assertEquals(List.of("Hello", " world"), split("Hello world"));
        assertEquals(List.of("$hello", ",", " x"), split("$hello, x"));
        assertEquals(List.of("\u00A0x"), split("\u00A0x")); // NBSP is not \r or \n: it prefixes the word
    }

    @Test
    void cjkRunIsOneWord() {
        assertEquals(List.of("日本語です", "。"), split("日本語です。"));
    }

    @Test
    void contractionsAnyCase() {
        assertEquals(List.of("I", "'m"), split("I'm"));
        assertEquals(List.of("don", "'t"), split("don't"));
        assertEquals(List.of("DON", "'T"), split("DON'T"));
        assertEquals(List.of("we", "'LL"), split("we'LL"));
    }

    @Test
    void apostropheBeforeOtherLetterJoinsTheWord() {
        // "'x" is no contraction; ' is then a non-letter prefix of the letter run.
        assertEquals(List.of("'x"), split("'x"));
    }

    @Test
    void digitsInGroupsOfThree() {
        assertEquals(List.of("123", "45"), split("12345"));
        assertEquals(List.of("x", "1", " ", "2"), split("x1 2"));
    }

    @Test
    void punctuationRunsTakeOneLeadingSpaceAndTrailingNewlines() {
        assertEquals(List.of("hello", "!!\n"), split("hello!!\n"));
        assertEquals(List.of(" ?", "x"), split(" ?x"));
        assertEquals(List.of("€", "5"), split("€5"));
    }

    @Test
    void whitespaceRules() {
        // Two spaces before a word: the last one joins the word (\s+(?!\S)).
        assertEquals(List.of("a", " ", " b"), split("a  b"));
        // Trailing spaces stay together.
        assertEquals(List.of("x", "   "), split("x   "));
        // \s*[\r\n]+ ends at the last line break of the whitespace run.
        assertEquals(List.of("a", "\n\n", "b"), split("a\n\nb"));
        assertEquals(List.of("  \n", " ", " x"), split("  \n  x"));
        assertEquals(List.of(" "), split(" "));
    }

    @Test
    void tabPrefixesAWord() {
        assertEquals(List.of("\tx"), split("\tx"));
    }
}
