package io.github.lfm4j.model.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AssistantOutputTest {

    @Test
    void traceAnswerAndCalls() {
        AssistantOutput o = AssistantOutput.parse("<think>I should call [get_weather(city=\"x\")]</think>"
                + "<|tool_call_start|>[get_weather(city=\"Paris\")]<|tool_call_end|>Checking…", false);
        assertEquals("I should call [get_weather(city=\"x\")]", o.reasoning());
        assertTrue(o.reasoningClosed());
        assertEquals("Checking…", o.content());
        assertEquals(1, o.toolCalls().size());
        assertEquals("Paris", o.toolCalls().getFirst().arguments().get("city").textValue());
        assertTrue(o.toolCallErrors().isEmpty());
    }

    @Test
    void callsInsideTheTraceAreNotCalls() {
        AssistantOutput o = AssistantOutput.parse("<think><|tool_call_start|>[f(x=1)]<|tool_call_end|>", false);
        assertFalse(o.reasoningClosed());
        assertTrue(o.toolCalls().isEmpty());
        assertEquals("", o.content());
    }

    @Test
    void noTrace() {
        AssistantOutput o = AssistantOutput.parse("Just an answer.", false);
        assertNull(o.reasoning());
        assertEquals(ChatMessage.assistant("Just an answer."), o.toMessage());
    }

    /** Text the model writes in its own order (trace, calls, answer) survives parse -> message -> prompt text. */
    @ParameterizedTest
    @ValueSource(strings = {
        "<think>\nplan 🤔\n</think>\n\nLa réponse est 42.",
        "<think>r</think><|tool_call_start|>[f(x=1, s=\"a\\\"b\"), g()]<|tool_call_end|>Checking both.",
        "<think></think>",
        "plain answer",
        "<|tool_call_start|>[search(q=\"東京\", n=[1, 2.5, None, True])]<|tool_call_end|>"})
    void roundTripsThroughHistory(String generated) {
        assertEquals(generated, AssistantOutput.parse(generated, false).toMessage().modelText());
    }
}
