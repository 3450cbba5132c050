package io.github.lfm4j.model.grammar;

import io.github.lfm4j.model.chat.tools.ToolDefinition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tool calls in LFM2's syntax with strict arguments: special tokens as grammar elements, Python keyword arguments. */
class ToolCallGrammarTest {
    static final ToolDefinition WEATHER = ToolDefinition.parse("""
            {"type":"function","function":{"name":"get_weather","strict":true,"parameters":{"type":"object",
             "properties":{"city":{"type":"string","maxLength":10},"unit":{"enum":["celsius","fahrenheit"]},
             "days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","unit"],"additionalProperties":false}}}""");
    static final ToolDefinition FREE = ToolDefinition.parse("{\"name\":\"log\",\"parameters\":{\"type\":\"object\"}}");

    /** Feeds text, the call-start token, the call text, the call-end token. */
    private static boolean answer(Grammar g, String before, String call) {
        GrammarMatcher m = new GrammarMatcher(g, null);
        if (!m.accept(before.getBytes(StandardCharsets.UTF_8))) return false;
        if (call == null) return m.isComplete();
        return m.acceptSpecial("<|tool_call_start|>") && m.accept(call.getBytes(StandardCharsets.UTF_8))
                && m.acceptSpecial("<|tool_call_end|>") && m.isComplete() && !m.canContinue();
    }

    @Test
    void strictArgumentsFollowTheSchema() {
        Grammar g = ToolCallGrammar.compile(List.of(WEATHER, FREE));
        assertTrue(g.usesSpecialTokens());
        assertTrue(answer(g, "Let me check. ", "[get_weather(city=\"Paris\", unit=\"celsius\")]"));
        assertTrue(answer(g, "", "[get_weather(city=\"Oslo\",unit=\"fahrenheit\",days=3), log(msg=\"x\", n=[1, {\"a\": null}])]"));
        assertTrue(answer(g, "Just text, no call.", null));
        assertFalse(answer(g, "", "[get_weather(unit=\"celsius\", city=\"Paris\")]"), "order as in the schema");
        assertFalse(answer(g, "", "[get_weather(city=\"Paris\")]"), "unit is required");
        assertFalse(answer(g, "", "[get_weather(city=\"Paris\", unit=\"kelvin\")]"));
        assertFalse(answer(g, "", "[get_weather(city=\"Paris\", unit=\"celsius\", days=9)]"));
        assertFalse(answer(g, "", "[get_weather(city=\"Paris\", unit=\"celsius\", extra=1)]"));
        assertFalse(answer(g, "", "[unknown_tool()]"));
        // Python does not know JSON's \/ escape, so a strict string never uses it
        assertFalse(answer(g, "", "[get_weather(city=\"a\\/b\", unit=\"celsius\")]"));
    }

    @Test
    void schemasAToolCallCannotFollowAreErrors() {
        ToolDefinition dashed = ToolDefinition.parse("{\"name\":\"f\",\"strict\":true,\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"not-an-identifier\":{\"type\":\"string\"}}}}");
        GrammarException e = assertThrows(GrammarException.class, () -> ToolCallGrammar.compile(List.of(dashed)));
        assertTrue(e.getMessage().contains("not a Python identifier"), e.getMessage());
        ToolDefinition open = ToolDefinition.parse("{\"name\":\"f\",\"strict\":true,\"parameters\":{\"type\":\"object\","
                + "\"additionalProperties\":true}}");
        assertTrue(assertThrows(GrammarException.class, () -> ToolCallGrammar.compile(List.of(open))).getMessage()
                .contains("additionalProperties"));
        assertEquals(false, ToolCallGrammar.isStrict(FREE));
    }
}
