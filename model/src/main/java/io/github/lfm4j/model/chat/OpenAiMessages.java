package io.github.lfm4j.model.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * Conversion between OpenAI chat-completions JSON ({@code messages}, {@code tools}) and {@link ChatMessage} /
 * {@link ToolDefinition}. Bad input gives an {@link IllegalArgumentException} with a one-line message naming the
 * offending message index.
 */
public final class OpenAiMessages {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OpenAiMessages() {}

    /**
     * Reads a {@code messages} array. Understands {@code content} as a string or an array of
     * {@code {"type": "text", "text": ...}} parts, assistant {@code tool_calls} (arguments as a JSON string or
     * object), {@code reasoning_content} / {@code reasoning} for the thinking trace, and tool {@code name} /
     * {@code tool_call_id}.
     */
    public static List<ChatMessage> parseMessages(JsonNode messages) {
        if (messages == null || !messages.isArray()) throw new IllegalArgumentException("\"messages\" must be a JSON array");
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) out.add(parseMessage(messages.get(i), i));
        return out;
    }

    /** Reads a {@code tools} array (each entry an OpenAI function tool or a bare function object). */
    public static List<ToolDefinition> parseTools(JsonNode tools) {
        if (tools == null || tools.isNull()) return List.of();
        if (!tools.isArray()) throw new IllegalArgumentException("\"tools\" must be a JSON array");
        List<ToolDefinition> out = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            try {
                out.add(new ToolDefinition(tools.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tools[" + i + "]: " + e.getMessage());
            }
        }
        return out;
    }

    private static ChatMessage parseMessage(JsonNode m, int i) {
        String where = "messages[" + i + "]";
        if (m == null || !m.isObject()) throw new IllegalArgumentException(where + " must be a JSON object");
        JsonNode roleNode = m.get("role");
        if (roleNode == null || !roleNode.isTextual()) throw new IllegalArgumentException(where + " has no \"role\" string");
        ChatRole role;
        try {
            role = ChatRole.fromWireName(roleNode.textValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        JsonNode contentNode = m.get("content");
        if (role != ChatRole.ASSISTANT && (contentNode == null || contentNode.isNull())) {
            // only an assistant turn may go without text (when it carries tool calls), as in OpenAI's API
            throw new IllegalArgumentException(where + " (" + roleNode.textValue() + ") has no \"content\"");
        }
        String content = text(contentNode, where);
        return switch (role) {
            case SYSTEM -> ChatMessage.system(content);
            case USER -> ChatMessage.user(content);
            case TOOL -> ChatMessage.tool(optText(m, "name"), optText(m, "tool_call_id"), content);
            case ASSISTANT -> {
                String reasoning = optText(m, "reasoning_content");
                if (reasoning == null) reasoning = optText(m, "reasoning");
                yield ChatMessage.assistantToolCalls(reasoning, toolCalls(m.get("tool_calls"), where), content);
            }
        };
    }

    private static String text(JsonNode content, String where) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.textValue();
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                JsonNode type = part.get("type");
                if (type == null || !"text".equals(type.asText()) || !part.path("text").isTextual()) {
                    throw new IllegalArgumentException(where + ": only text content parts are supported, got "
                            + (type == null ? "a part without \"type\"" : "\"" + type.asText() + "\""));
                }
                sb.append(part.get("text").textValue());
            }
            return sb.toString();
        }
        throw new IllegalArgumentException(where + ": \"content\" must be a string or an array of text parts");
    }

    private static String optText(JsonNode m, String field) {
        JsonNode v = m.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private static List<ToolCall> toolCalls(JsonNode calls, String where) {
        if (calls == null || calls.isNull()) return List.of();
        if (!calls.isArray()) throw new IllegalArgumentException(where + ": \"tool_calls\" must be an array");
        List<ToolCall> out = new ArrayList<>();
        for (int j = 0; j < calls.size(); j++) {
            JsonNode c = calls.get(j);
            String at = where + ".tool_calls[" + j + "]";
            JsonNode fn = c.has("function") ? c.get("function") : c;
            JsonNode name = fn.get("name");
            if (name == null || !name.isTextual() || name.textValue().isBlank()) {
                throw new IllegalArgumentException(at + " has no function name");
            }
            JsonNode args = fn.get("arguments");
            if (args != null && args.isTextual()) {
                try {
                    args = args.textValue().isBlank() ? null : MAPPER.readTree(args.textValue());
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(at + ": arguments are not valid JSON: " + e.getOriginalMessage());
                }
            }
            if (args != null && !args.isNull() && !args.isObject()) {
                throw new IllegalArgumentException(at + ": arguments must be a JSON object");
            }
            ObjectNode argObj = args == null || args.isNull() ? MAPPER.createObjectNode() : (ObjectNode) args;
            out.add(new ToolCall(name.textValue(), argObj, optText(c, "id")));
        }
        return out;
    }

    /** OpenAI {@code tool_calls} JSON for parsed calls (arguments as a JSON string, as the API sends them). */
    public static ArrayNode toolCallsJson(List<ToolCall> calls) {
        ArrayNode arr = MAPPER.createArrayNode();
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            ObjectNode call = arr.addObject();
            call.put("id", c.id() != null ? c.id() : "call_" + i);
            call.put("type", "function");
            ObjectNode fn = call.putObject("function");
            fn.put("name", c.name());
            fn.put("arguments", c.arguments().toString());
        }
        return arr;
    }
}
