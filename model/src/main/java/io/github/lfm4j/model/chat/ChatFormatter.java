package io.github.lfm4j.model.chat;

import io.github.lfm4j.model.chat.tools.ToolDefinition;
import java.util.List;

/** Turns a conversation (plus the tools on offer) into the prompt text the model continues. */
public interface ChatFormatter {

    /**
     * @throws ChatTemplateException (one-line message) when the conversation cannot be rendered
     */
    String format(List<ChatMessage> messages, List<ToolDefinition> tools, ChatFormatOptions options);

    default String format(List<ChatMessage> messages) {
        return format(messages, List.of(), ChatFormatOptions.defaults());
    }
}
