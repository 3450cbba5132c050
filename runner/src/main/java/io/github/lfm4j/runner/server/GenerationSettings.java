package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.chat.thinking.LoopGuard;
import io.github.lfm4j.model.grammar.Grammar;
import io.github.lfm4j.model.sampling.SamplerParams;
import io.github.lfm4j.runner.api.GenerationOptions;

import java.util.List;

/**
 * The generation parameters shared by {@code /v1/chat/completions} and {@code /v1/completions}, read from the
 * request body with OpenAI's names and ranges.
 *
 * <p>Sampling defaults are Liquid AI's recommendation for the model ({@link SamplerParams#defaults}), not OpenAI's
 * temperature 1: a request that sets nothing gets what the model card advises. {@code temperature: 0} means greedy
 * decoding without the default repetition penalty (comparable with other engines), unless a penalty is asked for.
 *
 * @param maxTokens      tokens to generate at most, or null for "until the context is full" (chat) / the endpoint's
 *                       default
 * @param sampler        sampling parameters
 * @param stop           stop strings (not included in the output)
 * @param thinking       false to skip the thinking trace ({@code "thinking": false})
 * @param thinkingBudget reasoning tokens after which {@code </think>} is forced, or null for no budget
 * @param loopGuard      the loop guard's configuration, or null when it is off
 * @param stream         answer as server-sent events
 * @param includeUsage   streaming: end with a chunk carrying usage
 * @param grammar        the answer's grammar ({@link ResponseFormat}), or null for free text
 */
