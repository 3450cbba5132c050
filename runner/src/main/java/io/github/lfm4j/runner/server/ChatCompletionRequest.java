package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.chat.OpenAiMessages;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import io.github.lfm4j.model.grammar.GrammarException;
import io.github.lfm4j.model.grammar.ToolCallGrammar;

import java.util.List;

/**
 * A {@code POST /v1/chat/completions} body, validated.
 *
 * <p>Role {@code "developer"} is read as {@code "system"}. {@code tool_choice}: {@code "auto"} (default) renders the tools and lets the model decide; {@code "none"} does
 * not render them at all, so the model cannot call any; {@code "required"} renders them and, once the model has
 * finished thinking, forces its answer to open with {@code <|tool_call_start|>} ({@link ToolCallForcing}); the
 * call itself is the model's, and one that does not parse is reported honestly ({@code finish_reason: "stop"},
 * no {@code tool_calls}). A named function ({@code {"type": "function", "function": {"name": ...}}}) renders only
 * that tool and is forced the same way.
 *
 * @param messages the conversation
 * @param tools    the tools to render into the prompt (after {@code tool_choice} is applied)
 * @param toolCallRequired {@code tool_choice} is "required" or names a function: the answer must open a call
 * @param settings sampling, limits and streaming
 */
record ChatCompletionRequest(List<ChatMessage> messages, List<ToolDefinition> tools, boolean toolCallRequired,
                             GenerationSettings settings) {

    static ChatCompletionRequest parse(ObjectNode body) {
        JsonNode messagesNode = body.get("messages");
        if (messagesNode == null || messagesNode.isNull()) throw ApiError.invalid("'messages' is required", "messages");
        if (!messagesNode.isArray()) {
            throw ApiError.invalid("'messages' must be an array, got " + JsonFields.describe(messagesNode), "messages");
        }
        if (messagesNode.isEmpty()) throw ApiError.invalid("'messages' must hold at least one message", "messages");
        List<ChatMessage> messages;
        try {
            messages = OpenAiMessages.parseMessages(developerAsSystem(messagesNode));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(Exchanges.firstLine(e.getMessage()), "messages");
        }
        List<ToolDefinition> tools;
        try {
            tools = OpenAiMessages.parseTools(body.get("tools"));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(Exchanges.firstLine(e.getMessage()), "tools");
        }
        JsonNode choice = body.get("tool_choice");
        tools = applyToolChoice(choice, tools);
        boolean required = choice != null && (choice.isObject() || "required".equals(choice.asText()));
        GenerationSettings settings = GenerationSettings.parse(body, true);
        if (required && settings.grammar() != null) {
            // a forced tool call and a constrained answer would each decide what the answer is
            throw ApiError.invalid("'tool_choice' that forces a tool call cannot be combined with 'response_format',"
                    + " 'grammar' or 'json_schema'", "tool_choice");
        }
        if (tools.stream().anyMatch(ToolCallGrammar::isStrict)) {
            // strict tools: every call's arguments follow its parameter schema, inside the model's call syntax
            if (settings.grammar() != null) {
                throw ApiError.invalid("tools with \"strict\": true cannot be combined with 'response_format',"
                        + " 'grammar' or 'json_schema'", "tools");
            }
            try {
                settings = settings.withGrammar(ToolCallGrammar.compile(tools, required));
            } catch (GrammarException e) {
                throw ApiError.invalid(e.getMessage(), "tools");
            }
        }
        return new ChatCompletionRequest(messages, tools, required, settings);
    }

    /**
     * OpenAI's newer clients send the system prompt with role {@code "developer"} (its name for the same thing on
     * reasoning models); the chat template knows only {@code "system"}.
     */
    private static JsonNode developerAsSystem(JsonNode messages) {
        boolean any = false;
        for (JsonNode m : messages) any |= "developer".equals(m.path("role").asText(null));
        if (!any) return messages;
        JsonNode copy = messages.deepCopy();
        for (JsonNode m : copy) {
            if (m instanceof ObjectNode o && "developer".equals(o.path("role").asText(null))) o.put("role", "system");
        }
        return copy;
    }

    private static List<ToolDefinition> applyToolChoice(JsonNode choice, List<ToolDefinition> tools) {
        if (choice == null || choice.isNull()) return tools;
        if (choice.isTextual()) {
            return switch (choice.textValue()) {
                case "auto" -> tools;
                case "none" -> List.of();
                case "required" -> {
                    if (tools.isEmpty()) throw ApiError.invalid("'tool_choice' is \"required\" but no 'tools' are given", "tool_choice");
                    yield tools;
                }
                default -> throw ApiError.invalid("'tool_choice' must be \"auto\", \"none\", \"required\" or a function"
                        + " object, got \"" + choice.textValue() + "\"", "tool_choice");
            };
        }
        if (choice.isObject()) {
            JsonNode name = choice.path("function").path("name");
            if (!"function".equals(choice.path("type").asText()) || !name.isTextual()) {
                throw ApiError.invalid("'tool_choice' object must be {\"type\": \"function\", \"function\": {\"name\": ...}}",
                        "tool_choice");
            }
            List<ToolDefinition> chosen = tools.stream().filter(t -> t.name().equals(name.textValue())).toList();
            if (chosen.isEmpty()) {
                throw ApiError.invalid("'tool_choice' names function '" + name.textValue() + "', which is not among 'tools'",
                        "tool_choice");
            }
            return chosen;
        }
        throw ApiError.invalid("'tool_choice' must be a string or an object, got " + JsonFields.describe(choice), "tool_choice");
    }
}
