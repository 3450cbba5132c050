package io.github.lfm4j.model.chat.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ToolCallParserTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String S = "<|tool_call_start|>";
    private static final String E = "<|tool_call_end|>";

    /** Calls rendered as {@code name json; name json} with Jackson's compact JSON, for comparison. */
    private static String show(List<ToolCall> calls) {
        return calls.stream().map(c -> {
            try {
                return c.name() + " " + M.writeValueAsString(c.arguments());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.joining("; "));
    }

    static Stream<Arguments> wellFormed() {
        return Stream.of(
                Arguments.of("plain text, no calls", "plain text, no calls", ""),
                Arguments.of(S + "[get_weather(city=\"Paris\", days=3)]" + E, "", "get_weather {\"city\":\"Paris\",\"days\":3}"),
                Arguments.of(S + "[get_weather(city=\"Paris\", days=3), other(x=[1,2])]" + E + "Checking.",
                        "Checking.", "get_weather {\"city\":\"Paris\",\"days\":3}; other {\"x\":[1,2]}"),
                Arguments.of("Before " + S + "[f()]" + E + " middle " + S + "[g(a=1)]" + E + " after",
                        "Before  middle  after", "f {}; g {\"a\":1}"),
                Arguments.of(S + "[f(s='single', d=\"double\", e='it\\'s', q=\"say \\\"hi\\\"\")]" + E, "",
                        "f {\"s\":\"single\",\"d\":\"double\",\"e\":\"it's\",\"q\":\"say \\\"hi\\\"\"}"),
                Arguments.of(S + "[f(a=\"line1\\nline2\\ttab\\\\back\", b='\\u00e9\\U0001F600\\x41', c='\\101\\0', d='\\q')]" + E, "",
                        "f {\"a\":\"line1\\nline2\\ttab\\\\back\",\"b\":\"é😀A\",\"c\":\"A\\u0000\",\"d\":\"\\\\q\"}"),
                Arguments.of(S + "[f(a=r'C:\\path\\n', b=\"\"\"multi\n\"quoted\" line\"\"\", c=u'x')]" + E, "",
                        "f {\"a\":\"C:\\\\path\\\\n\",\"b\":\"multi\\n\\\"quoted\\\" line\",\"c\":\"x\"}"),
                Arguments.of(S + "[n(i=-42, big=123456789012345678901234567890, f=3.5, g=-0.25, h=1e-7, k=2.5E+3, l=.5, m=5., n=+7, o=1_000)]" + E, "",
                        "n {\"i\":-42,\"big\":123456789012345678901234567890,\"f\":3.5,\"g\":-0.25,\"h\":1.0E-7,\"k\":2500.0,\"l\":0.5,\"m\":5.0,\"n\":7,\"o\":1000}"),
                Arguments.of(S + "[b(t=True, f=False, n=None, jt=true, jf=false, jn=null)]" + E, "",
                        "b {\"t\":true,\"f\":false,\"n\":null,\"jt\":true,\"jf\":false,\"jn\":null}"),
                Arguments.of(S + "[nest(cfg={\"a\": [1, {\"b\": (2, 3)}], 'c': {}}, empty=[], tup=(1,), trail=[1, 2,],)]" + E, "",
                        "nest {\"cfg\":{\"a\":[1,{\"b\":[2,3]}],\"c\":{}},\"empty\":[],\"tup\":[1],\"trail\":[1,2]}"),
                Arguments.of(S + "[traducir(texto=\"¿Dónde está la biblioteca? 图书馆在哪里？ مكتبة\", emoji='👩‍💻🚀', 名前=\"値\")]" + E + "¡Listo! ✅",
                        "¡Listo! ✅", "traducir {\"texto\":\"¿Dónde está la biblioteca? 图书馆在哪里？ مكتبة\",\"emoji\":\"👩‍💻🚀\",\"名前\":\"値\"}"),
                Arguments.of(S + "  [ spaced ( a = 1 ,  b = [ 1 , 2 ] ) ]  " + E, "", "spaced {\"a\":1,\"b\":[1,2]}"),
                Arguments.of(S + "single(x=1)" + E, "", "single {\"x\":1}"),
                Arguments.of(S + "[api.v2.search(q=\"x\")]" + E, "", "api.v2.search {\"q\":\"x\"}"),
                Arguments.of(S + "[]" + E + "nothing to call", "nothing to call", ""),
                Arguments.of(S + "[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]" + E, "", "get_weather {\"city\":\"Paris\"}"),
                Arguments.of(S + "{\"name\": \"f\", \"arguments\": \"{\\\"x\\\": 1}\"}" + E, "", "f {\"x\":1}"),
                Arguments.of("Answer first. " + S + "[f(x=1)]", "Answer first. ", "f {\"x\":1}"),
                Arguments.of(S + "[f(s=\"a ) ] , ( [ = b\")]" + E, "", "f {\"s\":\"a ) ] , ( [ = b\"}"),
                Arguments.of(S + "[f(eq=\"a==b\", x=[[[]]])]" + E, "", "f {\"eq\":\"a==b\",\"x\":[[[]]]}"));
    }

    @ParameterizedTest
    @MethodSource("wellFormed")
    void parsesWellFormed(String text, String content, String calls) {
        ToolCallParseResult r = ToolCallParser.parse(text);
        assertEquals(List.of(), r.errors());
        assertEquals(content, r.content());
        assertEquals(calls, show(r.calls()));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(S + "[get_weather(\"Paris\", days=3)]" + E, "positional argument 1 (\"Paris\") in call to get_weather is not supported"),
                Arguments.of(S + "[f(a=1, 2)]" + E, "positional argument 1 (2) in call to f"),
                Arguments.of(S + "[f(a=1]" + E, "expected ',' or ')' in call to f, found ']'"),
                Arguments.of(S + "[f(a=\"unterminated)]" + E, "string starting here is not closed"),
                Arguments.of(S + "[f(a=foo)]" + E, "'foo' is not a literal"),
                Arguments.of(S + "[f(a=1, a=2)]" + E, "argument a given twice in call to f"),
                Arguments.of(S + "[f(a={1: 2})]" + E, "dict keys must be strings, found 1"),
                Arguments.of(S + "[f(a=[1, 2)]" + E, "expected ',' or ']' in list, found ')]'"),
                Arguments.of(S + "[f(a=1) g(b=2)]" + E, "expected ',' or ']' after call f, found 'g(b=2)]'"),
                Arguments.of(S + "[f(a=1)] trailing" + E, "unexpected text after the calls: 'trailing'"),
                Arguments.of(S + "[(a=1)]" + E, "expected a function name, found '(a=1)]'"),
                Arguments.of(S + "[f a=1]" + E, "expected '(' after function name f, found 'a=1]'"),
                Arguments.of(S + "   " + E, "empty tool call block"),
                Arguments.of(S + "[f(a=1e)]" + E, "malformed exponent in 1e"),
                Arguments.of(S + "[f(a=12abc)]" + E, "malformed number 12a"),
                Arguments.of(S + "[f(a='\\x4')]" + E, "bad hex digit in \\x escape"),
                Arguments.of(S + "[f(a=" + "[".repeat(100) + "]" + E, "values nested deeper than 64 levels"),
                Arguments.of(S + "[{\"name\": \"f\", \"arguments\": [1]}]" + E, "arguments of f must be a JSON object, got ARRAY"),
                Arguments.of(S + "[{\"arguments\": {}}]" + E, "JSON tool call has no \"name\" string"),
                Arguments.of(S + "{\"name\": \"f\", " + E, "tool call block looks like JSON but is not valid JSON"),
                Arguments.of(S + "[get_weather(city=\"Par", "string starting here is not closed (block not closed by <|tool_call_end|>)"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedBlocksBecomeErrorsNotExceptions(String text, String messagePart) {
        ToolCallParseResult r = ToolCallParser.parse("Hi. " + text + " Bye.");
        assertEquals(1, r.errors().size(), r.toString());
        ToolCallParseError err = r.errors().getFirst();
        assertTrue(err.message().contains(messagePart), err.message());
        assertFalse(err.message().contains("\n"));
        assertTrue(err.offset() >= 4 + S.length() && err.offset() <= r.content().length() + text.length() + 10, err.toString());
        assertTrue(r.calls().isEmpty());
        assertTrue(r.content().startsWith("Hi. "));
    }

    @Test
    void goodBlocksSurviveABadOne() {
        ToolCallParseResult r = ToolCallParser.parse(S + "[a(x=1)]" + E + "mid" + S + "[b(1)]" + E + S + "[c(y=2)]" + E);
        assertEquals("a {\"x\":1}; c {\"y\":2}", show(r.calls()));
        assertEquals(1, r.errors().size());
        assertEquals("[b(1)]", r.errors().getFirst().block());
        assertEquals("mid", r.content());
    }

    @Test
    void formatterOutputParsesBackToTheSameCalls() throws Exception {
        List<ToolCall> calls = List.of(
                new ToolCall("get_weather", (com.fasterxml.jackson.databind.node.ObjectNode) M.readTree(
                        "{\"city\": \"São Paulo \\\"SP\\\"\\n\\\\ 🌧\", \"days\": 3, \"temp\": -1.5e-7, \"ok\": true, \"x\": null,"
                                + " \"list\": [1, \"two\", [3.0], {\"k\": \"v\"}], \"big\": 123456789012345678901234567890, \"ctl\": \"\\u0001\\u007f\"}")),
                new ToolCall("noargs", M.createObjectNode()));
        String text = ToolCallFormatter.format(calls);
        assertEquals(S + "[get_weather(city=\"São Paulo \\\"SP\\\"\\n\\\\ 🌧\", days=3, temp=-1.5e-07, ok=True, x=None, "
                + "list=[1, \"two\", [3.0], {\"k\": \"v\"}], big=123456789012345678901234567890, ctl=\"\\x01\\x7f\"), noargs()]" + E, text);
        ToolCallParseResult r = ToolCallParser.parse(text);
        assertEquals(List.of(), r.errors());
        assertEquals(show(calls), show(r.calls()));
    }

    /** Random block bodies: no exception escapes, no block leaks into content, accepted calls round-trip. */
    @Test
    void randomGarbageNeverThrows() {
        java.util.Random rnd = new java.util.Random(42);
        String alphabet = "[](){}=,'\"\\ abcxyz019.-+eE_:#\n" + S;
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder(S);
            int n = rnd.nextInt(40);
            for (int j = 0; j < n; j++) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            if (rnd.nextBoolean()) sb.append(E);
            ToolCallParseResult r = ToolCallParser.parse(sb.toString());
            assertFalse(r.content().contains(S), sb.toString());
            if (r.hasCalls()) {
                assertEquals(show(r.calls()), show(ToolCallParser.parse(ToolCallFormatter.format(r.calls())).calls()));
            }
        }
    }
}
