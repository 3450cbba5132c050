package io.github.lfm4j.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.chat.tools.ToolCall;

import java.util.ArrayList;
import java.util.List;

/**
 * LangChain4j's messages as lfm4j's: the chat template then renders them exactly as the OpenAI-compatible server's
 * requests would be. An AI message keeps its thinking apart from its text (the template decides whether past
 * thinking is shown again; LFM2.5's drops it), and its tool calls as structured calls, so that the model sees its
 * own earlier turn written the way it wrote it and the engine's cached prefix stays valid.
 */
final class MessageMapper {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MessageMapper() {}

    static List<ChatMessage> toLfm4j(List<dev.langchain4j.data.message.ChatMessage> messages) {
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (dev.langchain4j.data.message.ChatMessage m : messages) out.add(toLfm4j(m));
        return out;
    }

    static ChatMessage toLfm4j(dev.langchain4j.data.message.ChatMessage m) {
        return switch (m) {
            case SystemMessage s -> ChatMessage.system(s.text());
            case UserMessage u -> ChatMessage.user(userText(u));
            case AiMessage a -> ChatMessage.assistantToolCalls(a.thinking(), toolCalls(a), a.text());
            case ToolExecutionResultMessage t -> ChatMessage.tool(t.toolName(), t.id(), t.text());
            case null -> throw new IllegalArgumentException("a chat request message is null");
            default -> throw new UnsupportedFeatureException("lfm4j does not support " + m.type() + " messages");
        };
    }

    /** LFM2 models read text only: several text parts are joined by newlines, anything else is refused. */
    private static String userText(UserMessage u) {
        StringBuilder sb = new StringBuilder();
        for (Content c : u.contents()) {
            if (!(c instanceof TextContent t)) {
                throw new UnsupportedFeatureException("lfm4j models take text only, not " + c.type() + " content");
            }
            if (!sb.isEmpty()) sb.append('\n');
            sb.append(t.text());
        }
        return sb.toString();
    }

    private static List<ToolCall> toolCalls(AiMessage a) {
        if (!a.hasToolExecutionRequests()) return List.of();
        List<ToolCall> calls = new ArrayList<>();
        for (ToolExecutionRequest r : a.toolExecutionRequests()) {
            calls.add(new ToolCall(r.name(), arguments(r), r.id()));
        }
        return calls;
    }

    private static ObjectNode arguments(ToolExecutionRequest r) {
        String text = r.arguments();
        if (text == null || text.isBlank()) return JSON.createObjectNode();
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("arguments of tool call '" + r.name() + "' are not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode o)) {
            throw new IllegalArgumentException("arguments of tool call '" + r.name() + "' must be a JSON object, got "
                    + node.getNodeType());
        }
        return o;
    }
}
