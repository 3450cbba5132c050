package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.grammar.Grammar;
import io.github.lfm4j.model.grammar.GrammarException;
import io.github.lfm4j.model.grammar.JsonGrammars;
import io.github.lfm4j.model.grammar.JsonSchemaConverter;

/**
 * The structured-output fields of a request, as a grammar for the answer: OpenAI's {@code response_format}
 * ({@code {"type": "text"}}, {@code {"type": "json_object"}}, {@code {"type": "json_schema", "json_schema":
 * {"name", "schema", "strict"}}}) and llama.cpp's {@code grammar} (GBNF text) and {@code json_schema} (a schema).
 * At most one may constrain a request. A schema or grammar that cannot be used is a 400 naming the problem.
 * {@code strict} is accepted either way: the answer always follows the schema exactly.
 */
final class ResponseFormat {
    private ResponseFormat() {}

    /** The grammar the request asks for, or null for free text. */
    static Grammar parse(ObjectNode body) {
        Grammar fromFormat = responseFormat(body);
        String gbnf = JsonFields.optString(body, "grammar");
        JsonNode schema = body.get("json_schema");
        boolean hasSchema = schema != null && !schema.isNull();
        int given = (fromFormat != null ? 1 : 0) + (gbnf != null ? 1 : 0) + (hasSchema ? 1 : 0);
        if (given > 1) {
            throw ApiError.invalid("give at most one of 'response_format' (json_object or json_schema), 'grammar' and"
                    + " 'json_schema'", "response_format");
        }
        if (fromFormat != null) return fromFormat;
        if (gbnf != null) return compile(() -> Grammar.parse(gbnf), "grammar");
        if (hasSchema) return schema(schema, "json_schema");
        return null;
    }

    private static Grammar responseFormat(ObjectNode body) {
        ObjectNode format = JsonFields.optObject(body, "response_format");
        if (format == null) return null;
        JsonNode type = format.get("type");
        if (type == null || !type.isTextual()) throw ApiError.invalid("'response_format.type' must be a string", "response_format");
        return switch (type.textValue()) {
            case "text" -> null;
            case "json_object" -> Grammar.parse(JsonGrammars.JSON_OBJECT);
            case "json_schema" -> {
                JsonNode js = format.get("json_schema");
                if (js == null || !js.isObject()) {
                    throw ApiError.invalid("'response_format.json_schema' must be an object with a 'schema'", "response_format");
                }
                JsonNode name = js.get("name");
                if (name != null && !name.isTextual()) throw ApiError.invalid("'response_format.json_schema.name' must be a string", "response_format");
                JsonNode strict = js.get("strict");
                if (strict != null && !strict.isBoolean() && !strict.isNull()) {
                    throw ApiError.invalid("'response_format.json_schema.strict' must be a boolean", "response_format");
                }
                JsonNode schema = js.get("schema");
                // OpenAI lets the schema be left out ("any JSON"); an object is then the closest reading
                if (schema == null || schema.isNull()) yield Grammar.parse(JsonGrammars.JSON_OBJECT);
                yield schema(schema, "response_format");
            }
            default -> throw ApiError.invalid("'response_format.type' must be \"text\", \"json_object\" or \"json_schema\", got \""
                    + type.textValue() + "\"", "response_format");
        };
    }

    private static Grammar schema(JsonNode schema, String param) {
        if (!schema.isObject() && !schema.isBoolean()) throw ApiError.invalid("'" + param + "' schema must be a JSON object", param);
        return compile(() -> JsonSchemaConverter.compile(schema), param);
    }

    private static Grammar compile(java.util.function.Supplier<Grammar> c, String param) {
        try {
            return c.get();
        } catch (GrammarException e) {
            throw ApiError.invalid(e.getMessage(), param);
        }
    }
}
