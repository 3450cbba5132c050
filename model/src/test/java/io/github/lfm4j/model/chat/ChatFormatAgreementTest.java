package io.github.lfm4j.model.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.chat.jinja.JinjaChatTemplate;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The plain-Java formatter and Liquid's own Jinja templates (rendered by jinjava) must give identical prompts. */
class ChatFormatAgreementTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final JinjaChatTemplate LFM25 = JinjaChatTemplate.lfm25();
    private static final JinjaChatTemplate LFM2 = JinjaChatTemplate.lfm2();
    private static final JinjaChatTemplate HUB = JinjaChatTemplate.lfm25Hub();


    record Case(String name, List<ChatMessage> messages, List<ToolDefinition> tools) {
        @Override
        public String toString() {
            return name;
        }
    }

    static ObjectNode obj(String json) {
        try {
            return (ObjectNode) M.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static final ToolDefinition WEATHER = ToolDefinition.parse("""
            {"name": "get_weather", "description": "Current weather for a city",
             "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name, e.g. Zürich"},
             "days": {"type": "integer", "minimum": 1, "maximum": 14}, "threshold": {"type": "number", "default": 0.00001}},
             "required": ["city"]}}""");
    static final ToolDefinition OPENAI_STYLE = ToolDefinition.parse("""
            {"type": "function", "function": {"name": "search", "description": "Busca en la web \\"exacta\\"\\nsegunda línea",
             "parameters": {"type": "object", "properties": {"q": {"type": "string"}, "limit": {"type": "integer", "default": 10},
             "safe": {"type": "boolean", "default": true}, "lang": {"enum": ["en", "日本語", null]}}}}}""");

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("single user", List.of(ChatMessage.user("What is C. elegans?")), List.of()));
        cases.add(new Case("system + user", List.of(
                ChatMessage.system("You are a helpful assistant trained by Liquid AI."),
                ChatMessage.user("Hello!")), List.of()));
        cases.add(new Case("multi-turn with thinking history", List.of(
                ChatMessage.system("Be brief."),
                ChatMessage.user("2+2?"),
                ChatMessage.assistant("The user asks a sum. 2+2=4.", "\n\n4"),
                ChatMessage.user("and 3+3?"),
                ChatMessage.assistant("3+3 = 6", "  6 \n"),
                ChatMessage.user("thanks")), List.of()));
        cases.add(new Case("last assistant keeps thinking (continuation)", List.of(
                ChatMessage.user("q1"),
                ChatMessage.assistant("old reasoning", "a1"),
                ChatMessage.user("q2"),
                ChatMessage.assistant("new reasoning", "a2")), List.of()));
        cases.add(new Case("thinking inline in content, several closes", List.of(
                ChatMessage.user("x"),
                ChatMessage.assistant("<think>a</think>b</think>\u3000 answer\u00a0\n"),
                ChatMessage.user("y")), List.of()));
        cases.add(new Case("no system, tools only", List.of(ChatMessage.user("Weather in Paris?")), List.of(WEATHER)));
        cases.add(new Case("system + two tools", List.of(
                ChatMessage.system("You can call tools."),
                ChatMessage.user("Busca \"gatos\" 🐈")), List.of(WEATHER, OPENAI_STYLE)));
        cases.add(new Case("tool call round trip", List.of(
                ChatMessage.system("Use tools when needed."),
                ChatMessage.user("Weather in Paris for 3 days?"),
                ChatMessage.assistantToolCalls("Need the weather tool.",
                        List.of(new ToolCall("get_weather", obj("{\"city\": \"Paris\", \"days\": 3}"), "call_1")), ""),
                ChatMessage.tool("get_weather", "call_1", "{\"temp_c\": 21.5, \"sky\": \"clear\"}"),
                ChatMessage.assistant("It is 21.5 °C and clear.")), List.of(WEATHER)));
        cases.add(new Case("parallel calls then text", List.of(
                ChatMessage.user("Paris and Tokyo?"),
                ChatMessage.assistantToolCalls(null, List.of(
                        new ToolCall("get_weather", obj("{\"city\": \"Paris\"}")),
                        new ToolCall("get_weather", obj("{\"city\": \"東京\", \"days\": 2, \"units\": [\"c\", \"f\"], \"x\": null, \"ok\": true, \"f\": 1e-7}"))),
                        "Checking both."),
                ChatMessage.tool("get_weather", null, "sunny"),
                ChatMessage.tool("get_weather", null, "晴れ"),
                ChatMessage.user("Merci !")), List.of(WEATHER)));
        cases.add(new Case("multilingual and emoji", List.of(
                ChatMessage.system("Réponds en français. 日本語も可。 مرحبا"),
                ChatMessage.user("Qu'est-ce que l'IA ? 🤖👩‍💻 — \"quotes\" and \\backslash\\"),
                ChatMessage.assistant("Penser… 🤔", "L'IA est… 🧠"),
                ChatMessage.user("한국어로 설명해 주세요")), List.of()));
        cases.add(new Case("system not first is a plain turn", List.of(
                ChatMessage.user("hi"),
                ChatMessage.system("late system"),
                ChatMessage.user("again")), List.of()));
        cases.add(new Case("empty contents", List.of(
                ChatMessage.system(""),
                ChatMessage.user(""),
                ChatMessage.assistant(""),
                ChatMessage.user("")), List.of()));
        List<Arguments> args = new ArrayList<>();
        for (Case c : cases) {
            for (boolean gen : new boolean[] {true, false}) {
                for (boolean keep : new boolean[] {false, true}) {
                    args.add(Arguments.of(c, new ChatFormatOptions(gen, keep, ChatFormatOptions.LFM2_BOS,
                            java.time.LocalDate.of(2026, 2, 28))));
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void lfm25JavaMatchesJinja(Case c, ChatFormatOptions options) {
        String jinja = LFM25.format(c.messages(), c.tools(), options);
        String java = Lfm2ChatFormatter.lfm25().format(c.messages(), c.tools(), options);
        assertEquals(jinja, java);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void lfm2JavaMatchesJinja(Case c, ChatFormatOptions options) {
        String jinja = LFM2.format(c.messages(), c.tools(), options);
        String java = new Lfm2ChatFormatter(Lfm2ChatFormatter.Variant.LFM2).format(c.messages(), c.tools(), options);
        assertEquals(jinja, java);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void lfm25HubJavaMatchesJinja(Case c, ChatFormatOptions options) {
        String jinja = HUB.format(c.messages(), c.tools(), options);
        String java = new Lfm2ChatFormatter(Lfm2ChatFormatter.Variant.LFM2_5_HUB).format(c.messages(), c.tools(), options);
        assertEquals(jinja, java);
    }
}
