package io.github.lfm4j.model.chat.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the tool calls out of an LFM2 answer. The model writes
 * {@code <|tool_call_start|>[get_weather(city="Paris", days=3), other(x=[1, 2])]<|tool_call_end|>}: a Python list
 * of calls with keyword arguments whose values are Python literals. Text around the blocks is the answer.
 *
 * <p>Accepted values: strings in single or double quotes (also triple-quoted and {@code r}-prefixed) with
 * Python escapes, integers of any size, floats (sign, fraction, exponent), {@code True/False/None} (and JSON's
 * {@code true/false/null}), lists, tuples (as lists) and dicts with string keys, nested. A block holding JSON
 * ({@code {"name": ..., "arguments": {...}}} or a list of those), which LFM2 writes when told to use JSON, is read
 * too. Positional arguments are refused: a tool's JSON arguments need names.
 *
 * <p>Never throws for bad model output: each block that does not parse becomes a {@link ToolCallParseError}.
 */
public final class ToolCallParser {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ToolCallParser() {}

    public static ToolCallParseResult parse(String text) {
        StringBuilder content = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        List<ToolCallParseError> errors = new ArrayList<>();
        int pos = 0;
        while (true) {
            int start = text.indexOf(ToolCallFormatter.CALL_START, pos);
            if (start < 0) {
                content.append(text, pos, text.length());
                break;
            }
            content.append(text, pos, start);
            int bodyStart = start + ToolCallFormatter.CALL_START.length();
            int end = text.indexOf(ToolCallFormatter.CALL_END, bodyStart);
            int bodyEnd = end < 0 ? text.length() : end;
            String body = text.substring(bodyStart, bodyEnd);
            try {
                calls.addAll(parseBlock(body));
            } catch (SyntaxError e) {
                String msg = e.getMessage();
                if (end < 0) msg += " (block not closed by " + ToolCallFormatter.CALL_END + ")";
                errors.add(new ToolCallParseError(msg, bodyStart + e.at, body));
            }
            // A block the generation ended inside (no end token) is accepted if it is complete.
            pos = end < 0 ? text.length() : end + ToolCallFormatter.CALL_END.length();
        }
        return new ToolCallParseResult(content.toString(), calls, errors);
    }

    /** The calls of one block's body (text between the tokens); a {@link SyntaxError} if malformed. */
    static List<ToolCall> parseBlock(String body) {
        Reader r = new Reader(body);
        r.skipSpace();
        if (r.atEnd()) throw new SyntaxError("empty tool call block", 0);
        char first = r.peek();
        if (first == '{' || (first == '[' && r.nextNonSpaceAfter(r.pos + 1) == '{')) return parseJsonBlock(body, r.pos);
        List<ToolCall> calls = new ArrayList<>();
        if (first == '[') {
            r.pos++;
            r.skipSpace();
            while (!r.tryConsume(']')) {
                calls.add(r.call());
                r.skipSpace();
                if (r.tryConsume(',')) {
                    r.skipSpace();
                } else if (!r.atEnd() && r.peek() != ']') {
                    throw new SyntaxError("expected ',' or ']' after call " + calls.getLast().name() + ", found " + r.describeHere(), r.pos);
                } else if (r.atEnd()) {
                    throw new SyntaxError("call list not closed with ']'", r.pos);
                }
            }
        } else {
            calls.add(r.call());
        }
        r.skipSpace();
        if (!r.atEnd()) throw new SyntaxError("unexpected text after the calls: " + r.describeHere(), r.pos);
        return calls;
    }

