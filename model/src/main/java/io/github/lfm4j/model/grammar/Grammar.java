package io.github.lfm4j.model.grammar;

import java.util.List;

/**
 * A GBNF grammar compiled to byte level: every rule is a list of alternatives, each a sequence of byte sets and rule
 * references, all in one flat {@code code} array (character classes and literals were turned into their UTF-8
 * bytes at compile time, see {@link Utf8Ranges}). Immutable and thread-safe; a {@link GrammarMatcher} runs it.
 *
 * <p>Code values: {@code >= 0} a byte set (index into the sets), {@link #END} the end of an alternative,
 * {@code <= -2} a reference to rule {@code -value - 2}, {@code >= TOKEN_BASE} a special token
 * ({@code tokenTexts[value - TOKEN_BASE]}), matched as a whole token rather than as bytes.
 */
public final class Grammar {
    static final int END = -1;
    static final int TOKEN_BASE = 1 << 28;

    final int[] code;
    /** Start positions in {@link #code} of each rule's alternatives. */
    final int[][] ruleAlts;
    /** 256-bit byte sets, four longs each. */
    final long[] sets;
    final String[] ruleNames;
    final int root;
    final String[] tokenTexts;
    private final String source;

    Grammar(int[] code, int[][] ruleAlts, long[] sets, String[] ruleNames, int root, String source, String[] tokenTexts) {
        this.tokenTexts = tokenTexts;
        this.code = code;
        this.ruleAlts = ruleAlts;
        this.sets = sets;
        this.ruleNames = ruleNames;
        this.root = root;
        this.source = source;
    }

    /**
     * Parses and compiles GBNF text whose start rule is {@code root}.
     *
     * @throws GrammarException (one line) for a syntax error, an undefined or twice-defined rule, a missing
     *     {@code root}, or left recursion
     */
    public static Grammar parse(String gbnf) {
        return GrammarCompiler.compile(GbnfParser.parse(gbnf), "root", gbnf);
    }

    /** The GBNF text this grammar was compiled from. */
    public String source() {
        return source;
    }

    /** Number of rules after compilation (groups, repetitions and multi-byte classes add rules of their own). */
    public int ruleCount() {
        return ruleAlts.length;
    }

    /** Whether the whole of {@code text} (as UTF-8) is a sentence of the grammar. */
    public boolean matches(String text) {
        GrammarMatcher m = new GrammarMatcher(this, null);
        return m.accept(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) && m.isComplete();
    }

    /** Whether {@code text} (as UTF-8) can be continued to a sentence (or is one). */
    public boolean matchesPrefix(String text) {
        return new GrammarMatcher(this, null).accept(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Whether the grammar names special tokens (then a matcher can take them, see {@link GrammarMatcher#acceptSpecial}). */
    public boolean usesSpecialTokens() {
        return tokenTexts.length > 0;
    }

    boolean setContains(int set, int b) {
        return (sets[set * 4 + (b >>> 6)] & (1L << (b & 63))) != 0;
    }

    List<String> ruleNames() {
        return List.of(ruleNames);
    }
}
