package io.github.lfm4j.model.grammar;

import io.github.lfm4j.model.tokenizer.TokenType;
import io.github.lfm4j.model.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The vocabulary as a trie over the bytes of its tokens, so that the allowed tokens of a grammar state are found by
 * one walk that leaves every subtree whose first byte the grammar refuses (instead of testing each token). Tokens
 * that share a prefix share its nodes; several tokens may end at one node. Tokens without bytes (control tokens)
 * are not in the trie; the end tokens (EOS, end of turn) are listed apart, for when the grammar is complete, and
 * the other control tokens by their text, for grammars that name them ({@code <|tool_call_start|>}).
 * Immutable, thread-safe, built once per model.
 */
public final class VocabularyTrie {
    static final int ROOT = 0;

    private final int vocabSize;
    private final int[] endTokens;
    private final int[] firstChild, nextSibling, firstToken, tokenNext;
    private final byte[] edge;
    private final int nodes;
    private final java.util.Map<String, Integer> specials;

    /**
     * @param tokens    each token's bytes; null or empty for tokens that a grammar never allows
     * @param endTokens tokens allowed exactly when the grammar is complete
     */
    public VocabularyTrie(byte[][] tokens, int[] endTokens) {
        this(tokens, endTokens, java.util.Map.of());
    }

    /**
     * @param specials special tokens a grammar may name by their text ({@code <|tool_call_start|>} to its id)
     */
    public VocabularyTrie(byte[][] tokens, int[] endTokens, java.util.Map<String, Integer> specials) {
        this.vocabSize = tokens.length;
        this.specials = java.util.Map.copyOf(specials);
        this.endTokens = endTokens.clone();
        for (int t : endTokens) {
            if (t < 0 || t >= vocabSize) throw new IllegalArgumentException("end token " + t + " is outside the vocabulary");
        }
        List<Integer> ids = new ArrayList<>();
        int total = 1;
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] != null && tokens[i].length > 0) {
                ids.add(i);
                total += tokens[i].length;
            }
        }
        Comparator<Integer> byBytes = (a, b) -> Arrays.compareUnsigned(tokens[a], tokens[b]);
        ids.sort(byBytes);
        int[] fc = new int[total], ns = new int[total], ft = new int[total];
        byte[] e = new byte[total];
        Arrays.fill(fc, -1);
        Arrays.fill(ns, -1);
        Arrays.fill(ft, -1);
        int[] tn = new int[vocabSize];
        Arrays.fill(tn, -1);
        int[] lastChild = new int[total];
        Arrays.fill(lastChild, -1);
        // sorted order: each token shares a prefix with the previous one; path[d] is the node at depth d
        int[] path = new int[64];
        byte[] prev = new byte[0];
        int n = 1;
        for (int id : ids) {
            byte[] t = tokens[id];
            int common = 0;
            while (common < prev.length && common < t.length && prev[common] == t[common]) common++;
            if (path.length <= t.length) path = Arrays.copyOf(path, t.length * 2);
            for (int d = common; d < t.length; d++) {
                int parent = path[d];
                int node = n++;
                e[node] = t[d];
                if (lastChild[parent] < 0) fc[parent] = node;
                else ns[lastChild[parent]] = node;
                lastChild[parent] = node;
                path[d + 1] = node;
            }
            int leaf = path[t.length];
            tn[id] = ft[leaf];
            ft[leaf] = id;
            prev = t;
        }
        this.nodes = n;
        this.firstChild = fc;
        this.nextSibling = ns;
        this.firstToken = ft;
        this.tokenNext = tn;
        this.edge = e;
    }

    /**
     * The trie of a tokenizer's vocabulary: normal, byte and user-defined tokens with their output bytes;
     * control, unknown and unused tokens left out; EOS and the end-of-turn tokens as end tokens.
     */
    public static VocabularyTrie of(Tokenizer tokenizer) {
        int n = tokenizer.vocabSize();
        byte[][] bytes = new byte[n][];
        List<Integer> ends = new ArrayList<>();
        java.util.Map<String, Integer> specials = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            TokenType type = tokenizer.tokenType(i);
            if (type == TokenType.NORMAL || type == TokenType.BYTE || type == TokenType.USER_DEFINED) {
                bytes[i] = tokenizer.tokenBytes(i);
            }
            boolean end = i == tokenizer.eos() || tokenizer.isEndOfGeneration(i);
            if (end) ends.add(i);
            else if (type == TokenType.CONTROL) specials.putIfAbsent(tokenizer.piece(i), i);
        }
        return new VocabularyTrie(bytes, ends.stream().mapToInt(Integer::intValue).toArray(), specials);
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** Number of trie nodes, the root included. */
    public int nodeCount() {
        return nodes;
    }

    int[] endTokens() {
        return endTokens;
    }

    /** The id of the special token with this text, or -1. */
    int specialToken(String text) {
        Integer id = specials.get(text);
        return id == null ? -1 : id;
    }

    int firstChild(int node) {
        return firstChild[node];
    }

    int nextSibling(int node) {
        return nextSibling[node];
    }

    int edgeByte(int node) {
        return edge[node] & 0xFF;
    }

    int firstToken(int node) {
        return firstToken[node];
    }

    int nextToken(int token) {
        return tokenNext[token];
    }

    /** Whether bit {@code token} is set in a mask from {@link GrammarMatcher#allowedTokens()}. */
    public static boolean allowed(long[] mask, int token) {
        return (mask[token >>> 6] & (1L << token)) != 0;
    }
}
