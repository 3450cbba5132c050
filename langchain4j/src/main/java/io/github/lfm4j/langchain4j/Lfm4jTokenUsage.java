package io.github.lfm4j.langchain4j;

import dev.langchain4j.model.output.TokenUsage;
import io.github.lfm4j.runner.api.Usage;

import java.util.Objects;

/**
 * LangChain4j's token counts plus what lfm4j knows besides: how many prompt tokens came from the engine's cache
 * (a multi-turn conversation only prefills what is new) and how many generated tokens were thinking.
 *
 * <p>{@link #add} keeps the extra counts, so the sum LangChain4j's AiServices build over a tool-calling round trip
 * still says how much was cached.
 */
public class Lfm4jTokenUsage extends TokenUsage {
    private final Integer cachedInputTokenCount;
    private final Integer reasoningTokenCount;

    public Lfm4jTokenUsage(Integer inputTokenCount, Integer cachedInputTokenCount, Integer outputTokenCount,
                           Integer reasoningTokenCount) {
        super(inputTokenCount, outputTokenCount, sum(inputTokenCount, outputTokenCount));
        this.cachedInputTokenCount = cachedInputTokenCount;
        this.reasoningTokenCount = reasoningTokenCount;
    }

    static Lfm4jTokenUsage from(Usage u) {
        return new Lfm4jTokenUsage(u.promptTokens(), u.cachedPromptTokens(), u.completionTokens(), u.reasoningTokens());
    }

    /** Prompt tokens reused from the engine's cache, not processed again. */
    public Integer cachedInputTokenCount() {
        return cachedInputTokenCount;
    }

    /** Prompt tokens actually run through the model (prefilled): input minus cached. */
    public Integer prefilledInputTokenCount() {
        if (inputTokenCount() == null) return null;
        return inputTokenCount() - (cachedInputTokenCount == null ? 0 : cachedInputTokenCount);
    }

    /** Of the output tokens, those inside the thinking trace. */
    public Integer reasoningTokenCount() {
        return reasoningTokenCount;
    }

    @Override
    public TokenUsage add(TokenUsage that) {
        if (that == null) return this;
        Integer cached = cachedInputTokenCount, reasoning = reasoningTokenCount;
        if (that instanceof Lfm4jTokenUsage l) {
            cached = sum(cached, l.cachedInputTokenCount);
            reasoning = sum(reasoning, l.reasoningTokenCount);
        }
        return new Lfm4jTokenUsage(sum(inputTokenCount(), that.inputTokenCount()), cached,
                sum(outputTokenCount(), that.outputTokenCount()), reasoning);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lfm4jTokenUsage l && super.equals(o)
                && Objects.equals(cachedInputTokenCount, l.cachedInputTokenCount)
                && Objects.equals(reasoningTokenCount, l.reasoningTokenCount);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), cachedInputTokenCount, reasoningTokenCount);
    }

    @Override
    public String toString() {
        return "Lfm4jTokenUsage{inputTokenCount=" + inputTokenCount() + ", cachedInputTokenCount=" + cachedInputTokenCount
                + ", outputTokenCount=" + outputTokenCount() + ", reasoningTokenCount=" + reasoningTokenCount
                + ", totalTokenCount=" + totalTokenCount() + "}";
    }
}
