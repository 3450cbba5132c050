package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lfm4j.runner.api.LanguageModel;
import io.github.lfm4j.runner.api.TokenSelector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's extra parameters {@code thinking_budget}, {@code thinking} and {@code loop_guard} reach the generation. */
@Timeout(60)
class ServerThinkingControlsTest {
    static LanguageModel model;
    static int close;

    @BeforeAll
    static void load() {
        model = TestModel.shared();
        close = model.tokenizer().tokenId("</think>");
    }

    /** Posts {@code body} to a server whose model answers with {@code script()}; returns the response JSON. */
    static JsonNode ask(Supplier<TokenSelector> script, String extra) throws IOException {
        try (OpenAiServer s = OpenAiServer.start(model, "tiny", ServerConfig.defaults().withPort(0)
                .withOptionsHook(o -> o.withSelector(script.get())))) {
            var r = new Http(s.port()).post(OpenAiServer.CHAT,
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]" + extra + "}");
            assertEquals(200, r.statusCode(), r.body());
            return Http.json(r);
        }
    }

    @Test
    void thinkingBudgetClosesTheTrace() throws IOException {
        Supplier<TokenSelector> script = () -> TestModel.loopUntil(model, "<think>", " and then", close, "Done.");
        JsonNode j = ask(script, ",\"thinking_budget\":5,\"loop_guard\":false,\"max_tokens\":100");
        assertEquals(5, j.at("/usage/completion_tokens_details/reasoning_tokens").asInt(), j.toString());
        assertEquals("Done.", j.at("/choices/0/message/content").asText());
        assertTrue(j.get("intervention").asText().contains("thinking budget of 5 tokens"), j.toString());
    }

    @Test
    void thinkingFalseSkipsTheTrace() throws IOException {
        Supplier<TokenSelector> script = () -> TestModel.loopUntil(model, "<think>", " hmm", close, "Quick.");
        JsonNode j = ask(script, ",\"thinking\":false,\"max_tokens\":100");
        assertEquals(0, j.at("/usage/completion_tokens_details/reasoning_tokens").asInt(), j.toString());
        assertTrue(j.at("/choices/0/message/reasoning_content").isMissingNode(), j.toString());
        assertEquals("Quick.", j.at("/choices/0/message/content").asText());
    }

    @Test
    void loopGuardEndsALoopingTraceByDefault() throws IOException {
        Supplier<TokenSelector> script = () -> TestModel.loopUntil(model, "<think>Wait,", " let me check again.", close, "Fine.");
        JsonNode j = ask(script, ",\"max_tokens\":400");
        assertEquals("Fine.", j.at("/choices/0/message/content").asText(), j.toString());
        assertTrue(j.get("intervention").asText().startsWith("repetition loop"), j.toString());
        assertTrue(j.at("/usage/completion_tokens").asInt() < 200, j.toString());
    }

    @Test
    void loopGuardStopOrOff() throws IOException {
        Supplier<TokenSelector> script = () -> TestModel.loopUntil(model, "", "la di da ", -1, "");
        JsonNode stopped = ask(script, ",\"loop_guard\":\"stop\",\"max_tokens\":400");
        assertEquals("stop", stopped.at("/choices/0/finish_reason").asText());
        assertTrue(stopped.at("/usage/completion_tokens").asInt() < 200, stopped.toString());
        JsonNode unguarded = ask(script, ",\"loop_guard\":false,\"max_tokens\":100");
        assertEquals("length", unguarded.at("/choices/0/finish_reason").asText());
        assertEquals(100, unguarded.at("/usage/completion_tokens").asInt());
        assertTrue(unguarded.path("intervention").isMissingNode(), unguarded.toString());
    }

    @Test
    void aRequiredToolCallFollowsAThinkingBudgetCut() throws IOException {
        Supplier<TokenSelector> script = () -> TestModel.loopUntil(model, "<think>", " hmm", close,
                "[get_weather(city=\"Paris\")]<|tool_call_end|>");
        JsonNode j = ask(script, ",\"thinking_budget\":4,\"loop_guard\":false,\"max_tokens\":100,\"tool_choice\":\"required\","
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]");
        assertEquals(4, j.at("/usage/completion_tokens_details/reasoning_tokens").asInt(), j.toString());
        assertEquals("tool_calls", j.at("/choices/0/finish_reason").asText(), j.toString());
        assertEquals("get_weather", j.at("/choices/0/message/tool_calls/0/function/name").asText());
    }
}
