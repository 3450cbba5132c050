package io.github.lfm4j.runner.api;

import io.github.lfm4j.model.chat.thinking.LoopGuard;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolCallParseError;

import java.util.List;

/**
 * What one generation produced.
 *
 * @param content        the answer: for chat, the text after the thinking trace with tool-call blocks removed;
 *                       for a raw completion, the whole generated text. A matched stop string is not included
 * @param reasoning      the thinking trace (between {@code <think>} and {@code </think>}), empty if none
 * @param toolCalls      tool calls the model made (name and JSON arguments), in order; empty if none
 * @param toolCallErrors tool-call blocks that could not be parsed (their text is in neither list nor content)
 * @param finishReason   why generation ended
 * @param usage          token counts and timings
 * @param intervention   what the thinking supervisor did, e.g. {@code "thinking budget of 512 tokens reached"} or
 *                       {@code "repetition loop (3 x 40 tokens) in thinking"}; empty if nothing
 * @param loop           the repetition loop the loop guard detected, or null
 * @param text           the full generated text as decoded (thinking tags and tool-call markup included, stop
 *                       string and end-of-turn token excluded)
 */
public record GenerationResult(String content, String reasoning, List<ToolCall> toolCalls,
                               List<ToolCallParseError> toolCallErrors, FinishReason finishReason, Usage usage,
                               String intervention, LoopGuard.Detection loop, String text) {

    public GenerationResult {
        toolCalls = List.copyOf(toolCalls);
        toolCallErrors = List.copyOf(toolCallErrors);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
