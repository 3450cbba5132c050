package io.github.lfm4j.model.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small vocabularies whose answers are worked out by hand in the comments. */
class HandBuiltVocabularyTest {

    /** Builds a vocabulary: tokens get ids in the order added. */
    static final class Vocab {
        final List<String> tokens = new ArrayList<>();
        final List<Integer> types = new ArrayList<>();
        final List<String> merges = new ArrayList<>();

        Vocab normal(String... texts) {
            for (String t : texts) add(t, TokenType.NORMAL);
            return this;
        }

        Vocab add(String text, TokenType type) {
            tokens.add(text);
            types.add(type.id);
            return this;
        }

        Vocab merges(String... m) {
            merges.addAll(List.of(m));
            return this;
        }

        Tokenizer build(int bos, int eos, boolean addBos) {
            return new Tokenizer(tokens.toArray(String[]::new), types.stream().mapToInt(Integer::intValue).toArray(),
                    merges.toArray(String[]::new), bos, eos, addBos, false);
        }

        Tokenizer build() {
            return build(-1, -1, false);
        }

        int id(String text) {
            return tokens.indexOf(text);
        }
    }

    @Test
    void lowestRankMergesFirst() {
        // "abc": candidate pairs (a,b) and (b,c). With "b c" ranked first: a + bc; with "a b" first: ab + c.
        Vocab v = new Vocab().normal("a", "b", "c", "ab", "bc").merges("b c", "a b");
        assertArrayEquals(new int[]{0, 4}, v.build().encode("abc", false, false));
        Vocab w = new Vocab().normal("a", "b", "c", "ab", "bc").merges("a b", "b c");
        assertArrayEquals(new int[]{3, 2}, w.build().encode("abc", false, false));
    }

    @Test
    void equalRanksMergeLeftmostFirst() {
        // "aaa": pairs (0,1) and (1,2) have the same rank; the left one wins -> aa + a.
        // "aaaa": (0,1) merges, (1,2) is then stale, (2,3) merges -> aa + aa.
        Tokenizer t = new Vocab().normal("a", "aa").merges("a a").build();
        assertArrayEquals(new int[]{1, 0}, t.encode("aaa", false, false));
        assertArrayEquals(new int[]{1, 1}, t.encode("aaaa", false, false));
        assertArrayEquals(new int[]{1, 1, 0}, t.encode("aaaaa", false, false));
    }

    @Test
    void mergesBuildOnEarlierMerges() {
        // Only "a b" merges: "ababa" -> ab, ab, a. Adding the merge "ab ab" joins the two ab -> abab, a.
        Vocab v = new Vocab().normal("a", "b", "ab", "abab").merges("a b");
        // "abab" is itself a vocabulary entry: ignore_merges takes it whole even though no merge produces it.
        assertArrayEquals(new int[]{3}, v.build().encode("abab", false, false));
        // "ababa" is not: merges give ab, ab, a.
        assertArrayEquals(new int[]{2, 2, 0}, v.build().encode("ababa", false, false));
        Tokenizer w = new Vocab().normal("a", "b", "ab", "abab").merges("a b", "ab ab").build();
        assertArrayEquals(new int[]{3, 0}, w.encode("ababa", false, false));
    }

    @Test
    void spacesAndNewlinesAreByteLevelCharacters() {
        // " hi" is the word "Ġhi"; "\n" is "Ċ". The merge "Ġ h" then "Ġh i" gives Ġhi.
        Vocab v = new Vocab().normal("h", "i", "Ġ", "Ċ", "Ġh", "hi", "Ġhix").merges("Ġ h", "h i", "Ġh i");
        Tokenizer t = v.build();
        // Words: "hi", " hi", "\n". "Ġhi" is not in the vocabulary, so the merged symbol Ġhi falls back to its
        // single bytes, and only ASCII ones can be looked up (llama.cpp): Ġ (U+0120) is dropped, h and i remain.
        assertArrayEquals(new int[]{v.id("hi"), v.id("h"), v.id("i"), v.id("Ċ")}, t.encode("hi hi\n", false, false));
        Tokenizer u = new Vocab().normal("h", "i", "Ġ", "Ċ", "Ġh", "hi", "Ġhi").merges("Ġ h", "h i", "Ġh i").build();
        assertArrayEquals(new int[]{5, 6, 3}, u.encode("hi hi\n", false, false));
        assertEquals("hi hi\n", u.decode(new int[]{5, 6, 3}, false));
    }

    private static Vocab chatVocab() {
        Vocab v = new Vocab();
        v.add("<|startoftext|>", TokenType.CONTROL);   // 0
        v.add("<|im_start|>", TokenType.CONTROL);      // 1
        v.add("<|im_end|>", TokenType.CONTROL);        // 2
        v.add("<tag>", TokenType.USER_DEFINED);        // 3
        v.add("<x>", TokenType.CONTROL);               // 4
        v.add("<x>>", TokenType.CONTROL);              // 5
        for (char c : "<|>_imstarendgxuhoy".toCharArray()) v.normal(String.valueOf(c));
        v.normal("Ġ", "Ċ");
        return v;
    }

