package io.github.lfm4j.model.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Text exactly as Python's {@code json.dumps(value, ensure_ascii=False)} writes it, which is what the
 * {@code tojson} filter of Hugging Face chat templates produces. The model was trained on prompts built that
 * way, so the tool list must match byte for byte: {@code ", "} and {@code ": "} separators, keys in insertion
 * order, non-ASCII text left as is, and floats in Python's shortest-repr notation ({@code 1e-05},
 * {@code 100.0}) rather than Java's ({@code 1.0E-5}).
 *
 * <p>Also offers Python's {@code repr}/{@code str} of the same values, which templates use via the
 * {@code string} filter.
 */
public final class PythonJson {
    private PythonJson() {}

    /** {@code json.dumps(value, ensure_ascii=False)} of a Jackson tree or plain Java maps, lists and scalars. */
    public static String dumps(Object value) {
        return dumps(value, -1);
    }

    /**
     * {@code json.dumps(value, ensure_ascii=False, indent=indent)}: with {@code indent >= 0} every item goes on
     * its own line, indented, and items end with {@code ","} (no trailing space); {@code indent < 0} is the
     * one-line form.
     */
    public static String dumps(Object value, int indent) {
        StringBuilder out = new StringBuilder();
        writeJson(out, value, indent, 0);
        return out.toString();
    }

    /** Python's {@code str(value)}: strings as they are, everything else as {@link #repr}. */
    public static String str(Object value) {
        Object v = unwrap(value);
        return v instanceof CharSequence s ? s.toString() : repr(v);
    }

    /** Python's {@code repr(value)} for the JSON-like values templates handle. */
    public static String repr(Object value) {
        StringBuilder out = new StringBuilder();
        writeRepr(out, value);
        return out.toString();
    }

    /** Python's {@code repr(float)} (shortest round-tripping digits, exponent form outside 1e-4..1e16). */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        // Java's Double.toString already yields the shortest digits that round-trip (JDK 19+); only the
        // layout differs from Python, so take the digits and lay them out the Python way.
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp10 = digits.length() - 1 - bd.scale(); // value = d.ddd × 10^exp10
        if (digits.length() == 2) {
            // Java prints at least two significant digits even when one round-trips (4.9E-324 where Python
            // prints 5e-324); try the one-digit neighbours.
            BigDecimal best = null;
            BigDecimal exact = new BigDecimal(Math.abs(d));
            for (BigDecimal c : new BigDecimal[] {bd.round(new java.math.MathContext(1, java.math.RoundingMode.FLOOR)),
                    bd.round(new java.math.MathContext(1, java.math.RoundingMode.CEILING))}) {
                if (Double.parseDouble(c.toString()) == Math.abs(d)
                        && (best == null || c.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = c;
                }
            }
            if (best != null) {
                best = best.stripTrailingZeros();
                digits = best.unscaledValue().toString();
                exp10 = digits.length() - 1 - best.scale();
            }
        }
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (exp10 >= -4 && exp10 < 16) {
            if (exp10 >= 0) {
                if (digits.length() <= exp10 + 1) {
                    out.append(digits).append("0".repeat(exp10 + 1 - digits.length())).append(".0");
                } else {
                    out.append(digits, 0, exp10 + 1).append('.').append(digits, exp10 + 1, digits.length());
                }
            } else {
                out.append("0.").append("0".repeat(-exp10 - 1)).append(digits);
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) out.append('.').append(digits, 1, digits.length());
            out.append('e').append(exp10 < 0 ? '-' : '+');
            int abs = Math.abs(exp10);
            if (abs < 10) out.append('0');
            out.append(abs);
        }
        return out.toString();
    }

    private static Object unwrap(Object value) {
        if (value instanceof JsonNode node) {
            if (node.isNull() || node.isMissingNode()) return null;
            if (node.isTextual()) return node.textValue();
            if (node.isBoolean()) return node.booleanValue();
            if (node.isIntegralNumber()) return node.bigIntegerValue();
            if (node.isNumber()) return node.doubleValue();
        }
        return value;
    }

