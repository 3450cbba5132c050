package io.github.lfm4j.runner.generation;

import io.github.lfm4j.model.chat.thinking.ReasoningSplitter;
import io.github.lfm4j.model.grammar.Grammar;
import io.github.lfm4j.model.grammar.GrammarMatcher;
import io.github.lfm4j.model.grammar.VocabularyTrie;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import io.github.lfm4j.runner.api.TokenSelector;

import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A grammar applied to one generation: while the output is in the answer (not inside a thinking trace, which stays
 * free), the logits of every token the grammar does not allow are set to -inf before the selector sees them, so
 * sampling (penalties, top-k/p, min-p, temperature) runs over the allowed tokens only; the chosen token's bytes
 * advance the grammar. End-of-turn tokens are allowed only when the grammar is complete. In a chat whose prompt
 * leaves it to the model to open the trace (LFM2.5's template does), the {@code <think>} token is allowed as the
 * first token too when thinking is on; the trace it opens is free, the answer after it constrained.
 */
final class GrammarConstraint {
    /** One trie per vocabulary, built on first use (about 0.1 s for 65,536 tokens) and kept while the tokenizer lives. */
    private static final Map<Tokenizer, VocabularyTrie> TRIES = new WeakHashMap<>();

    private final Grammar grammar;
    private final GrammarMatcher matcher;
    private final Tokenizer tokenizer;
    private final ReasoningSplitter tracker;
    private final boolean chat;
    /** The token that opens a thinking trace, allowed before the answer starts; -1 when not. */
    private final int openThink;
    private float[] masked = new float[0];
    private long maskNanos;
    private int maskedSteps;

    GrammarConstraint(Grammar grammar, Tokenizer tokenizer, boolean chat, boolean promptOpensThinking, boolean thinking) {
        this.grammar = grammar;
        this.matcher = new GrammarMatcher(grammar, trie(tokenizer));
        this.tokenizer = tokenizer;
        this.chat = chat;
        this.openThink = chat && thinking && !promptOpensThinking ? tokenizer.tokenId(ReasoningSplitter.OPEN) : -1;
        this.tracker = new ReasoningSplitter(promptOpensThinking);
    }

    static VocabularyTrie trie(Tokenizer tokenizer) {
        synchronized (TRIES) {
            return TRIES.computeIfAbsent(tokenizer, VocabularyTrie::of);
        }
    }

    /** Follows the output text (generated and inserted), to know whether the thinking trace is open. */
    void onText(String piece) {
        if (chat && !piece.isEmpty()) tracker.accept(piece);
    }

    /** Whether the next token is constrained (it is part of the answer). */
    boolean active() {
        return !chat || tracker.state() != ReasoningSplitter.State.REASONING;
    }

    /** The answer is complete and nothing more fits: generation ends without another token. */
    boolean finished() {
        return active() && !matcher.canContinue();
    }

    /** Selects the next token among the allowed ones. */
    int select(TokenSelector selector, float[] logits, int[] history, int historyLength) {
        long t0 = System.nanoTime();
        long[] mask = matcher.allowedTokens();
        int n = logits.length;
        if (masked.length < n) masked = new float[n];
        Arrays.fill(masked, 0, n, Float.NEGATIVE_INFINITY);
        int best = -1;
        for (int w = 0; w < mask.length; w++) {
            for (long bits = mask[w]; bits != 0; bits &= bits - 1) {
                int id = (w << 6) + Long.numberOfTrailingZeros(bits);
                if (id >= n) break;
                masked[id] = logits[id];
                if (best < 0 || logits[id] > logits[best]) best = id;
            }
        }
        boolean mayOpen = openThink >= 0 && openThink < n && tracker.state() == ReasoningSplitter.State.START;
        if (mayOpen) {
            masked[openThink] = logits[openThink];
            if (best < 0 || logits[openThink] > logits[best]) best = openThink;
        }
        maskNanos += System.nanoTime() - t0;
        maskedSteps++;
        if (best < 0) {
            throw new IllegalStateException("the grammar allows no token of this vocabulary here (after "
                    + maskedSteps + " constrained tokens)");
        }
        float[] view = n == masked.length ? masked : Arrays.copyOf(masked, n);
        int token = selector.select(view, history, historyLength);
        // a sampler's rounding could in theory land on a zero-probability token: never let it through
        boolean ok = token >= 0 && token < n && (VocabularyTrie.allowed(mask, token) || (mayOpen && token == openThink));
        return ok ? token : best;
    }

    /** Advances the grammar by a token chosen under {@link #select} (end tokens excepted). */
    void accept(int token) {
        if (token == openThink && tracker.state() == ReasoningSplitter.State.START) return; // opens the free trace
        boolean ok = tokenizer.isControl(token) ? matcher.acceptSpecial(tokenizer.piece(token))
                : matcher.accept(tokenizer.tokenBytes(token));
        if (!ok) {
            throw new IllegalStateException("token " + token + " is not allowed by the grammar");
        }
    }

    /** Whether the grammar itself writes control tokens (tool-call markup), which the answer's parsers must then see. */
    boolean writesSpecialTokens() {
        return grammar.usesSpecialTokens();
    }

    /** Time spent computing masks and applying them, and on how many steps. */
    long maskNanos() {
        return maskNanos;
    }

    int maskedSteps() {
        return maskedSteps;
    }
}