    private static List<ToolCall> parseJsonBlock(String body, int offset) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SyntaxError("tool call block looks like JSON but is not valid JSON: " + e.getOriginalMessage(), offset);
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode item : node.isArray() ? node : List.of(node)) {
            JsonNode name = item.get("name");
            JsonNode args = item.has("arguments") ? item.get("arguments") : item.get("parameters");
            if (name == null || !name.isTextual() || name.textValue().isBlank()) {
                throw new SyntaxError("JSON tool call has no \"name\" string", offset);
            }
            if (args != null && args.isTextual()) {
                try {
                    args = MAPPER.readTree(args.textValue()); // OpenAI style: arguments as a JSON string
                } catch (JsonProcessingException e) {
                    throw new SyntaxError("arguments of " + name.textValue() + " are a string but not JSON", offset);
                }
            }
            if (args != null && !args.isNull() && !args.isObject()) {
                throw new SyntaxError("arguments of " + name.textValue() + " must be a JSON object, got " + args.getNodeType(), offset);
            }
            calls.add(new ToolCall(name.textValue(), args == null || args.isNull() ? F.objectNode() : (ObjectNode) args));
        }
        return calls;
    }

    /** A malformed block; {@code at} is the offset within the block body. */
    static final class SyntaxError extends RuntimeException {
        final int at;

        SyntaxError(String message, int at) {
            super(message, null, false, false);
            this.at = at;
        }
    }

    /** Recursive-descent reader over one block body. */
    private static final class Reader {
        private static final int MAX_DEPTH = 64;
        final String s;
        int pos;
        int depth;

        Reader(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return s.charAt(pos);
        }

        char nextNonSpaceAfter(int i) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
            return i < s.length() ? s.charAt(i) : 0;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        boolean tryConsume(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        String describeHere() {
            if (atEnd()) return "end of block";
            int end = Math.min(s.length(), pos + 20);
            return "'" + s.substring(pos, end) + (end < s.length() ? "…'" : "'");
        }

        String identifier() {
            int start = pos;
            if (pos < s.length() && (Character.isLetter(s.codePointAt(pos)) || s.charAt(pos) == '_')) {
                pos += Character.charCount(s.codePointAt(pos));
                while (pos < s.length() && (Character.isLetterOrDigit(s.codePointAt(pos)) || s.charAt(pos) == '_')) {
                    pos += Character.charCount(s.codePointAt(pos));
                }
            }
            return s.substring(start, pos);
        }

        ToolCall call() {
            StringBuilder name = new StringBuilder(identifier());
            if (name.isEmpty()) throw new SyntaxError("expected a function name, found " + describeHere(), pos);
            while (pos < s.length() && s.charAt(pos) == '.') { // module.function names
                pos++;
                String part = identifier();
                if (part.isEmpty()) throw new SyntaxError("expected a name after '.' in " + name, pos);
                name.append('.').append(part);
            }
            skipSpace();
            if (!tryConsume('(')) {
                throw new SyntaxError("expected '(' after function name " + name + ", found " + describeHere(), pos);
            }
            ObjectNode args = F.objectNode();
            int positional = 0;
            skipSpace();
            while (!tryConsume(')')) {
                if (atEnd()) throw new SyntaxError("argument list of " + name + " not closed with ')'", pos);
                int argStart = pos;
                String key = identifier();
                skipSpace();
                if (!key.isEmpty() && pos < s.length() && s.charAt(pos) == '='
                        && !(pos + 1 < s.length() && s.charAt(pos + 1) == '=')) {
                    pos++;
                    skipSpace();
                    if (args.has(key)) throw new SyntaxError("argument " + key + " given twice in call to " + name, argStart);
                    args.set(key, value());
                } else {
                    pos = argStart;
                    positional++;
                    value(); // read it only to report it precisely
                    throw new SyntaxError("positional argument " + positional + " (" + s.substring(argStart, pos).strip()
                            + ") in call to " + name + " is not supported; tool calls must use key=value arguments", argStart);
                }
                skipSpace();
                if (tryConsume(',')) {
                    skipSpace();
                } else if (!atEnd() && peek() != ')') {
                    throw new SyntaxError("expected ',' or ')' in call to " + name + ", found " + describeHere(), pos);
                }
            }
            return new ToolCall(name.toString(), args);
        }

        JsonNode value() {
            if (++depth > MAX_DEPTH) throw new SyntaxError("values nested deeper than " + MAX_DEPTH + " levels", pos);
            try {
                skipSpace();
                if (atEnd()) throw new SyntaxError("expected a value, found end of block", pos);
                char c = peek();
                if (c == '"' || c == '\'') return F.textNode(string(false));
                if ((c == 'r' || c == 'R') && pos + 1 < s.length() && (s.charAt(pos + 1) == '"' || s.charAt(pos + 1) == '\'')) {
                    pos++;
                    return F.textNode(string(true));
                }
                if ((c == 'u' || c == 'U') && pos + 1 < s.length() && (s.charAt(pos + 1) == '"' || s.charAt(pos + 1) == '\'')) {
                    pos++;
                    return F.textNode(string(false));
                }
                if (c == '[') return sequence('[', ']');
                if (c == '(') return sequence('(', ')');
                if (c == '{') return dict();
                if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) return number();
                int start = pos;
                String word = identifier();
                switch (word) {
                    case "True", "true" -> {
                        return F.booleanNode(true);
                    }
                    case "False", "false" -> {
                        return F.booleanNode(false);
                    }
                    case "None", "null" -> {
                        return F.nullNode();
                    }
                    case "" -> throw new SyntaxError("expected a value, found " + describeHere(), pos);
                    default -> throw new SyntaxError("'" + word + "' is not a literal (expected a string, number, True,"
                            + " False, None, list or dict)", start);
                }
            } finally {
                depth--;
            }
        }

        ArrayNode sequence(char open, char close) {
            int start = pos;
            pos++; // open
            ArrayNode arr = F.arrayNode();
            skipSpace();
            while (!tryConsume(close)) {
                if (atEnd()) throw new SyntaxError("'" + open + "' opened here is not closed with '" + close + "'", start);
                arr.add(value());
                skipSpace();
                if (tryConsume(',')) {
                    skipSpace();
                } else if (!atEnd() && peek() != close) {
                    throw new SyntaxError("expected ',' or '" + close + "' in list, found " + describeHere(), pos);
                }
            }
            return arr;
        }

        ObjectNode dict() {
            int start = pos;
            pos++; // {
            ObjectNode obj = F.objectNode();
            skipSpace();
            while (!tryConsume('}')) {
                if (atEnd()) throw new SyntaxError("'{' opened here is not closed with '}'", start);
                int keyAt = pos;
                JsonNode key = value();
                if (!key.isTextual()) {
                    throw new SyntaxError("dict keys must be strings, found " + s.substring(keyAt, pos).strip(), keyAt);
                }
                skipSpace();
                if (!tryConsume(':')) throw new SyntaxError("expected ':' after dict key, found " + describeHere(), pos);
                obj.set(key.textValue(), value());
                skipSpace();
                if (tryConsume(',')) {
                    skipSpace();
                } else if (!atEnd() && peek() != '}') {
                    throw new SyntaxError("expected ',' or '}' in dict, found " + describeHere(), pos);
                }
            }
            return obj;
        }

        JsonNode number() {
            int start = pos;
            if (peek() == '-' || peek() == '+') pos++;
            boolean isFloat = false;
            int digits = 0;
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                if (s.charAt(pos) != '_') digits++;
                pos++;
            }
            if (pos < s.length() && s.charAt(pos) == '.') {
                isFloat = true;
                pos++;
                while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                    if (s.charAt(pos) != '_') digits++;
                    pos++;
                }
            }
            if (digits == 0) throw new SyntaxError("malformed number " + s.substring(start, Math.min(s.length(), pos + 1)), start);
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                isFloat = true;
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
                int expDigits = 0;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    pos++;
                    expDigits++;
                }
                if (expDigits == 0) throw new SyntaxError("malformed exponent in " + s.substring(start, pos), start);
            }
            if (pos < s.length() && (Character.isLetter(s.charAt(pos)) || s.charAt(pos) == '_')) {
                throw new SyntaxError("malformed number " + s.substring(start, pos + 1), start);
            }
            String lit = s.substring(start, pos).replace("_", "");
            if (isFloat) return F.numberNode(Double.parseDouble(lit));
            BigInteger big = new BigInteger(lit.startsWith("+") ? lit.substring(1) : lit);
            return big.bitLength() < 64 ? F.numberNode(big.longValue()) : F.numberNode(big);
        }

        String string(boolean raw) {
            int start = pos;
            char q = peek();
            boolean triple = s.startsWith(String.valueOf(q).repeat(3), pos);
            pos += triple ? 3 : 1;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (atEnd()) throw new SyntaxError("string starting here is not closed", start);
                char c = s.charAt(pos);
                if (c == q && (!triple || s.startsWith(String.valueOf(q).repeat(3), pos))) {
                    pos += triple ? 3 : 1;
                    return out.toString();
                }
                if (c == '\\' && pos + 1 < s.length()) {
                    if (raw) {
                        out.append(c).append(s.charAt(pos + 1));
                        pos += 2;
                    } else {
                        escape(out);
                    }
                    continue;
                }
                out.append(c);
                pos++;
            }
        }

        // Python's escapes; an unknown one keeps its backslash, as Python does.
        void escape(StringBuilder out) {
            int at = pos;
            char e = s.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case '\n' -> {} // line continuation
                case '\\', '\'', '"' -> out.append(e);
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'v' -> out.append('\u000b');
                case 'a' -> out.append('\u0007');
                case 'x' -> out.appendCodePoint(hex(2, at));
                case 'u' -> out.appendCodePoint(hex(4, at));
                case 'U' -> {
                    int cp = hex(8, at);
                    if (cp < 0 || cp > Character.MAX_CODE_POINT) throw new SyntaxError("\\U escape out of Unicode range", at);
                    out.appendCodePoint(cp);
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int i = 0; i < 2 && pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '7'; i++) {
                            v = v * 8 + (s.charAt(pos++) - '0');
                        }
                        out.appendCodePoint(v);
                    } else {
                        out.append('\\').append(e);
                    }
                }
            }
        }

        int hex(int n, int at) {
            if (pos + n > s.length()) throw new SyntaxError("truncated \\" + s.charAt(at + 1) + " escape", at);
            int v = 0;
            for (int i = 0; i < n; i++) {
                int d = Character.digit(s.charAt(pos + i), 16);
                if (d < 0) throw new SyntaxError("bad hex digit in \\" + s.charAt(at + 1) + " escape", at);
                v = v * 16 + d;
            }
            pos += n;
            return v;
        }
    }
}