    private static void writeJson(StringBuilder out, Object raw, int indent, int level) {
        Object value = unwrap(raw);
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case CharSequence s -> writeJsonString(out, s.toString());
            case Character c -> writeJsonString(out, c.toString());
            case Double d -> out.append(jsonFloat(d));
            case Float f -> out.append(jsonFloat(f.doubleValue()));
            case BigDecimal bd -> out.append(jsonFloat(bd.doubleValue()));
            case Number n -> out.append(n instanceof BigInteger bi ? bi.toString() : Long.toString(n.longValue()));
            case JsonNode node when node.isObject() -> {
                Map<String, JsonNode> fields = new java.util.LinkedHashMap<>();
                node.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
                writeJson(out, fields, indent, level);
            }
            case JsonNode node when node.isArray() -> {
                List<JsonNode> items = new ArrayList<>();
                node.forEach(items::add);
                writeJson(out, items, indent, level);
            }
            case Map<?, ?> map -> {
                if (map.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) out.append(indent < 0 ? ", " : ",");
                    first = false;
                    newline(out, indent, level + 1);
                    writeJsonString(out, jsonKey(e.getKey()));
                    out.append(": ");
                    writeJson(out, e.getValue(), indent, level + 1);
                }
                newline(out, indent, level);
                out.append('}');
            }
            case Collection<?> list -> {
                if (list.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                boolean first = true;
                for (Object item : list) {
                    if (!first) out.append(indent < 0 ? ", " : ",");
                    first = false;
                    newline(out, indent, level + 1);
                    writeJson(out, item, indent, level + 1);
                }
                newline(out, indent, level);
                out.append(']');
            }
            case Object[] array -> writeJson(out, java.util.Arrays.asList(array), indent, level);
            default -> throw new IllegalArgumentException(
                    "cannot write a " + value.getClass().getSimpleName() + " as JSON");
        }
    }

    private static void newline(StringBuilder out, int indent, int level) {
        if (indent >= 0) out.append('\n').append(" ".repeat(indent * level));
    }

    // json.dumps turns non-string keys into strings: True -> "true", None -> "null", 1.5 -> "1.5".
    private static String jsonKey(Object key) {
        Object k = unwrap(key);
        if (k instanceof CharSequence s) return s.toString();
        return dumps(k);
    }

    private static String jsonFloat(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        return floatRepr(d);
    }

    static void writeJsonString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    private static void writeRepr(StringBuilder out, Object raw) {
        Object value = unwrap(raw);
        switch (value) {
            case null -> out.append("None");
            case Boolean b -> out.append(b ? "True" : "False");
            case CharSequence s -> writeReprString(out, s.toString());
            case Character c -> writeReprString(out, c.toString());
            case Double d -> out.append(floatRepr(d));
            case Float f -> out.append(floatRepr(f.doubleValue()));
            case BigDecimal bd -> out.append(floatRepr(bd.doubleValue()));
            case Number n -> out.append(n instanceof BigInteger bi ? bi.toString() : Long.toString(n.longValue()));
            case JsonNode node when node.isObject() -> {
                out.append('{');
                Iterator<Map.Entry<String, JsonNode>> it = node.fields();
                boolean first = true;
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!first) out.append(", ");
                    first = false;
                    writeReprString(out, e.getKey());
                    out.append(": ");
                    writeRepr(out, e.getValue());
                }
                out.append('}');
            }
            case JsonNode node when node.isArray() -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) out.append(", ");
                    writeRepr(out, node.get(i));
                }
                out.append(']');
            }
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) out.append(", ");
                    first = false;
                    writeRepr(out, e.getKey());
                    out.append(": ");
                    writeRepr(out, e.getValue());
                }
                out.append('}');
            }
            case Collection<?> list -> {
                out.append('[');
                boolean first = true;
                for (Object item : list) {
                    if (!first) out.append(", ");
                    first = false;
                    writeRepr(out, item);
                }
                out.append(']');
            }
            case Object[] array -> writeRepr(out, java.util.Arrays.asList(array));
            default -> out.append(value);
        }
    }

    // Python picks single quotes unless the text holds a single quote and no double quote.
    private static void writeReprString(StringBuilder out, String s) {
        char quote = (s.indexOf('\'') >= 0 && s.indexOf('"') < 0) ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == quote || c == '\\') out.append('\\').append(c);
            else if (c == '\n') out.append("\\n");
            else if (c == '\r') out.append("\\r");
            else if (c == '\t') out.append("\\t");
            else if (c < 0x20 || c == 0x7f) out.append(String.format("\\x%02x", (int) c));
            else out.append(c);
        }
        out.append(quote);
    }
}
