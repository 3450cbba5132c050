package io.github.lfm4j.model.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GBNF engine against independent oracles: java.util.regex for regular grammars (random strings over each
 * grammar's alphabet, Unicode included), a recursive-descent parser written here for arithmetic, Jackson for JSON.
 */
class GbnfGrammarTest {

    /** Grammars in llama.cpp's style (the features of its grammars/ files) and the equivalent Java regex. */
    private static final String[][] REGULAR = {
            {"root ::= \"ab\" | [c-e]+ \"x\"?", "ab|[c-e]+x?", "abcdex"},
            {"root ::= [^a-c]{2,4} \"!\"", "[^a-c]{2,4}!", "abxy!é"},
            {"root ::= (\"ab\" | \"a\") (\"b\" \"c\")* [0-9]{3}", "(ab|a)(bc)*[0-9]{3}", "abc0123"},
            {"root ::= x{0,3} y{2,} \n x ::= \"x\" \n y ::= [yz] # a comment", "x{0,3}[yz]{2,}", "xyz"},
            {"root ::= [\\u00e0-\\u00ff\\U0001F600-\\U0001F64F]+ \".\"", "[\\u00e0-\\u00ff\\x{1F600}-\\x{1F64F}]+\\.", "àÿ😀🙏.aé"},
            {"root ::= [^\\x00-\\x7F]? \"-\" .", "[^\\x00-\\x7F]?-(?s:.)", "a-é中😀\n"},
            // llama.cpp's list grammar: bullet lines of anything but line breaks
            {"root ::= item+\nitem ::= \"- \" [^\\r\\n\\x0b\\x0c\\x85\\u2028\\u2029]+ \"\\n\"",
                    "(- [^\\r\\n\\x0b\\x0c\\x85\\u2028\\u2029]+\\n)+", "- a\n\u2028\u0085é"},
            // chess-like moves, as in llama.cpp's chess grammar
            {"root ::= \"1. \" move \" \" move (\" \" [1-9] [0-9]? \". \" move \" \" move)*\n"
                    + "move ::= (pawn | nonpawn | castle) [+#]?\n"
                    + "nonpawn ::= [NBKQR] [a-h]? [1-8]? \"x\"? [a-h] [1-8]\n"
                    + "pawn ::= ([a-h] \"x\")? [a-h] [1-8] (\"=\" [NBKQR])?\n"
                    + "castle ::= \"O-O\" \"-O\"?",
                    "1\\. M M( [1-9][0-9]?\\. M M)*".replace("M",
                            "(?:(?:(?:[a-h]x)?[a-h][1-8](?:=[NBKQR])?|[NBKQR][a-h]?[1-8]?x?[a-h][1-8]|O-O(?:-O)?)[+#]?)"),
                    "e4| |e5|Nf3|x|O-O|-O|+|#| 2. |=Q|9|a", "1. "},
    };

    @Test
    void regularGrammarsAgreeWithJavaRegex() {
        SplittableRandom rnd = new SplittableRandom(16);
        for (String[] c : REGULAR) {
            Grammar g = Grammar.parse(c[0]);
            Pattern p = Pattern.compile(c[1]);
            // the alphabet: code points, or words separated by |
            String[] alphabet = c[2].contains("|") ? c[2].split("\\|", -1)
                    : c[2].codePoints().mapToObj(Character::toString).toArray(String[]::new);
            int matched = 0;
            for (int i = 0; i < 20_000; i++) {
                StringBuilder s = new StringBuilder(c.length > 3 ? c[3] : "");
                int len = rnd.nextInt(12);
                for (int k = 0; k < len; k++) s.append(alphabet[rnd.nextInt(alphabet.length)]);
                boolean expected = p.matcher(s).matches();
                if (expected) matched++;
                assertEquals(expected, g.matches(s.toString()), () -> c[0] + " on " + escape(s.toString()));
            }
            // the random strings must exercise both answers, else the comparison says little
            assertTrue(matched > 0, "no random string matched " + c[1]);
        }
    }

    @Test
    void chessGamesFromMovesMatch() {
        Grammar g = Grammar.parse(REGULAR[7][0]);
        assertTrue(g.matches("1. e4 e5 2. Nf3 Nc6 3. Bb5 a6 4. O-O Nf6 5. exd8=Q+ Kxd8"));
        assertFalse(g.matches("1. e4 e5 2. Ni3"));
    }

    // ---- arithmetic: a recursive grammar, checked by a recursive-descent parser of the same language -----------

    static final String ARITHMETIC = """
            root  ::= (expr "=" ws term "\\n")+
            expr  ::= term ([-+*/] term)*
            term  ::= ident | num | "(" ws expr ")" ws
            ident ::= [a-z] [a-z0-9_]* ws
            num   ::= [0-9]+ ws
            ws    ::= [ \\t]*
            """;

    @Test
    void arithmeticAgreesWithRecursiveDescent() {
        Grammar g = Grammar.parse(ARITHMETIC);
        assertTrue(g.matches("(a+1)*2=x\n"));
        SplittableRandom rnd = new SplittableRandom(7);
        String alphabet = "ab1_(()+-*/= \n";
        int matched = 0;
        for (int i = 0; i < 30_000; i++) {
            StringBuilder s = new StringBuilder();
            int len = 2 + rnd.nextInt(12);
            for (int k = 0; k < len; k++) s.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            if (rnd.nextBoolean()) s.append("=a\n");
            boolean expected = new Arith(s.toString()).root();
            if (expected) matched++;
            assertEquals(expected, g.matches(s.toString()), () -> escape(s.toString()));
        }
        assertTrue(matched > 50, "only " + matched + " random strings were arithmetic");
    }

    /** The arithmetic language by hand: root = (expr '=' ws term '\n')+. */
    static final class Arith {
        private final String s;
        private int p;

        Arith(String s) {
            this.s = s;
        }

        boolean root() {
            int lines = 0;
            while (p < s.length()) {
                if (!expr() || !eat('=')) return false;
                ws();
                if (!term() || !eat('\n')) return false;
                lines++;
            }
            return lines > 0;
        }

        private boolean expr() {
            if (!term()) return false;
            while (p < s.length() && "-+*/".indexOf(s.charAt(p)) >= 0) {
                p++;
                if (!term()) return false;
            }
            return true;
        }

        private boolean term() {
            if (p >= s.length()) return false;
            char c = s.charAt(p);
            if (c >= 'a' && c <= 'z') {
                p++;
                while (p < s.length() && (Character.isLowerCase(s.charAt(p)) || Character.isDigit(s.charAt(p)) || s.charAt(p) == '_')) p++;
                ws();
                return true;
            }
            if (Character.isDigit(c)) {
                while (p < s.length() && Character.isDigit(s.charAt(p))) p++;
                ws();
                return true;
            }
            if (c == '(') {
                p++;
                ws();
                if (!expr() || !eat(')')) return false;
                ws();
                return true;
            }
            return false;
        }

        private void ws() {
            while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) p++;
        }

        private boolean eat(char c) {
            if (p < s.length() && s.charAt(p) == c) {
                p++;
                return true;
            }
            return false;
        }
    }

    // ---- JSON: checked by Jackson on mutations of valid documents -------------------------------------------

    static final String JSON = """
            # JSON in the style of llama.cpp's json.gbnf, completed with null, fractions and exponents
            root   ::= ws value
            value  ::= object | array | string | number | ("true" | "false" | "null") ws

            object ::=
              "{" ws (
                        string ":" ws value
                ("," ws string ":" ws value)*
              )? "}" ws

            array  ::=
              "[" ws (
                        value
                ("," ws value)*
              )? "]" ws

            string ::=
              "\\"" (
                [\\x20\\x21\\x23-\\x5b\\x5d-\\U0010FFFF] | # any code point except " (\\x22) and \\ (\\x5c)
                "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4}) # escapes
              )* "\\"" ws

            number ::= "-"? ([0] | [1-9] [0-9]*) ("." [0-9]+)? ([eE] [-+]? [0-9]+)? ws
            ws     ::= ([ \\t\\n\\r] ws)?
            """;

    @Test
    void jsonGrammarAgreesWithJackson() {
        Grammar g = Grammar.parse(JSON);
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        String[] docs = {"{\"a\": [1, -2.5e3, true, null], \"b\": {\"c\": \"x\\\"y\\u00e9\"}}", "[[], {}, \"\", 0]",
                "  \"héllo 😀\" ", "-0.0E+1", "{\"k\":false}"};
        String noise = "{}[]\":,0123-+.eE \\tnul\u00e9";
        SplittableRandom rnd = new SplittableRandom(3);
        int valid = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder(docs[rnd.nextInt(docs.length)]);
            int edits = rnd.nextInt(3);
            for (int e = 0; e < edits && !s.isEmpty(); e++) {
                int at = rnd.nextInt(s.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> s.deleteCharAt(at);
                    case 1 -> s.insert(at, noise.charAt(rnd.nextInt(noise.length())));
                    default -> s.setCharAt(at, noise.charAt(rnd.nextInt(noise.length())));
                }
            }
            String text = s.toString();
            boolean expected = jacksonAccepts(strict, text);
            if (expected) valid++;
            assertEquals(expected, g.matches(text), () -> escape(text));
        }
        assertTrue(valid > 1000 && valid < 19_000, valid + " valid mutations");
    }

    private static boolean jacksonAccepts(ObjectMapper m, String text) {
        // JSON allows only these four whitespace characters; Jackson skips other controls too
        if (text.isBlank() || text.chars().anyMatch(c -> c < 0x20 && c != ' ' && c != '\t' && c != '\n' && c != '\r')) {
            return false;
        }
        try {
            JsonNode n = m.readTree(text);
            return n != null && !n.isMissingNode();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    @Test
    void prefixesAndCompletion() {
        Grammar g = Grammar.parse("root ::= \"ab\" \"c\"?");
        GrammarMatcher m = new GrammarMatcher(g, null);
        assertFalse(m.isComplete());
        assertTrue(m.accept("ab".getBytes()));
        assertTrue(m.isComplete());
        assertTrue(m.canContinue());
        assertFalse(m.accept("x".getBytes()));
        assertTrue(m.isComplete(), "a refused byte leaves the state as it was");
        assertTrue(m.accept("c".getBytes()));
        assertFalse(m.canContinue());
        // a multi-byte character may arrive one byte at a time
        GrammarMatcher u = new GrammarMatcher(Grammar.parse("root ::= [é]"), null);
        byte[] e = "é".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(u.accept(new byte[]{e[0]}));
        assertFalse(u.isComplete());
        assertTrue(u.accept(new byte[]{e[1]}));
        assertTrue(u.isComplete());
    }

    @Test
    void badGrammarsGiveOneLineErrors() {
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[]{"root ::= foo", "undefined rule 'foo'"});
        cases.add(new String[]{"start ::= \"a\"", "no 'root' rule"});
        cases.add(new String[]{"root ::= root \"a\" | \"b\"", "left-recursive"});
        cases.add(new String[]{"root ::= x \"a\"\nx ::= \"\" | root", "left-recursive"});
        cases.add(new String[]{"root ::= \"abc", "unterminated string"});
        cases.add(new String[]{"root ::= [a-", "unterminated character class"});
        cases.add(new String[]{"root ::= \"\\q\"", "unknown escape"});
        cases.add(new String[]{"root ::= \"a\"{3,1}", "max < min"});
        cases.add(new String[]{"root ::= (\"a\"", "expected ')'"});
        cases.add(new String[]{"root ::= \"a\"\nroot ::= \"b\"", "defined twice"});
        cases.add(new String[]{"root = \"a\"", "expected ::="});
        cases.add(new String[]{"", "no rules"});
        cases.add(new String[]{"root ::= [z-a]", "reversed"});
        for (String[] c : cases) {
            GrammarException e = assertThrows(GrammarException.class, () -> Grammar.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    static String escape(String s) {
        return s.replace("\n", "\\n").replace("\t", "\\t");
    }
}
