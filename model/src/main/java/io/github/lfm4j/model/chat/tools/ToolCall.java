package io.github.lfm4j.model.chat.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A function call the model asked for: tool name plus keyword arguments as a JSON object
 * ({@code get_weather(city="Paris", days=3)} is name {@code get_weather}, arguments
 * {@code {"city": "Paris", "days": 3}}).
 *
 * @param id optional call id (OpenAI {@code tool_call_id}); null when the model text carried none
 */
public record ToolCall(String name, ObjectNode arguments, String id) {

    public ToolCall {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
        if (name.isBlank()) throw new IllegalArgumentException("tool call name is blank");
    }

    public ToolCall(String name, ObjectNode arguments) {
        this(name, arguments, null);
    }
}
