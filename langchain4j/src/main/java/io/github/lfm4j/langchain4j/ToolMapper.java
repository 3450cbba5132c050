package io.github.lfm4j.langchain4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import io.github.lfm4j.model.chat.tools.ToolDefinition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link ToolSpecification}s as the tool list the chat template writes into the system turn: the bare
 * {@code {"name", "description", "parameters"}} form of Liquid AI's examples, with the parameters as the JSON schema
 * LangChain4j builds from a {@code @Tool} method (the same schema its OpenAI provider sends).
 */
final class ToolMapper {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolMapper() {}

    static List<ToolDefinition> toLfm4j(List<ToolSpecification> specs) {
        if (specs == null || specs.isEmpty()) return List.of();
        List<ToolDefinition> out = new ArrayList<>(specs.size());
        Set<String> names = new HashSet<>();
        for (ToolSpecification s : specs) {
            if (!names.add(s.name())) throw new IllegalArgumentException("two tools are named '" + s.name() + "'");
            out.add(toLfm4j(s));
        }
        return out;
    }

    static ToolDefinition toLfm4j(ToolSpecification s) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", s.name());
        if (s.description() != null) node.put("description", s.description());
        if (s.parameters() != null) {
            node.set("parameters", JSON.valueToTree(JsonSchemaElementUtils.toMap(s.parameters())));
        } else {
            // a tool without parameters still gets an object schema, as OpenAI-style tool lists have
            ObjectNode empty = node.putObject("parameters");
            empty.put("type", "object");
            empty.putObject("properties");
        }
        return new ToolDefinition(node);
    }
}
