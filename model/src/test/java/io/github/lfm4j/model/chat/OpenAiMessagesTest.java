package io.github.lfm4j.model.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.chat.jinja.JinjaChatTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiMessagesTest {
    private static final ObjectMapper M = new ObjectMapper();

    @Test
    void readsAFullConversation() throws Exception {
        var msgs = OpenAiMessages.parseMessages(M.readTree("""
                [{"role": "system", "content": [{"type": "text", "text": "Be "}, {"type": "text", "text": "brief."}]},
                 {"role": "user", "content": "Weather?"},
                 {"role": "assistant", "content": null, "reasoning_content": "need tool",
                  "tool_calls": [{"id": "call_9", "type": "function",
                                  "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\", \\"days\\": 2}"}}]},
                 {"role": "tool", "tool_call_id": "call_9", "name": "get_weather", "content": "sunny"}]"""));
        assertEquals(4, msgs.size());
        assertEquals(ChatMessage.system("Be brief."), msgs.get(0));
        ChatMessage a = msgs.get(2);
        assertEquals("need tool", a.reasoning());
        assertEquals("", a.content());
        assertEquals("get_weather", a.toolCalls().getFirst().name());
        assertEquals("call_9", a.toolCalls().getFirst().id());
        assertEquals(2, a.toolCalls().getFirst().arguments().get("days").intValue());
        assertEquals(ChatMessage.tool("get_weather", "call_9", "sunny"), msgs.get(3));
        assertEquals("[{\"id\":\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\",\\\"days\\\":2}\"}}]",
                OpenAiMessages.toolCallsJson(a.toolCalls()).toString());
    }

    @Test
    void badInputNamesTheMessage() throws Exception {
        var e = assertThrows(IllegalArgumentException.class,
                () -> OpenAiMessages.parseMessages(M.readTree("[{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"robot\"}]")));
        assertEquals("messages[1]: unknown chat role 'robot' (expected system, user, assistant or tool)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpenAiMessages.parseMessages(M.readTree(
                "[{\"role\": \"assistant\", \"tool_calls\": [{\"function\": {\"name\": \"f\", \"arguments\": \"{oops\"}}]}]")));
        assertEquals(true, e.getMessage().startsWith("messages[0].tool_calls[0]: arguments are not valid JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpenAiMessages.parseMessages(M.readTree(
                "[{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]")));
        assertEquals("messages[0]: only text content parts are supported, got \"image_url\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpenAiMessages.parseMessages(M.readTree(
                "[{\"role\": \"system\", \"content\": \"s\"}, {\"role\": \"user\"}]")));
        assertEquals("messages[1] (user) has no \"content\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpenAiMessages.parseMessages(M.readTree(
                "[{\"role\": \"tool\", \"content\": null}]")));
        assertEquals("messages[0] (tool) has no \"content\"", e.getMessage());
        assertEquals(1, OpenAiMessages.parseMessages(M.readTree("[{\"role\": \"user\", \"content\": \"\"}]")).size(),
                "empty text is still content");
        e = assertThrows(IllegalArgumentException.class, () -> OpenAiMessages.parseTools(M.readTree("[{\"description\": \"x\"}]")));
        assertEquals(true, e.getMessage().startsWith("tools[0]: tool definition has no \"name\""), e.getMessage());
    }

    @Test
    void formatterSelection() {
        assertInstanceOf(Lfm2ChatFormatter.class, ChatFormatters.forTemplate(null));
        assertEquals(Lfm2ChatFormatter.Variant.LFM2_5,
                ((Lfm2ChatFormatter) ChatFormatters.forTemplate(JinjaChatTemplate.resource("lfm2.5-thinking.chat_template.jinja") + "\n")).variant());
        assertEquals(Lfm2ChatFormatter.Variant.LFM2_5_HUB,
                ((Lfm2ChatFormatter) ChatFormatters.forTemplate(JinjaChatTemplate.resource("lfm2.5-hub.chat_template.jinja"))).variant());
        assertEquals(Lfm2ChatFormatter.Variant.LFM2,
                ((Lfm2ChatFormatter) ChatFormatters.forTemplate(JinjaChatTemplate.resource("lfm2.chat_template.jinja"))).variant());
        ChatFormatter other = ChatFormatters.forTemplate("{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}");
        assertInstanceOf(JinjaChatTemplate.class, other);
        assertEquals("<user>hi", other.format(List.of(ChatMessage.user("hi"))));
    }
}
