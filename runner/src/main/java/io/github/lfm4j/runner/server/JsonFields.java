package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of optional request fields. A field that is absent or JSON {@code null} reads as "not given"; a field
 * of the wrong type or out of range is a 400 naming the parameter, as OpenAI's API answers.
 */
final class JsonFields {
    private JsonFields() {}

    static boolean given(ObjectNode body, String name) {
        JsonNode v = body.get(name);
        return v != null && !v.isNull();
    }

    static Integer optInt(ObjectNode body, String name, long min, long max) {
        if (!given(body, name)) return null;
        JsonNode v = body.get(name);
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw ApiError.invalid("'" + name + "' must be an integer, got " + describe(v), name);
        }
        double d = v.asDouble();
        if (d < min || d > max) {
            throw ApiError.invalid("'" + name + "' must be in [" + min + ", " + max + "], got " + v.asText(), name);
        }
        return (int) v.asLong();
    }

    static Long optLong(ObjectNode body, String name) {
        if (!given(body, name)) return null;
        JsonNode v = body.get(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiError.invalid("'" + name + "' must be a 64-bit integer, got " + describe(v), name);
        }
        return v.longValue();
    }

    static Float optFloat(ObjectNode body, String name, double min, double max) {
        if (!given(body, name)) return null;
        JsonNode v = body.get(name);
        if (!v.isNumber()) throw ApiError.invalid("'" + name + "' must be a number, got " + describe(v), name);
        double d = v.asDouble();
        if (!(d >= min && d <= max)) {
            throw ApiError.invalid("'" + name + "' must be in [" + min + ", " + max + "], got " + v.asText(), name);
        }
        return (float) d;
    }

    static Boolean optBool(ObjectNode body, String name) {
        if (!given(body, name)) return null;
        JsonNode v = body.get(name);
        if (!v.isBoolean()) throw ApiError.invalid("'" + name + "' must be true or false, got " + describe(v), name);
        return v.booleanValue();
    }

    static String optString(ObjectNode body, String name) {
        if (!given(body, name)) return null;
        JsonNode v = body.get(name);
        if (!v.isTextual()) throw ApiError.invalid("'" + name + "' must be a string, got " + describe(v), name);
        return v.textValue();
    }

    static ObjectNode optObject(ObjectNode body, String name) {
        if (!given(body, name)) return null;
        JsonNode v = body.get(name);
        if (!v.isObject()) throw ApiError.invalid("'" + name + "' must be an object, got " + describe(v), name);
        return (ObjectNode) v;
    }

    /** OpenAI's {@code stop}: a string or an array of up to {@code max} non-empty strings. */
    static List<String> optStringOrArray(ObjectNode body, String name, int max) {
        if (!given(body, name)) return List.of();
        JsonNode v = body.get(name);
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.textValue());
        } else if (v.isArray()) {
            for (JsonNode s : v) {
                if (!s.isTextual()) {
                    throw ApiError.invalid("'" + name + "' must be a string or an array of strings, got an array"
                            + " holding " + describe(s), name);
                }
                out.add(s.textValue());
            }
        } else {
            throw ApiError.invalid("'" + name + "' must be a string or an array of strings, got " + describe(v), name);
        }
        if (out.size() > max) throw ApiError.invalid("'" + name + "' holds " + out.size() + " entries; at most " + max, name);
        for (String s : out) if (s.isEmpty()) throw ApiError.invalid("'" + name + "' holds an empty string", name);
        return List.copyOf(out);
    }

    /** "a string", "an array", ... for error messages. */
    static String describe(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> v.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase();
        };
    }
}
