package io.github.lfm4j.model.chat.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.chat.PythonJson;
import java.util.Objects;

/**
 * A tool the model may call, as the JSON object the caller supplied: either OpenAI's
 * {@code {"type": "function", "function": {"name", "description", "parameters"}}} or the bare
 * {@code {"name", "description", "parameters"}} form Liquid's examples use. The chat template writes the object
 * exactly as given (key order included), so it is kept as a tree rather than re-modelled.
 */
public record ToolDefinition(JsonNode json) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public ToolDefinition {
        Objects.requireNonNull(json, "json");
        if (!json.isObject()) throw new IllegalArgumentException("a tool definition must be a JSON object, got " + json.getNodeType());
        if (nameOf(json) == null) {
            throw new IllegalArgumentException("tool definition has no \"name\" (nor \"function\".\"name\"): " + PythonJson.dumps(json));
        }
    }

    /** The bare form {@code {"name": ..., "description": ..., "parameters": ...}}. */
    public static ToolDefinition function(String name, String description, JsonNode parameters) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("name", name);
        node.put("description", description);
        node.set("parameters", parameters == null ? MAPPER.createObjectNode() : parameters);
        return new ToolDefinition(node);
    }

    /** Parses one tool definition from JSON text; a one-line error if it is not valid JSON. */
    public static ToolDefinition parse(String jsonText) {
        try {
            return new ToolDefinition(MAPPER.readTree(jsonText));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("tool definition is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public String name() {
        return nameOf(json);
    }

    /** The definition as the template's {@code tojson} writes it into the prompt. */
    public String toPromptJson() {
        return PythonJson.dumps(json);
    }

    private static String nameOf(JsonNode node) {
        JsonNode fn = node.get("function");
        JsonNode name = fn != null && fn.isObject() ? fn.get("name") : node.get("name");
        return name != null && name.isTextual() ? name.textValue() : null;
    }
}
