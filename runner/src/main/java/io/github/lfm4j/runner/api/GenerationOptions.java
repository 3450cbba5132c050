package io.github.lfm4j.runner.api;

import io.github.lfm4j.model.chat.thinking.LoopGuard;
import io.github.lfm4j.model.grammar.Grammar;
import io.github.lfm4j.model.grammar.JsonGrammars;
import io.github.lfm4j.model.grammar.JsonSchemaConverter;
import io.github.lfm4j.model.sampling.SamplerParams;

import java.util.List;

/**
 * How to generate one answer. Immutable; change with the {@code with...} methods.
 *
 * @param sampling       sampler settings (temperature, top-k, ..., seed); a new sampler is built per generation, so
 *                       the same options give the same tokens for the same prompt
 * @param maxTokens      most tokens to generate; 0 (or below) means until the context is full
 * @param stop           stop strings: generation ends when the output contains one; it is not included in the
 *                       result, and no part of it is ever streamed
 * @param thinking       false to skip the thinking trace (chat only): the trace is closed as soon as it opens
 * @param thinkingBudget most tokens the thinking trace may take before {@code </think>} is forced in (chat only);
 *                       below 0 means unlimited
 * @param loopGuard      repetition-loop detection for chat (see {@link LoopGuard}); null disables it
 * @param selector       replaces the sampler when not null (see {@link TokenSelector})
 * @param grammar        constrains the answer (chat: after the thinking trace, which stays free) to the sentences
 *                       of this grammar: only tokens the grammar allows are sampled, end of turn only once it is
 *                       complete, and generation ends when nothing more fits; null for free text
 */
public record GenerationOptions(SamplerParams sampling, int maxTokens, List<String> stop, boolean thinking,
                                int thinkingBudget, LoopGuard.Config loopGuard, TokenSelector selector,
                                Grammar grammar) {

    public GenerationOptions {
        if (sampling == null) throw new IllegalArgumentException("sampling parameters are required");
        stop = stop == null ? List.of() : List.copyOf(stop);
        for (String s : stop) {
            if (s.isEmpty()) throw new IllegalArgumentException("stop strings must not be empty");
        }
    }

    /**
     * The model card's sampling (temperature 0.05, top-k 50, repetition penalty 1.05) with a random seed, no token
     * limit besides the context, no stop strings, thinking on without a budget, the default loop guard.
     */
    public static GenerationOptions defaults() {
        return new GenerationOptions(SamplerParams.defaults(System.nanoTime()), 0, List.of(), true, -1,
                LoopGuard.Config.defaults(), null, null);
    }

    /** Greedy decoding (argmax, no penalties), otherwise as {@link #defaults()}; deterministic. */
    public static GenerationOptions greedy() {
        return defaults().withSampling(SamplerParams.greedy());
    }

    public GenerationOptions withSampling(SamplerParams p) {
        return new GenerationOptions(p, maxTokens, stop, thinking, thinkingBudget, loopGuard, selector, grammar);
    }

    public GenerationOptions withMaxTokens(int n) {
        return new GenerationOptions(sampling, n, stop, thinking, thinkingBudget, loopGuard, selector, grammar);
    }

    public GenerationOptions withStop(List<String> s) {
        return new GenerationOptions(sampling, maxTokens, s, thinking, thinkingBudget, loopGuard, selector, grammar);
    }

    public GenerationOptions withThinking(boolean on) {
        return new GenerationOptions(sampling, maxTokens, stop, on, thinkingBudget, loopGuard, selector, grammar);
    }

    public GenerationOptions withThinkingBudget(int tokens) {
        return new GenerationOptions(sampling, maxTokens, stop, thinking, tokens, loopGuard, selector, grammar);
    }

    public GenerationOptions withLoopGuard(LoopGuard.Config c) {
        return new GenerationOptions(sampling, maxTokens, stop, thinking, thinkingBudget, c, selector, grammar);
    }

    public GenerationOptions withSelector(TokenSelector s) {
        return new GenerationOptions(sampling, maxTokens, stop, thinking, thinkingBudget, loopGuard, s, grammar);
    }

    public GenerationOptions withGrammar(Grammar g) {
        return new GenerationOptions(sampling, maxTokens, stop, thinking, thinkingBudget, loopGuard, selector, g);
    }

    /**
     * Constrains the answer to JSON that validates against {@code schemaJson} (see {@link JsonSchemaConverter} for
     * the keywords supported).
     *
     * @throws io.github.lfm4j.model.grammar.GrammarException (one line) for a schema that is not valid JSON or uses
     *     an unsupported keyword
     */
    public GenerationOptions withJsonSchema(String schemaJson) {
        return withGrammar(JsonSchemaConverter.compile(schemaJson));
    }

    /** Constrains the answer to a JSON object (any keys and values). */
    public GenerationOptions withJsonObject() {
        return withGrammar(Grammar.parse(JsonGrammars.JSON_OBJECT));
    }

    /** The thinking budget in effect: 0 when thinking is off, else {@link #thinkingBudget()}. */
    public int effectiveThinkingBudget() {
        return thinking ? thinkingBudget : 0;
    }
}
