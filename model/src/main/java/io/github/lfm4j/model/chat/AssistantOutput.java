package io.github.lfm4j.model.chat;

import io.github.lfm4j.model.chat.thinking.ReasoningSplit;
import io.github.lfm4j.model.chat.thinking.ReasoningSplitter;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolCallParseError;
import io.github.lfm4j.model.chat.tools.ToolCallParseResult;
import io.github.lfm4j.model.chat.tools.ToolCallParser;
import java.util.List;

/**
 * Everything a finished assistant turn contains, read from the generated text: the thinking trace, the answer and
 * the tool calls (with any blocks that failed to parse). Tool calls are only looked for in the answer, never in
 * the trace, where the model may merely be planning them.
 *
 * @param reasoning the trace, or null when the model did not think
 * @param reasoningClosed false when generation stopped inside the trace
 * @param content the answer with tool-call blocks removed
 */
public record AssistantOutput(String reasoning, boolean reasoningClosed, String content, List<ToolCall> toolCalls,
        List<ToolCallParseError> toolCallErrors) {

    public AssistantOutput {
        toolCalls = List.copyOf(toolCalls);
        toolCallErrors = List.copyOf(toolCallErrors);
    }

    /** Splits generated text (special tokens decoded as text) into trace, answer and calls. */
    public static AssistantOutput parse(String generated, boolean promptOpenedThinking) {
        ReasoningSplit split = ReasoningSplitter.split(generated, promptOpenedThinking);
        boolean thought = promptOpenedThinking || !split.reasoning().isEmpty() || generated.stripLeading().startsWith(ReasoningSplitter.OPEN);
        ToolCallParseResult calls = ToolCallParser.parse(split.content());
        return new AssistantOutput(thought ? split.reasoning() : null, split.reasoningClosed(), calls.content(),
                calls.calls(), calls.errors());
    }

    /** The turn as a history message (structured calls, trace kept apart) for the next prompt. */
    public ChatMessage toMessage() {
        return ChatMessage.assistantToolCalls(reasoning, toolCalls, content);
    }
}