record GenerationSettings(Integer maxTokens, SamplerParams sampler, List<String> stop, boolean thinking, Integer thinkingBudget,
                          LoopGuard.Config loopGuard, boolean stream, boolean includeUsage, Grammar grammar) {

    /** OpenAI allows up to four stop sequences; llama.cpp more. A small bound keeps matching cheap. */
    static final int MAX_STOP_STRINGS = 16;

    static GenerationSettings parse(ObjectNode body, boolean chat) {
        Integer maxTokens = JsonFields.optInt(body, "max_tokens", 1, Integer.MAX_VALUE);
        if (chat) {
            Integer mct = JsonFields.optInt(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
            if (mct != null) maxTokens = maxTokens == null ? mct : Math.min(maxTokens, mct);
        }
        Integer n = JsonFields.optInt(body, "n", 1, 128);
        if (n != null && n != 1) throw ApiError.invalid("'n' must be 1: one choice per request is supported", "n");
        rejectUnsupported(body, chat);

        Long seed = JsonFields.optLong(body, "seed");
        SamplerParams p = SamplerParams.defaults(seed != null ? seed : System.nanoTime());
        Float temperature = JsonFields.optFloat(body, "temperature", 0, 2);
        if (temperature != null) {
            p = p.withTemperature(temperature);
            if (p.isGreedy()) p = p.withRepetitionPenalty(1f);
        }
        Float topP = JsonFields.optFloat(body, "top_p", 0, 1);
        if (topP != null) {
            if (topP == 0f) throw ApiError.invalid("'top_p' must be greater than 0", "top_p");
            p = p.withTopP(topP);
        }
        Integer topK = JsonFields.optInt(body, "top_k", 0, Integer.MAX_VALUE);
        if (topK != null) p = p.withTopK(topK);
        Float minP = JsonFields.optFloat(body, "min_p", 0, 1);
        if (minP != null) p = p.withMinP(minP);
        Float presence = JsonFields.optFloat(body, "presence_penalty", -2, 2);
        if (presence != null) p = p.withPresencePenalty(presence);
        Float repeat = JsonFields.optFloat(body, "repeat_penalty", 0, 10);
        Float repetition = JsonFields.optFloat(body, "repetition_penalty", 0, 10);
        if (repeat != null && repetition != null && !repeat.equals(repetition)) {
            throw ApiError.invalid("'repeat_penalty' and 'repetition_penalty' are the same setting; give one", "repeat_penalty");
        }
        if (repetition != null) repeat = repetition;
        if (repeat != null) {
            if (repeat == 0f) throw ApiError.invalid("'repeat_penalty' must be greater than 0 (1 disables it)", "repeat_penalty");
            p = p.withRepetitionPenalty(repeat);
        }
        Float frequency = JsonFields.optFloat(body, "frequency_penalty", -2, 2);
        if (frequency != null && frequency != 0f) {
            // a count-proportional penalty has no counterpart in the sampler; silently ignoring it would mislead
            throw ApiError.invalid("'frequency_penalty' is not supported (only 0); use 'repeat_penalty' or"
                    + " 'presence_penalty'", "frequency_penalty");
        }
        Integer lastN = JsonFields.optInt(body, "repeat_last_n", 0, 1 << 20);
        if (lastN != null) p = p.withPenaltyLastN(lastN);

        List<String> stop = JsonFields.optStringOrArray(body, "stop", MAX_STOP_STRINGS);
        Boolean thinking = JsonFields.optBool(body, "thinking");
        Integer budget = JsonFields.optInt(body, "thinking_budget", 0, Integer.MAX_VALUE);
        LoopGuard.Config guard = loopGuard(body);
        boolean stream = Boolean.TRUE.equals(JsonFields.optBool(body, "stream"));
        boolean includeUsage = false;
        ObjectNode streamOptions = JsonFields.optObject(body, "stream_options");
        if (streamOptions != null) {
            if (!stream) throw ApiError.invalid("'stream_options' is only allowed with 'stream': true", "stream_options");
            Boolean iu = JsonFields.optBool(streamOptions, "include_usage");
            includeUsage = Boolean.TRUE.equals(iu);
        }
        Grammar grammar = ResponseFormat.parse(body);
        return new GenerationSettings(maxTokens, p, stop, !Boolean.FALSE.equals(thinking), budget, guard, stream,
                includeUsage, grammar);
    }

    /** The library API's options for these settings ({@code maxTokens} null becomes "until the context is full"). */
    GenerationOptions toOptions() {
        return GenerationOptions.defaults()
                .withSampling(sampler)
                .withMaxTokens(maxTokens == null ? 0 : maxTokens)
                .withStop(stop)
                .withThinking(thinking)
                .withThinkingBudget(thinkingBudget == null ? -1 : thinkingBudget)
                .withLoopGuard(loopGuard)
                .withGrammar(grammar);
    }

    GenerationSettings withGrammar(Grammar g) {
        return new GenerationSettings(maxTokens, sampler, stop, thinking, thinkingBudget, loopGuard, stream, includeUsage, g);
    }

    GenerationSettings withMaxTokens(Integer n) {
        return new GenerationSettings(n, sampler, stop, thinking, thinkingBudget, loopGuard, stream, includeUsage, grammar);
    }

    /**
     * {@code loop_guard}: true / "end_thinking" (default: on, a looping reasoning trace is closed so the model
     * answers), "stop" (end the generation), false / "off".
     */
    private static LoopGuard.Config loopGuard(ObjectNode body) {
        if (!JsonFields.given(body, "loop_guard")) return LoopGuard.Config.defaults();
        JsonNode v = body.get("loop_guard");
        if (v.isBoolean()) return v.booleanValue() ? LoopGuard.Config.defaults() : null;
        if (v.isTextual()) {
            switch (v.textValue()) {
                case "end_thinking", "on" -> { return LoopGuard.Config.defaults(); }
                case "stop" -> { return LoopGuard.Config.defaults().withAction(LoopGuard.Action.STOP); }
                case "off" -> { return null; }
                default -> { }
            }
        }
        throw ApiError.invalid("'loop_guard' must be true, false, \"end_thinking\", \"stop\" or \"off\", got "
                + (v.isTextual() ? "\"" + v.textValue() + "\"" : JsonFields.describe(v)), "loop_guard");
    }

    /** Options this server cannot honour are refused rather than ignored, when set to something but the default. */
    private static void rejectUnsupported(ObjectNode body, boolean chat) {
        for (String name : List.of("logprobs", "top_logprobs")) {
            if (!JsonFields.given(body, name)) continue;
            JsonNode v = body.get(name);
            // chat takes logprobs as a boolean, completions as a count: only "off" is accepted either way
            boolean off = v.isBoolean() ? !v.booleanValue() : v.isNumber() && v.asDouble() == 0;
            if (!off) throw ApiError.invalid("'" + name + "' is not supported", name);
        }
        if (!chat) {
            if (Boolean.TRUE.equals(JsonFields.optBool(body, "echo"))) throw ApiError.invalid("'echo' is not supported", "echo");
            if (JsonFields.given(body, "suffix")) throw ApiError.invalid("'suffix' is not supported", "suffix");
            Integer bestOf = JsonFields.optInt(body, "best_of", 1, 128);
            if (bestOf != null && bestOf != 1) throw ApiError.invalid("'best_of' must be 1", "best_of");
        }
    }
}
