package io.github.lfm4j.model.grammar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses llama.cpp's GBNF: {@code name ::= alternatives} rules (a rule ends at a newline that is not inside
 * parentheses and does not follow {@code ::=} or {@code |}), {@code |}, {@code ( )}, {@code ? * +},
 * {@code {m}}, {@code {m,}}, {@code {m,n}}, {@code "literals"}, {@code [classes]} with ranges and {@code ^},
 * {@code .}, special tokens by their text ({@code <|tool_call_start|>}), {@code # comments}, and the backslash escapes n, r, t, backslash, quote, brackets, xHH, uHHHH and UHHHHHHHH.
 * Errors are one line with the line number.
 */
final class GbnfParser {
    /** Repetition counts above this are refused: each repetition becomes its own copy of the item. */
    static final int MAX_REPEAT = 10_000;

    private final String src;
    private int pos, line = 1;

    private GbnfParser(String src) {
        this.src = src;
    }

    /** The rules in the order they are defined. */
    static Map<String, GbnfNode> parse(String text) {
        if (text == null) throw new GrammarException("grammar: no text");
        GbnfParser p = new GbnfParser(text);
        Map<String, GbnfNode> rules = new LinkedHashMap<>();
        p.space(true);
        while (p.pos < p.src.length()) {
            int ruleLine = p.line;
            String name = p.name();
            if (name.isEmpty()) throw p.error("expected a rule name");
            p.space(false);
            if (!p.src.startsWith("::=", p.pos)) throw p.error("expected ::= after rule name '" + name + "'");
            p.pos += 3;
            p.space(true);
            GbnfNode body = p.alternatives(false);
            if (p.pos < p.src.length() && p.src.charAt(p.pos) != '\n' && p.src.charAt(p.pos) != '\r') {
                throw p.error("unexpected '" + p.src.charAt(p.pos) + "'");
            }
            if (rules.putIfAbsent(name, body) != null) {
                throw new GrammarException("grammar: line " + ruleLine + ": rule '" + name + "' is defined twice");
            }
            p.space(true);
        }
        if (rules.isEmpty()) throw new GrammarException("grammar: no rules");
        return rules;
    }

    private GbnfNode alternatives(boolean nested) {
        List<GbnfNode> options = new ArrayList<>();
        options.add(sequence(nested));
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            space(true);
            options.add(sequence(nested));
        }
        return options.size() == 1 ? options.getFirst() : new GbnfNode.Alt(options);
    }

    private GbnfNode sequence(boolean nested) {
        List<GbnfNode> items = new ArrayList<>();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            GbnfNode item;
            if (c == '"') {
                pos++;
                List<Integer> cps = new ArrayList<>();
                while (true) {
                    if (pos >= src.length() || src.charAt(pos) == '\n') throw error("unterminated string literal");
                    if (src.charAt(pos) == '"') break;
                    cps.add(character());
                }
                pos++;
                item = new GbnfNode.Literal(cps.stream().mapToInt(Integer::intValue).toArray());
            } else if (c == '[') {
                item = charClass();
            } else if (c == '.') {
                pos++;
                item = new GbnfNode.Any();
            } else if (c == '(') {
                pos++;
                space(true);
                item = alternatives(true);
                if (pos >= src.length() || src.charAt(pos) != ')') throw error("expected ')'");
                pos++;
            } else if (isNameChar(c)) {
                int refLine = line;
                String name = name();
                // the next rule's "name ::=" on a following line ends this one (it was already ended by the newline
                // unless we are nested, where a rule definition cannot appear)
                item = new GbnfNode.Ref(name, refLine);
            } else if (c == '<') {
                // a special token by its text: <|tool_call_start|>, <think>
                int close = src.indexOf('>', pos);
                int nl = src.indexOf('\n', pos);
                if (close < 0 || (nl >= 0 && nl < close) || close == pos + 1) throw error("unterminated token reference <...>");
                String text = src.substring(pos, close + 1);
                if (text.startsWith("<[")) throw error("token references by id " + text + " are not supported (use the token's text)");
                pos = close + 1;
                item = new GbnfNode.Token(text);
            } else {
                break;
            }
            space(nested);
            item = postfix(item, nested);
            items.add(item);
        }
        return items.size() == 1 ? items.getFirst() : new GbnfNode.Seq(items);
    }

    private GbnfNode postfix(GbnfNode item, boolean nested) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '*') item = new GbnfNode.Repeat(item, 0, -1);
            else if (c == '+') item = new GbnfNode.Repeat(item, 1, -1);
            else if (c == '?') item = new GbnfNode.Repeat(item, 0, 1);
            else if (c == '{') {
                pos++;
                space(nested);
                int min = src.charAt(pos) == ',' ? 0 : integer();
                space(nested);
                int max = min;
                if (pos < src.length() && src.charAt(pos) == ',') {
                    pos++;
                    space(nested);
                    max = pos < src.length() && Character.isDigit(src.charAt(pos)) ? integer() : -1;
                    space(nested);
                }
                if (pos >= src.length() || src.charAt(pos) != '}') throw error("expected '}' in repetition");
                if (max >= 0 && max < min) throw error("repetition {" + min + "," + max + "} has max < min");
                item = new GbnfNode.Repeat(item, min, max);
            } else break;
            pos++;
            space(nested);
        }
        return item;
    }

    private int integer() {
        int start = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
        if (start == pos) throw error("expected a number in repetition");
        if (pos - start > 6 || Integer.parseInt(src.substring(start, pos)) > MAX_REPEAT) {
            throw error("repetition count above " + MAX_REPEAT);
        }
        return Integer.parseInt(src.substring(start, pos));
    }

    private GbnfNode charClass() {
        pos++; // [
        boolean negated = pos < src.length() && src.charAt(pos) == '^';
        if (negated) pos++;
        List<Integer> ranges = new ArrayList<>();
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') throw error("unterminated character class");
            if (src.charAt(pos) == ']') break;
            int lo = character(), hi = lo;
            if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                pos++;
                hi = character();
                if (hi < lo) throw error("character range " + show(lo) + "-" + show(hi) + " is reversed");
            }
            ranges.add(lo);
            ranges.add(hi);
        }
        pos++;
        return new GbnfNode.CharClass(ranges.stream().mapToInt(Integer::intValue).toArray(), negated);
    }

    /** One character of a literal or class, escapes resolved. */
    private int character() {
        int c = src.codePointAt(pos);
        if (c != '\\') {
            pos += Character.charCount(c);
            return c;
        }
        if (pos + 1 >= src.length()) throw error("escape at end of input");
        char e = src.charAt(pos + 1);
        pos += 2;
        return switch (e) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            case '\\', '"', '[', ']', '-', '^', '/', '.', '|', '(', ')', '*', '+', '?', '{', '}' -> e;
            default -> throw error("unknown escape \\" + e);
        };
    }

    private int hex(int digits) {
        if (pos + digits > src.length()) throw error("expected " + digits + " hex digits");
        int v = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(src.charAt(pos + i), 16);
            if (d < 0) throw error("expected " + digits + " hex digits");
            v = v * 16 + d;
        }
        pos += digits;
        if (v > Character.MAX_CODE_POINT || (v >= 0xD800 && v <= 0xDFFF)) throw error("escape " + show(v) + " is no Unicode scalar value");
        return v;
    }

    private String name() {
        int start = pos;
        while (pos < src.length() && isNameChar(src.charAt(pos))) pos++;
        return src.substring(start, pos);
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** Skips blanks and comments; newlines too when {@code newlines} (inside parentheses, after ::= and |). */
    private void space(boolean newlines) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t') pos++;
            else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') pos++;
            } else if (newlines && (c == '\n' || c == '\r')) {
                if (c == '\n') line++;
                pos++;
            } else break;
        }
    }

    private static String show(int cp) {
        return String.format("U+%04X", cp);
    }

    private GrammarException error(String what) {
        return new GrammarException("grammar: line " + line + ": " + what);
    }
}
