package io.github.lfm4j.model.chat.thinking;

/**
 * A whole generated text split into its thinking trace and its answer.
 *
 * @param reasoning text between {@code <think>} and {@code </think>} (verbatim), empty if the model did not think
 * @param content the answer after {@code </think>} (verbatim), or the whole text when there was no trace
 * @param reasoningClosed false when the text ended inside the trace (no {@code </think>} yet)
 */
public record ReasoningSplit(String reasoning, String content, boolean reasoningClosed) {}
