package io.github.lfm4j.model.chat.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.chat.ChatFormatOptions;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.chat.ChatTemplateException;
import io.github.lfm4j.model.chat.tools.ToolCall;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Python-isms HF templates rely on, rendered through the first user message's content. */
class JinjaChatTemplateTest {
    private static final ChatFormatOptions OPTS = ChatFormatOptions.defaults();

    private static String render(String template, String userText) {
        return new JinjaChatTemplate(template).format(List.of(ChatMessage.user(userText)), List.of(), OPTS);
    }

    @Test
    void stringMethodsHavePythonSemantics() {
        String t = "{%- set c = messages[0].content -%}"
                + "{{ c.split('</think>') | tojson }}|{{ c.split('</think>')[-1] | trim }}|{{ c.strip() }}|"
                + "{{ c.split() | tojson }}|{% if c.startswith(' a') %}S{% endif %}{% if c.endswith('b ') %}E{% endif %}|"
                + "{{ c.upper() }}|{{ c.replace('a', 'A') }}|{{ c.lstrip() }}";
        assertEquals("[\" a\", \"b \"]|b|a</think>b|[\"a</think>b\"]|SE| A</THINK>B | A</think>b |a</think>b ",
                render(t, " a</think>b "));
    }

    @Test
    void slicingNamespaceLoopLastAndNegativeIndex() {
        String t = "{%- set ns = namespace(out='') -%}{%- for m in (messages + messages + messages)[1:] -%}"
                + "{%- set ns.out = ns.out + m.role + ('' if loop.last else ',') -%}{%- endfor -%}"
                + "{{ ns.out }}|{{ messages[-1].content[1:3] }}";
        assertEquals("user,user|bc", render(t, "abcd"));
    }

    @Test
    void toolCallsAndThinkingFieldsReachTemplatesThatReadThem() throws Exception {
        String t = "{%- for m in messages -%}{%- if m.thinking is defined -%}T[{{ m.thinking }}]{%- endif -%}"
                + "{%- for tc in m.tool_calls or [] -%}{{ tc.function.name }}("
                + "{%- for k, v in tc.function.arguments.items() -%}{{ k }}="
                + "{%- if v is string -%}\"{{ v }}\"{%- elif v is mapping -%}{{ v | tojson }}{%- else -%}{{ v | string }}{%- endif -%}"
                + "{{ '' if loop.last else ', ' }}{%- endfor -%}){%- endfor -%}[{{ m.content }}]{%- endfor -%}";
        ObjectNode args = (ObjectNode) new ObjectMapper().readTree(
                "{\"city\": \"Zürich\", \"n\": 3, \"x\": 1e-5, \"ok\": true, \"none\": null, \"o\": {\"a\": [1, 2]}, \"l\": [\"a\", 2]}");
        String out = new JinjaChatTemplate(t).format(List.of(
                ChatMessage.user("hi"),
                ChatMessage.assistantToolCalls("why", List.of(new ToolCall("f", args)), "done")), List.of(), OPTS);
        assertEquals("[hi]T[why]f(city=\"Zürich\", n=3, x=1e-05, ok=True, none=None, o={\"a\": [1, 2]}, l=['a', 2])[done]", out);
    }

    @Test
    void templatesWithoutThoseFieldsGetTheModelsOwnText() throws Exception {
        ObjectNode args = (ObjectNode) new ObjectMapper().readTree("{\"q\": \"x\"}");
        String out = new JinjaChatTemplate("{% for m in messages %}[{{ m.content }}]{% endfor %}").format(List.of(
                ChatMessage.assistantToolCalls("r", List.of(new ToolCall("s", args)), "t")), List.of(), OPTS);
        assertEquals("[<think>r</think><|tool_call_start|>[s(q=\"x\")]<|tool_call_end|>t]", out);
    }

    @Test
    void generationBlockStringSlicingAndDictGet() {
        String t = "{%- for m in messages -%}{%- if m.role == 'user' -%}{%- generation -%}"
                + "{%- set c = m.get('content') -%}{%- set n = (c | length) - ('TAG' | length) -%}"
                + "{%- if c.endswith('TAG') -%}{{ c[:n] }}{%- else -%}{{ c }}{%- endif -%}"
                + "{%- endgeneration -%}{{ m.get('missing', '|default') }}{%- endif -%}{%- endfor -%}";
        assertEquals("hello |default", render(t, "hello TAG"));
        assertEquals("plain|default", render(t, "plain"));
    }

    @Test
    void pythonIterationPrintingAndPrecedence() {
        String t = "{%- for k in messages[0] -%}{{ k }},{%- endfor -%}|{{ messages[0].content.split(',') }}|"
                + "{{ 'n=' + messages | length }}|{{ not (1 == 2) }}";
        assertEquals("role,content,|['a', 'b']|n=1|true", render(t, "a,b"));
    }

    @Test
    void tojsonIndentArgument() {
        String t = "{{ messages[0] | tojson(indent=1) }}|{{ messages | tojson }}";
        assertEquals("{\n \"role\": \"user\",\n \"content\": \"é\"\n}|[{\"role\": \"user\", \"content\": \"é\"}]", render(t, "é"));
    }

    @Test
    void raiseExceptionBecomesOneLineError() {
        var e = assertThrows(ChatTemplateException.class, () -> render(
                "{% if messages[0].role == 'user' %}{{ raise_exception('Conversation must start with a system message') }}{% endif %}", "x"));
        assertEquals("chat template refused the conversation: Conversation must start with a system message", e.getMessage());
    }

    @Test
    void brokenTemplateIsOneLineError() {
        var e = assertThrows(ChatTemplateException.class, () -> render("{% for m in messages %}\n{{ m.content }}", "x"));
        assertTrue(e.getMessage().startsWith("chat template failed"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertThrows(ChatTemplateException.class, () -> new JinjaChatTemplate("  "));
    }

    @Test
    void runawayTemplateFailsInsteadOfExhaustingMemory() {
        String t = "{%- set ns = namespace(s='xxxxxxxx') -%}{%- for i in range(60) -%}{%- set ns.s = ns.s + ns.s -%}{%- endfor -%}{{ ns.s }}";
        var e = assertThrows(ChatTemplateException.class, () -> render(t, "x"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void strftimeDirectives() {
        var t = ZonedDateTime.of(2026, 3, 7, 14, 5, 9, 0, ZoneOffset.UTC);
        assertEquals("2026-03-07 14:05:09 Saturday Mar 066 PM %",
                TemplateFunctions.strftime("%Y-%m-%d %H:%M:%S %A %b %j %p %%", t));
        assertEquals(10, render("{{ strftime_now('%Y-%m-%d') }}", "x").length());
    }
}
