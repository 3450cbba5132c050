package io.github.lfm4j.runner.api;

/**
 * Token counts and timings of one generation.
 *
 * @param promptTokens          tokens of the whole prompt (rendered conversation)
 * @param cachedPromptTokens    of those, tokens reused from the session's cache (not processed again)
 * @param completionTokens      tokens generated, including any the thinking budget forced in, excluding the
 *                              end-of-turn token
 * @param reasoningTokens       of the completion tokens, those inside the thinking trace
 * @param promptNanos           time spent processing the uncached prompt tokens (prefill)
 * @param decodeSteps           tokens run through the model one at a time after the prompt
 * @param decodeNanos           time spent in those decode steps
 * @param timeToFirstTokenNanos from the start of the call (rendering and tokenizing included) to the first
 *                              generated token; 0 if none was generated
 */
public record Usage(int promptTokens, int cachedPromptTokens, int completionTokens, int reasoningTokens,
                    long promptNanos, int decodeSteps, long decodeNanos, long timeToFirstTokenNanos) {

    /** Prompt tokens actually processed (not taken from the cache). */
    public int prefilledTokens() {
        return promptTokens - cachedPromptTokens;
    }

    /** Prefill speed over the uncached prompt tokens; 0 when nothing was prefilled. */
    public double promptTokensPerSecond() {
        return promptNanos <= 0 ? 0 : prefilledTokens() * 1e9 / promptNanos;
    }

    /** Decode speed; 0 when no decode step ran. */
    public double decodeTokensPerSecond() {
        return decodeNanos <= 0 ? 0 : decodeSteps * 1e9 / decodeNanos;
    }

    public double timeToFirstTokenMillis() {
        return timeToFirstTokenNanos / 1e6;
    }

    /** Prompt plus completion tokens, as the OpenAI API's {@code total_tokens}. */
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
