package io.github.lfm4j.runner.server;

import io.github.lfm4j.model.sampling.Sampler;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.TokenSelector;

/**
 * {@code tool_choice: "required"} (or a named function): the model may think first, but its answer is made to
 * open with {@code <|tool_call_start|>}, so that it writes a tool call rather than prose. Only that one token is
 * forced; the call itself is the model's, so a call it botches still ends as a response without {@code tool_calls}
 * (reported honestly, {@code finish_reason: "stop"}).
 *
 * <p>The answer starts at the first generated token unless that token opens a thinking trace, or the prompt
 * itself left one open; then it starts right after {@code </think>}, whoever wrote it (the model, the thinking
 * budget or the loop guard).
 *
 * <p>Public for the LangChain4j adapter (module langchain4j), whose {@code ToolChoice.REQUIRED} means the same.
 */
public final class ToolCallForcing implements TokenSelector {
    private final TokenSelector inner;
    private final int callStart, thinkOpen, thinkClose, turnStart;
    private int promptLength = -1, scanned;
    private boolean inThinking, done;

    private ToolCallForcing(TokenSelector inner, Tokenizer tok) {
        this.inner = inner;
        this.callStart = tok.tokenId("<|tool_call_start|>");
        this.thinkOpen = tok.tokenId("<think>");
        this.thinkClose = tok.tokenId("</think>");
        this.turnStart = tok.tokenId("<|im_start|>");
    }

    /**
     * The options with the forcing selector around their selector (or the sampler they describe); unchanged when
     * the vocabulary has no {@code <|tool_call_start|>}.
     */
    public static GenerationOptions apply(GenerationOptions options, Tokenizer tok) {
        if (tok.tokenId("<|tool_call_start|>") < 0) return options;
        TokenSelector inner = options.selector() != null ? options.selector() : new Sampler(options.sampling())::sample;
        return options.withSelector(new ToolCallForcing(inner, tok));
    }

    @Override
    public int select(float[] logits, int[] history, int n) {
        if (promptLength < 0) {
            promptLength = scanned = n;
            inThinking = promptLeavesThinkingOpen(history, n);
        }
        // look at everything added since the last call: the thinking budget inserts "\n</think>\n\n", not just the tag
        boolean closed = false;
        for (; scanned < n; scanned++) closed |= history[scanned] == thinkClose;
        if (done) return inner.select(logits, history, n);
        if (inThinking) {
            if (!closed) return inner.select(logits, history, n);
            inThinking = false;
        } else if (n == promptLength) {
            int first = inner.select(logits, history, n);
            if (first == thinkOpen && thinkOpen >= 0) {
                inThinking = true;
                return first;
            }
        }
        done = true;
        return callStart;
    }

    /** True when the last turn of the prompt opened {@code <think>} without closing it. */
    private boolean promptLeavesThinkingOpen(int[] history, int n) {
        for (int i = n - 1; i >= 0 && history[i] != turnStart; i--) {
            if (history[i] == thinkClose) return false;
            if (history[i] == thinkOpen) return true;
        }
        return false;
    }
}
