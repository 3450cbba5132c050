package io.github.lfm4j.runner.api;

/** Why a generation ended. */
public enum FinishReason {
    /** The model ended its turn (end-of-turn / end-of-sequence token) or a stop string was generated. */
    STOP("stop"),
    /** The token limit ({@link GenerationOptions#maxTokens()}) or the context size was reached. */
    LENGTH("length"),
    /** The model ended its turn after calling tools ({@link GenerationResult#toolCalls()} is not empty). */
    TOOL_CALLS("tool_calls"),
    /** The loop guard stopped a generation that kept repeating itself (see {@link GenerationResult#intervention()}). */
    LOOP("stop"),
    /** The caller cancelled: a listener returned false, or {@link ChatSession#cancel()} was called. */
    CANCELLED("stop");

    private final String openAiName;

    FinishReason(String openAiName) {
        this.openAiName = openAiName;
    }

    /** The OpenAI API's {@code finish_reason} for this reason ({@code stop}, {@code length} or {@code tool_calls}). */
    public String openAiName() {
        return openAiName;
    }
}
