package io.github.lfm4j.model.chat.thinking;

/**
 * What the generation loop must do after a token: carry on sampling, feed {@link #text()} to the model as if it
 * had generated it (tokenize it and append, no sampling), or stop.
 *
 * @param kind the action
 * @param text for {@link Kind#INSERT}: the text to force in (e.g. {@code "\n</think>\n\n"}); empty otherwise
 * @param reason why (for logs and the generation result), empty for {@link Kind#CONTINUE}
 * @param loop the loop that caused it, or null
 */
public record ThinkingDecision(Kind kind, String text, String reason, LoopGuard.Detection loop) {
    public enum Kind {
        CONTINUE,
        INSERT,
        STOP
    }

    public static final ThinkingDecision CONTINUE = new ThinkingDecision(Kind.CONTINUE, "", "", null);

    public static ThinkingDecision insert(String text, String reason, LoopGuard.Detection loop) {
        return new ThinkingDecision(Kind.INSERT, text, reason, loop);
    }

    public static ThinkingDecision stop(String reason, LoopGuard.Detection loop) {
        return new ThinkingDecision(Kind.STOP, "", reason, loop);
    }
}
