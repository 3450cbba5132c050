package io.github.lfm4j.model.chat;

import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolCallFormatter;
import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation.
 *
 * @param role who wrote it
 * @param content the visible text (for an assistant: the answer, without reasoning or tool-call markup)
 * @param reasoning assistant only: the thinking trace (text between {@code <think>} and {@code </think>}), or null
 * @param toolCalls assistant only: structured tool calls the assistant made (empty if none)
 * @param toolName tool only: name of the tool whose result this is, or null
 * @param toolCallId tool only: id of the call this answers (OpenAI {@code tool_call_id}), or null
 */
public record ChatMessage(
        ChatRole role, String content, String reasoning, List<ToolCall> toolCalls, String toolName, String toolCallId) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (role != ChatRole.ASSISTANT && (reasoning != null || !toolCalls.isEmpty())) {
            throw new IllegalArgumentException("only assistant messages carry reasoning or tool calls, not " + role.wireName());
        }
        if (role != ChatRole.TOOL && (toolName != null || toolCallId != null)) {
            throw new IllegalArgumentException("only tool messages carry a tool name or call id, not " + role.wireName());
        }
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(ChatRole.SYSTEM, content, null, List.of(), null, null);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(ChatRole.USER, content, null, List.of(), null, null);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(ChatRole.ASSISTANT, content, null, List.of(), null, null);
    }

    /** An assistant turn with its thinking trace kept apart from the answer. */
    public static ChatMessage assistant(String reasoning, String content) {
        return new ChatMessage(ChatRole.ASSISTANT, content, reasoning, List.of(), null, null);
    }

    /** An assistant turn that called tools (OpenAI {@code tool_calls} history); content may be empty. */
    public static ChatMessage assistantToolCalls(String reasoning, List<ToolCall> calls, String content) {
        return new ChatMessage(ChatRole.ASSISTANT, content, reasoning, calls, null, null);
    }

    /** The result of a tool call, fed back to the model. */
    public static ChatMessage tool(String toolName, String toolCallId, String content) {
        return new ChatMessage(ChatRole.TOOL, content, null, List.of(), toolName, toolCallId);
    }

    /**
     * The message text in the form the model itself writes it: {@code <think>reasoning</think>}, then its tool
     * calls as {@code <|tool_call_start|>[...]<|tool_call_end|>}, then the answer. This is the "content" both
     * renderers hand to the chat template; the template decides what of it survives in history.
     */
    public String modelText() {
        if (role != ChatRole.ASSISTANT) return content;
        StringBuilder sb = new StringBuilder();
        if (reasoning != null) sb.append("<think>").append(reasoning).append("</think>");
        if (!toolCalls.isEmpty()) sb.append(ToolCallFormatter.format(toolCalls));
        return sb.append(content).toString();
    }
}
