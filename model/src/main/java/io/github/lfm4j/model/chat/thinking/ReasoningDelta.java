package io.github.lfm4j.model.chat.thinking;

/** What one chunk of generated text contributed to the reasoning trace and to the answer (either may be empty). */
public record ReasoningDelta(String reasoning, String content) {
    public static final ReasoningDelta EMPTY = new ReasoningDelta("", "");

    public boolean isEmpty() {
        return reasoning.isEmpty() && content.isEmpty();
    }
}
