package io.github.lfm4j.model.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * A JSON Schema {@code pattern} (ECMA-262 regex) as a GBNF expression over the JSON text of a string's content:
 * characters that JSON must escape ({@code "} and backslash) are written escaped. The subset: literal characters,
 * {@code .}, escapes {@code \d \w \s \D \W \S \t \n \r u+4 hex digits} and escaped metacharacters, classes {@code [a-z]}
 * and {@code [^...]} (with {@code \d \w \s} inside), groups {@code ( )}, {@code (?: )}, {@code (?<name> )},
 * {@code |}, the quantifiers {@code ? * + {m} {m,} {m,n}} (lazy or not: the language is the same), and the anchors
 * {@code ^} at the start and {@code $} at the end (a side without its anchor may have any text, as the pattern is
 * a search). Control characters are never produced (a subset of what the pattern allows, so outputs still match).
 * Anything else (lookaround, backreferences, {@code \b}) is an error naming it.
 */
final class PatternGrammar {
    private final String p;
    private final String where;
    private int pos;

    private PatternGrammar(String pattern, String where) {
        this.p = pattern;
        this.where = where;
    }

    /** @param anyChar the GBNF rule name for one JSON string character (used for unanchored ends) */
    static String convert(String pattern, String where, String anyChar) {
        PatternGrammar g = new PatternGrammar(pattern, where);
        boolean start = pattern.startsWith("^");
        if (start) g.pos = 1;
        String body = g.alternation();
        boolean end = false;
        if (g.pos < pattern.length() && pattern.charAt(g.pos) == '$' && g.pos == pattern.length() - 1) {
            end = true;
            g.pos++;
        }
        if (g.pos < pattern.length()) throw g.error("unexpected '" + pattern.charAt(g.pos) + "'");
        return (start ? "" : anyChar + "* ") + "(" + body + ")" + (end ? "" : " " + anyChar + "*");
    }

    private String alternation() {
        List<String> alts = new ArrayList<>();
        alts.add(sequence());
        while (pos < p.length() && p.charAt(pos) == '|') {
            pos++;
            alts.add(sequence());
        }
        return String.join(" | ", alts);
    }

    private String sequence() {
        StringBuilder out = new StringBuilder();
        while (pos < p.length()) {
            char c = p.charAt(pos);
            if (c == '|' || c == ')') break;
            if (c == '$') {
                if (pos == p.length() - 1) break;
                throw error("'$' is only supported at the end");
            }
            String atom = atom();
            atom = quantifier(atom);
            if (!out.isEmpty()) out.append(' ');
            out.append(atom);
        }
        return out.isEmpty() ? "\"\"" : out.toString();
    }

    private String atom() {
        char c = p.charAt(pos);
        switch (c) {
            case '(' -> {
                pos++;
                if (p.startsWith("?:", pos)) pos += 2;
                else if (p.startsWith("?<", pos) && pos + 2 < p.length() && p.charAt(pos + 2) != '=' && p.charAt(pos + 2) != '!') {
                    int close = p.indexOf('>', pos);
                    if (close < 0) throw error("unterminated group name");
                    pos = close + 1;
                } else if (pos < p.length() && p.charAt(pos) == '?') {
                    throw error("lookaround groups (?...) are not supported");
                }
                String inner = alternation();
                if (pos >= p.length() || p.charAt(pos) != ')') throw error("missing ')'");
                pos++;
                return "(" + inner + ")";
            }
            case '[' -> {
                return charClass();
            }
            case '.' -> {
                pos++;
                return classExpr(new int[]{0, '\n' - 1, '\n' + 1, Utf8Ranges.MAX}, false);
            }
            case '^' -> throw error("'^' is only supported at the start");
            case '*', '+', '?', '{' -> throw error("quantifier '" + c + "' without anything to repeat");
            case '\\' -> {
                pos++;
                int[] cls = classEscape();
                if (cls != null) return classExpr(cls, false);
                int[] neg = negatedClassEscape();
                if (neg != null) return classExpr(neg, true);
                return literal(escapedChar());
            }
            default -> {
                int cp = p.codePointAt(pos);
                pos += Character.charCount(cp);
                return literal(cp);
            }
        }
    }

    private String quantifier(String atom) {
        if (pos >= p.length()) return atom;
        char c = p.charAt(pos);
        String q;
        if (c == '*' || c == '+' || c == '?') {
            pos++;
            q = String.valueOf(c);
        } else if (c == '{') {
            int close = p.indexOf('}', pos);
            if (close < 0) throw error("unterminated {m,n}");
            String inside = p.substring(pos + 1, close);
            if (!inside.matches("\\d+(,\\d*)?")) throw error("bad quantifier {" + inside + "}");
            pos = close + 1;
            q = "{" + inside + "}";
        } else return atom;
        if (pos < p.length() && p.charAt(pos) == '?') pos++; // lazy: the same strings
        if (pos < p.length() && (p.charAt(pos) == '*' || p.charAt(pos) == '+' || p.charAt(pos) == '{')) {
            throw error("a quantifier cannot follow a quantifier");
        }
        return "(" + atom + ")" + q;
    }

    private String charClass() {
        pos++; // [
        boolean negated = pos < p.length() && p.charAt(pos) == '^';
        if (negated) pos++;
        List<Integer> ranges = new ArrayList<>();
        boolean first = true;
        while (true) {
            if (pos >= p.length()) throw error("unterminated character class");
            char c = p.charAt(pos);
            if (c == ']' && !first) break;
            first = false;
            int lo;
            if (c == '\\') {
                pos++;
                int[] cls = classEscape();
                if (cls != null) {
                    for (int v : cls) ranges.add(v);
                    continue;
                }
                if (negatedClassEscape() != null) throw error("\\D, \\W, \\S inside a class are not supported");
                lo = escapedChar();
            } else {
                lo = p.codePointAt(pos);
                pos += Character.charCount(lo);
            }
            int hi = lo;
            if (pos + 1 < p.length() && p.charAt(pos) == '-' && p.charAt(pos + 1) != ']') {
                pos++;
                if (p.charAt(pos) == '\\') {
                    pos++;
                    hi = escapedChar();
                } else {
                    hi = p.codePointAt(pos);
                    pos += Character.charCount(hi);
                }
                if (hi < lo) throw error("reversed range in class");
            }
            ranges.add(lo);
            ranges.add(hi);
        }
        pos++;
        return classExpr(ranges.stream().mapToInt(Integer::intValue).toArray(), negated);
    }

    /** \d \w \s as ranges (after the backslash), or null (nothing consumed). */
    private int[] classEscape() {
        if (pos >= p.length()) throw error("escape at the end");
        int[] r = switch (p.charAt(pos)) {
            case 'd' -> DIGIT;
            case 'w' -> WORD;
            case 's' -> SPACE;
            default -> null;
        };
        if (r != null) pos++;
        return r;
    }

    private int[] negatedClassEscape() {
        int[] r = switch (p.charAt(pos)) {
            case 'D' -> DIGIT;
            case 'W' -> WORD;
            case 'S' -> SPACE;
            default -> null;
        };
        if (r != null) pos++;
        return r;
    }

    private static final int[] DIGIT = {'0', '9'};
    private static final int[] WORD = {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
    private static final int[] SPACE = {' ', ' ', '\t', '\r', 0xA0, 0xA0};

    private int escapedChar() {
        char c = p.charAt(pos++);
        return switch (c) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'u' -> {
                if (pos + 4 > p.length()) throw error("\\u needs four hex digits");
                try {
                    int v = Integer.parseInt(p.substring(pos, pos + 4), 16);
                    pos += 4;
                    yield v;
                } catch (NumberFormatException e) {
                    throw error("\\u needs four hex digits");
                }
            }
            case 'b', 'B' -> throw error("word boundaries \\" + c + " are not supported");
            default -> {
                if (Character.isLetterOrDigit(c)) throw error("escape \\" + c + " is not supported");
                yield c;
            }
        };
    }

    /**
     * A class as GBNF: the characters JSON writes as themselves in one GBNF class, {@code "} and backslash as their
     * escapes; control characters left out.
     */
    private String classExpr(int[] ranges, boolean negated) {
        int[] norm = Utf8Ranges.normalize(ranges, negated);
        boolean quote = contains(norm, '"'), backslash = contains(norm, '\\');
        int[] plain = Utf8Ranges.normalize(subtract(norm), false);
        List<String> alts = new ArrayList<>();
        if (plain.length > 0) {
            StringBuilder cls = new StringBuilder("[");
            for (int i = 0; i < plain.length; i += 2) {
                cls.append(classChar(plain[i]));
                if (plain[i + 1] != plain[i]) cls.append('-').append(classChar(plain[i + 1]));
            }
            alts.add(cls.append(']').toString());
        }
        if (quote) alts.add("\"\\\\\\\"\"");
        if (backslash) alts.add("\"\\\\\\\\\"");
        if (alts.isEmpty()) throw error("a character class that matches nothing JSON can write");
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    /** Removes controls, {@code "} and backslash (as pairs to append and re-normalize by the caller). */
    private static int[] subtract(int[] norm) {
        List<Integer> out = new ArrayList<>();
        int[][] holes = {{0, 0x1F}, {'"', '"'}, {'\\', '\\'}, {0x7F, 0x9F}};
        for (int i = 0; i < norm.length; i += 2) {
            List<int[]> pieces = new ArrayList<>();
            pieces.add(new int[]{norm[i], norm[i + 1]});
            for (int[] h : holes) {
                List<int[]> next = new ArrayList<>();
                for (int[] r : pieces) {
                    if (r[1] < h[0] || r[0] > h[1]) next.add(r);
                    else {
                        if (r[0] < h[0]) next.add(new int[]{r[0], h[0] - 1});
                        if (r[1] > h[1]) next.add(new int[]{h[1] + 1, r[1]});
                    }
                }
                pieces = next;
            }
            for (int[] r : pieces) {
                out.add(r[0]);
                out.add(r[1]);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean contains(int[] norm, int cp) {
        for (int i = 0; i < norm.length; i += 2) if (cp >= norm[i] && cp <= norm[i + 1]) return true;
        return false;
    }

    private static String classChar(int cp) {
        if (cp == ']' || cp == '[' || cp == '\\' || cp == '-' || cp == '^' || cp == '"') return "\\" + (char) cp;
        if (cp < 0x20 || cp == 0x7F) return String.format("\\x%02X", cp);
        return new String(Character.toChars(cp));
    }

    /** One character as the GBNF literal of its JSON spelling. */
    private String literal(int cp) {
        if (cp == '"') return "\"\\\\\\\"\"";
        if (cp == '\\') return "\"\\\\\\\\\"";
        if (cp < 0x20) throw error("control character U+" + String.format("%04X", cp) + " in a pattern is not supported");
        return JsonSchemaConverter.gbnfLiteral(new String(Character.toChars(cp)));
    }

    private GrammarException error(String what) {
        return new GrammarException("json schema: pattern " + JsonSchemaConverter.quote(p) + " at " + where + ": " + what);
    }
}