    private static int[] charIds(Vocab v, String s) {
        return s.chars().map(c -> v.id(c == ' ' ? "Ġ" : c == '\n' ? "Ċ" : String.valueOf((char) c))).toArray();
    }

    @Test
    void controlTokensOnlyWhenParseSpecial() {
        Vocab v = chatVocab();
        Tokenizer t = v.build();
        String text = "<|im_start|>user\nhi<|im_end|>";
        int[] special = t.encode(text, false, true);
        int[] expected = concat(new int[]{1}, charIds(v, "user\nhi"), new int[]{2});
        assertArrayEquals(expected, special);

        // The same characters typed by a user: no control token can come out, every character is plain.
        int[] plain = t.encode(text, false, false);
        assertArrayEquals(charIds(v, text), plain);
        for (int id : plain) assertFalse(t.isControl(id), "control token " + id + " from plain text");
        assertEquals(text, t.decode(plain, false));
    }

    @Test
    void userDefinedTokensAreAlwaysMatched() {
        // llama.cpp splits user-defined tokens out even when parse_special is off (they are not control tokens).
        Vocab v = chatVocab();
        Tokenizer t = v.build();
        int[] expected = concat(charIds(v, "hi"), new int[]{3}, charIds(v, "ho"));
        assertArrayEquals(expected, t.encode("hi<tag>ho", false, false));
        assertArrayEquals(expected, t.encode("hi<tag>ho", false, true));
    }

    @Test
    void longerSpecialTokenWinsAndTextAroundIsKept() {
        Vocab v = chatVocab();
        Tokenizer t = v.build();
        // "<x>>" (4 bytes) is searched before "<x>" (3 bytes).
        assertArrayEquals(new int[]{5}, t.encode("<x>>", false, true));
        int[] expected = concat(charIds(v, "a "), new int[]{4}, charIds(v, " y"), new int[]{5}, charIds(v, "\n"));
        assertArrayEquals(expected, t.encode("a <x> y<x>>\n", false, true));
        assertArrayEquals(new int[]{1, 1, 2}, t.encode("<|im_start|><|im_start|><|im_end|>", false, true));
    }

    @Test
    void bosOnlyWhenModelAndCallerWantIt() {
        Vocab v = chatVocab();
        Tokenizer wants = v.build(0, 2, true);
        assertArrayEquals(concat(new int[]{0}, charIds(v, "hi")), wants.encode("hi", true, false));
        assertArrayEquals(charIds(v, "hi"), wants.encode("hi", false, false));
        assertArrayEquals(new int[]{0}, wants.encode("", true, false));
        Tokenizer doesNot = v.build(0, 2, false);
        assertArrayEquals(charIds(v, "hi"), doesNot.encode("hi", true, false));
        assertArrayEquals(new int[0], doesNot.encode("", true, true));
    }

    @Test
    void decodeSkipsControlTokensOnRequest() {
        Vocab v = chatVocab();
        Tokenizer t = v.build(0, 2, true);
        int[] ids = t.encode("<|im_start|>hi<tag><|im_end|>", true, true);
        assertEquals("<|startoftext|><|im_start|>hi<tag><|im_end|>", t.decode(ids, false));
        assertEquals("hi<tag>", t.decode(ids, true));
    }

    @Test
    void unusedAndByteTokens() {
        Vocab v = new Vocab().normal("a").add("<unused0>", TokenType.UNUSED).add("<0x0A>", TokenType.BYTE)
                .add("<0xE2>", TokenType.BYTE);
        Tokenizer t = v.build();
        assertEquals("a\n", t.decode(new int[]{0, 1, 2}, false));
        assertEquals("a\uFFFD", t.decode(new int[]{0, 3}, false));
    }

    @Test
    void badInputGivesClearErrors() {
        Tokenizer t = chatVocab().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.decode(new int[]{99999}, false));
        assertTrue(e.getMessage().contains("99999"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.piece(-1));
        assertThrows(NullPointerException.class, () -> t.encode(null, false, false));
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> new Vocab().normal("a", "b", "a").build());
        assertTrue(dup.getMessage().contains("duplicate"), dup.getMessage());
    }

    @Test
    void loneSurrogateIsEncodedAsReplacementCharacter() {
        // U+FFFD is EF BF BD -> byte-level "ï¿½"; with those three single-byte tokens the ids are theirs.
        Vocab v = new Vocab().normal("a", "ï", "¿", "½");
        Tokenizer t = v.build();
        assertArrayEquals(new int[]{0, 1, 2, 3}, t.encode("a\uD800", false, false));
        assertArrayEquals(t.encode("a\uFFFD", false, false), t.encode("a\uDC00", false, false));
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
