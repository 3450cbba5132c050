package io.github.lfm4j.langchain4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolCallParseError;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lfm4j's results as LangChain4j responses, field by field, and the builder's lfm4j-specific knobs. */
class ResponseMappingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static GenerationResult result(String content, String reasoning, List<ToolCall> calls,
                                           List<ToolCallParseError> errors, io.github.lfm4j.runner.api.FinishReason reason,
                                           String intervention) {
        return new GenerationResult(content, reasoning, calls, errors, reason,
                new Usage(40, 30, 12, 5, 1, 12, 1, 1), intervention, null, content);
    }

    @Test
    void everyFieldIsCarriedOver() throws Exception {
        ChatEngine engine = new ChatEngine(TestModel.shared(), false, GenerationOptions::greedy);
        ToolCall call = new ToolCall("lookup", (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree("{\"q\": [1, 2], \"deep\": {\"x\": null}}"));
        ChatResponse r = engine.toResponse(result("", "hmm", List.of(call), List.of(new ToolCallParseError("expected ')'", 7, "[f(")),
                io.github.lfm4j.runner.api.FinishReason.TOOL_CALLS, "thinking budget of 5 tokens reached"), List.of("call_given"));
        AiMessage m = r.aiMessage();
        assertNull(m.text());
        assertEquals("hmm", m.thinking());
        assertEquals("call_given", m.toolExecutionRequests().getFirst().id());
        assertEquals("{\"q\":[1,2],\"deep\":{\"x\":null}}", m.toolExecutionRequests().getFirst().arguments());
        assertEquals("thinking budget of 5 tokens reached", m.attribute(ChatEngine.INTERVENTION, String.class));
        assertEquals(List.of("expected ')' (at offset 7)"), m.attribute(ChatEngine.TOOL_CALL_ERRORS, List.class));
        assertEquals(FinishReason.TOOL_EXECUTION, r.finishReason());
        assertEquals(new Lfm4jTokenUsage(40, 30, 12, 5), r.tokenUsage());
        assertEquals(52, r.tokenUsage().totalTokenCount());
        assertTrue(r.id().startsWith("lfm4j-"));

        ChatResponse plain = engine.toResponse(result("Hi.", "", List.of(), List.of(),
                io.github.lfm4j.runner.api.FinishReason.STOP, ""), List.of());
        assertEquals("Hi.", plain.aiMessage().text());
        assertNull(plain.aiMessage().thinking());
        assertTrue(plain.aiMessage().attributes().isEmpty());
        assertFalse(plain.aiMessage().hasToolExecutionRequests());
    }

    @Test
    void finishReasons() {
        for (var lfm : io.github.lfm4j.runner.api.FinishReason.values()) {
            FinishReason expected = switch (lfm) {
                case STOP -> FinishReason.STOP;
                case LENGTH -> FinishReason.LENGTH;
                case TOOL_CALLS -> FinishReason.TOOL_EXECUTION;
                case LOOP, CANCELLED -> FinishReason.OTHER;
            };
            assertEquals(expected, ChatEngine.finishReason(result("", "", List.of(), List.of(), lfm, "")), lfm.name());
        }
    }

    /** Sums keep the cached and reasoning counts, whichever side of a plain TokenUsage they are on. */
    @Test
    void tokenUsageAddsUp() {
        Lfm4jTokenUsage a = new Lfm4jTokenUsage(10, 4, 3, 1), b = new Lfm4jTokenUsage(20, 12, 5, 2);
        assertEquals(new Lfm4jTokenUsage(30, 16, 8, 3), a.add(b));
        assertEquals(new Lfm4jTokenUsage(11, 4, 4, 1), new TokenUsage(1, 1).add(a));
        assertEquals(26, new Lfm4jTokenUsage(30, 4, 8, 3).prefilledInputTokenCount());
    }

    @Test
    void builderKnobsReachTheGenerationOptions() {
        ChatRequest hello = ChatRequest.builder().messages(UserMessage.from("Hello")).build();
        GenerationOptions o = Lfm4jChatModel.builder().model(TestModel.shared()).thinking(false).thinkingBudget(7)
                .engine().prepare(hello).options();
        assertFalse(o.thinking());
        assertEquals(7, o.thinkingBudget());
        // without generationOptions each request gets a fresh seed (the same prompt may get a new answer)
        ChatEngine fresh = Lfm4jChatModel.builder().model(TestModel.shared()).engine();
        long s1 = fresh.prepare(hello).options().sampling().seed();
        long s2 = fresh.prepare(hello).options().sampling().seed();
        assertTrue(s1 != s2);
        // with them, exactly those
        GenerationOptions fixed = GenerationOptions.greedy().withMaxTokens(9);
        assertEquals(fixed, Lfm4jChatModel.builder().model(TestModel.shared()).generationOptions(fixed).engine()
                .prepare(hello).options());
    }
}
