package io.github.lfm4j.model.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.chat.jinja.JinjaChatTemplate;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prompts written out by hand from Liquid's documented layout, checked against both renderers. */
class ChatFormatGoldenTest {
    private static final ChatFormatOptions GEN = ChatFormatOptions.defaults();
    private static final ToolDefinition WEATHER = ToolDefinition.parse(
            "{\"name\":\"get_weather\",\"description\":\"Weather\",\"parameters\":{\"type\":\"object\","
                    + "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}");
    private static final String WEATHER_JSON = "{\"name\": \"get_weather\", \"description\": \"Weather\", \"parameters\": "
            + "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}";

    private static void both(String expected, List<ChatMessage> msgs, List<ToolDefinition> tools, boolean lfm25) {
        ChatFormatter java = lfm25 ? Lfm2ChatFormatter.lfm25() : new Lfm2ChatFormatter(Lfm2ChatFormatter.Variant.LFM2);
        ChatFormatter jinja = lfm25 ? JinjaChatTemplate.lfm25() : JinjaChatTemplate.lfm2();
        assertEquals(expected, java.format(msgs, tools, GEN));
        assertEquals(expected, jinja.format(msgs, tools, GEN));
    }

    @Test
    void plainChat() {
        both("<|startoftext|><|im_start|>system\nYou are a helpful assistant trained by Liquid AI.<|im_end|>\n"
                        + "<|im_start|>user\nWhat is C. elegans?<|im_end|>\n<|im_start|>assistant\n",
                List.of(ChatMessage.system("You are a helpful assistant trained by Liquid AI."),
                        ChatMessage.user("What is C. elegans?")), List.of(), true);
    }

    @Test
    void lfm25ToolsAndToolTurn() throws Exception {
        ObjectNode args = (ObjectNode) new ObjectMapper().readTree("{\"city\": \"Paris\"}");
        both("<|startoftext|><|im_start|>system\nBe exact.\nList of tools: [" + WEATHER_JSON + "]<|im_end|>\n"
                        + "<|im_start|>user\nWeather?<|im_end|>\n"
                        + "<|im_start|>assistant\n<|tool_call_start|>[get_weather(city=\"Paris\")]<|tool_call_end|>Checking.<|im_end|>\n"
                        + "<|im_start|>tool\n{\"temp\": 20}<|im_end|>\n<|im_start|>assistant\n",
                List.of(ChatMessage.system("Be exact."), ChatMessage.user("Weather?"),
                        ChatMessage.assistantToolCalls(null, List.of(new ToolCall("get_weather", args)), "Checking."),
                        ChatMessage.tool("get_weather", null, "{\"temp\": 20}")),
                List.of(WEATHER), true);
    }

    @Test
    void lfm2WrapsToolListAndResponses() {
        both("<|startoftext|><|im_start|>system\nList of tools: <|tool_list_start|>[" + WEATHER_JSON + "]<|tool_list_end|><|im_end|>\n"
                        + "<|im_start|>user\nWeather?<|im_end|>\n"
                        + "<|im_start|>tool\n<|tool_response_start|>sunny<|tool_response_end|><|im_end|>\n<|im_start|>assistant\n",
                List.of(ChatMessage.user("Weather?"), ChatMessage.tool("get_weather", null, "sunny")),
                List.of(WEATHER), false);
    }

    @Test
    void pastThinkingDroppedButLatestKept() {
        both("<|startoftext|><|im_start|>user\nq1<|im_end|>\n<|im_start|>assistant\na1<|im_end|>\n"
                        + "<|im_start|>user\nq2<|im_end|>\n<|im_start|>assistant\n<think>r2</think>a2<|im_end|>\n"
                        + "<|im_start|>user\nq3<|im_end|>\n<|im_start|>assistant\n",
                List.of(ChatMessage.user("q1"), ChatMessage.assistant("r1", "\n\na1 "), ChatMessage.user("q2"),
                        ChatMessage.assistant("r2", "a2"), ChatMessage.user("q3")), List.of(), true);
    }

    @Test
    void emptyConversationIsAClearError() {
        var e = assertThrows(ChatTemplateException.class, () -> Lfm2ChatFormatter.lfm25().format(List.of()));
        assertEquals("cannot format an empty conversation", e.getMessage());
        assertThrows(ChatTemplateException.class, () -> JinjaChatTemplate.lfm25().format(List.of()));
    }

    /** The Hub revision: date line, structured calls rendered its own way (no escaping, Python str for lists). */
    @Test
    void hubRevisionRendersStructuredFields() throws Exception {
        var args = (ObjectNode) new ObjectMapper().readTree(
                "{\"city\": \"Pa\\\"ris\", \"days\": 3, \"l\": [\"a\", 1, null, true, 1.5], \"o\": {\"k\": [1]}}");
        var msgs = List.of(ChatMessage.system("Sys"), ChatMessage.user("q"),
                ChatMessage.assistantToolCalls("r1", List.of(new ToolCall("get_weather", args)), "c1"),
                ChatMessage.tool("get_weather", null, "sunny"), ChatMessage.assistant("r2", "final"));
        var tools = List.of(ToolDefinition.function("get_weather", "W", new ObjectMapper().readTree("{\"type\":\"object\"}")));
        var opts = ChatFormatOptions.defaults().withToday(java.time.LocalDate.of(2026, 2, 28)).withAddGenerationPrompt(false);
        String expected = "<|startoftext|><|im_start|>system\nSys\n\nToday's date: 2026-02-28\n\nList of tools: "
                + "[{\"name\": \"get_weather\", \"description\": \"W\", \"parameters\": {\"type\": \"object\"}}]<|im_end|>\n"
                + "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<|tool_call_start|>[get_weather(city=\"Pa\"ris\", "
                + "days=3, l=['a', 1, None, True, 1.5], o={\"k\": [1]})]<|tool_call_end|>c1<|im_end|>\n"
                + "<|im_start|>tool\nsunny<|im_end|>\n<|im_start|>assistant\n<think>r2</think>final<|im_end|>\n";
        assertEquals(expected, new Lfm2ChatFormatter(Lfm2ChatFormatter.Variant.LFM2_5_HUB).format(msgs, tools, opts));
        String src = JinjaChatTemplate.resource("lfm2.5-hub.chat_template.jinja");
        assertEquals(expected, new JinjaChatTemplate(src).format(msgs, tools, opts));
    }
}
