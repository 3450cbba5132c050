package io.github.lfm4j.model.chat.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lfm4j.model.chat.PythonJson;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes structured tool calls back in the model's own notation, a Python list of keyword-argument calls
 * between the tool-call tokens: {@code <|tool_call_start|>[get_weather(city="Paris", days=3)]<|tool_call_end|>}.
 * Used to put OpenAI-style {@code tool_calls} history back into the prompt.
 *
 * <p>Values are Python literals: double-quoted strings with backslash escapes, {@code True}/{@code False}/
 * {@code None}, Python float repr, lists and dicts. Escaping quotes and newlines (which Liquid's newer template
 * does not do) keeps the text parseable by {@link ToolCallParser}, so format and parse round-trip.
 */
public final class ToolCallFormatter {
    public static final String CALL_START = "<|tool_call_start|>";
    public static final String CALL_END = "<|tool_call_end|>";

    private ToolCallFormatter() {}

    /** The whole block, tokens included; an empty list gives an empty string. */
    public static String format(List<ToolCall> calls) {
        if (calls.isEmpty()) return "";
        StringBuilder out = new StringBuilder(CALL_START).append('[');
        for (int i = 0; i < calls.size(); i++) {
            if (i > 0) out.append(", ");
            formatCall(out, calls.get(i));
        }
        return out.append(']').append(CALL_END).toString();
    }

    /** One call, {@code name(key=value, ...)}, without brackets or tokens. */
    public static String formatCall(ToolCall call) {
        StringBuilder out = new StringBuilder();
        formatCall(out, call);
        return out.toString();
    }

    private static void formatCall(StringBuilder out, ToolCall call) {
        out.append(call.name()).append('(');
        Iterator<Map.Entry<String, JsonNode>> it = call.arguments().fields();
        boolean first = true;
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> arg = it.next();
            if (!first) out.append(", ");
            first = false;
            if (!isIdentifier(arg.getKey())) {
                throw new IllegalArgumentException("tool call " + call.name() + ": argument name '" + arg.getKey()
                        + "' is not a Python identifier, so it cannot be written as a keyword argument");
            }
            out.append(arg.getKey()).append('=');
            writeValue(out, arg.getValue(), call.name());
        }
        out.append(')');
    }

    private static void writeValue(StringBuilder out, JsonNode v, String callName) {
        if (v == null || v.isNull()) {
            out.append("None");
        } else if (v.isBoolean()) {
            out.append(v.booleanValue() ? "True" : "False");
        } else if (v.isTextual()) {
            writeString(out, v.textValue());
        } else if (v.isIntegralNumber()) {
            out.append(v.bigIntegerValue());
        } else if (v.isNumber()) {
            double d = v.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("tool call " + callName + ": " + d + " has no Python literal");
            }
            out.append(PythonJson.floatRepr(d));
        } else if (v.isArray()) {
            out.append('[');
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) out.append(", ");
                writeValue(out, v.get(i), callName);
            }
            out.append(']');
        } else if (v.isObject()) {
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            boolean first = true;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) out.append(", ");
                first = false;
                writeString(out, e.getKey());
                out.append(": ");
                writeValue(out, e.getValue(), callName);
            }
            out.append('}');
        } else {
            throw new IllegalArgumentException("tool call " + callName + ": cannot write a " + v.getNodeType() + " argument");
        }
    }

    private static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) out.append(String.format("\\x%02x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    static boolean isIdentifier(String s) {
        if (s.isEmpty() || !(Character.isLetter(s.codePointAt(0)) || s.charAt(0) == '_')) return false;
        return s.codePoints().allMatch(cp -> Character.isLetterOrDigit(cp) || cp == '_');
    }
}
