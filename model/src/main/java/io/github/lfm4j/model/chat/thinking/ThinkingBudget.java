package io.github.lfm4j.model.chat.thinking;

/**
 * Caps how long the model may think. The generation loop calls {@link #onToken(String)} with the decoded text of
 * every token it appends; once the trace has run {@code maxThinkingTokens} tokens without closing, the answer is
 * an {@link ThinkingDecision.Kind#INSERT} of the closing text, which the loop feeds to the model so it goes on to
 * answer. Tokens are counted from the one after {@code <think>} to the one before the token that closes it.
 *
 * <p>The trace is tracked on text (via {@link ReasoningSplitter}), so it works whether {@code <think>} is one
 * special token or several ordinary ones.
 */
public final class ThinkingBudget {
    /** Closing text forced in at the budget: the tag on its own line, then the blank line the model writes. */
    public static final String DEFAULT_CLOSE_TEXT = "\n" + ReasoningSplitter.CLOSE + "\n\n";

    private final int maxThinkingTokens;
    private final String closeText;
    private final ReasoningSplitter tracker;
    private int thinkingTokens;
    private boolean forced;

    /**
     * @param maxThinkingTokens tokens allowed inside the trace (0 closes it straight after it opens); negative
     *     means unlimited
     * @param promptOpenedThinking the prompt already ends with {@code <think>}
     * @param closeText text to force in; must contain {@code </think>}
     */
    public ThinkingBudget(int maxThinkingTokens, boolean promptOpenedThinking, String closeText) {
        if (closeText == null || !closeText.contains(ReasoningSplitter.CLOSE)) {
            throw new IllegalArgumentException("thinking budget: close text must contain " + ReasoningSplitter.CLOSE);
        }
        this.maxThinkingTokens = maxThinkingTokens;
        this.closeText = closeText;
        this.tracker = new ReasoningSplitter(promptOpenedThinking);
    }

    public ThinkingBudget(int maxThinkingTokens, boolean promptOpenedThinking) {
        this(maxThinkingTokens, promptOpenedThinking, DEFAULT_CLOSE_TEXT);
    }

    /**
     * Before the first token: with a zero budget and a prompt that already opened the trace, the trace must be
     * closed before the model writes anything.
     */
    public ThinkingDecision beforeFirstToken() {
        if (maxThinkingTokens == 0 && tracker.state() == ReasoningSplitter.State.REASONING && !forced) {
            return forceClose();
        }
        return ThinkingDecision.CONTINUE;
    }

    /** Consults the budget after a generated token whose decoded text is {@code piece}. */
    public ThinkingDecision onToken(String piece) {
        ReasoningSplitter.State before = tracker.state();
        tracker.accept(piece);
        if (tracker.state() != ReasoningSplitter.State.REASONING) return ThinkingDecision.CONTINUE;
        if (before == ReasoningSplitter.State.REASONING) thinkingTokens++;
        if (maxThinkingTokens >= 0 && thinkingTokens >= maxThinkingTokens && !forced) return forceClose();
        return ThinkingDecision.CONTINUE;
    }

    /**
     * Closes the trace now for another reason (e.g. a {@link LoopGuard} detection); the caller inserts the
     * returned text. Returns CONTINUE when not inside a trace.
     */
    public ThinkingDecision closeNow(String reason, LoopGuard.Detection loop) {
        if (!isThinking()) return ThinkingDecision.CONTINUE;
        tracker.accept(closeText);
        forced = true;
        return ThinkingDecision.insert(closeText, reason, loop);
    }

    private ThinkingDecision forceClose() {
        return closeNow("thinking budget of " + maxThinkingTokens + " tokens reached", null);
    }

    /** Inside the trace (opened and not yet closed). */
    public boolean isThinking() {
        return tracker.state() == ReasoningSplitter.State.REASONING;
    }

    /** Tokens spent inside the trace so far. */
    public int thinkingTokens() {
        return thinkingTokens;
    }

    /** True if this budget (or {@link #closeNow}) had to close the trace. */
    public boolean forcedClose() {
        return forced;
    }

    public String closeText() {
        return closeText;
    }
}
