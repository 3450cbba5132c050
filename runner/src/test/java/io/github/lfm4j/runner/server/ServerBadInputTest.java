package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.runner.api.LanguageModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad request gets OpenAI's error JSON with the right 4xx status and a one-line message. */
@Timeout(60)
class ServerBadInputTest {
    static LanguageModel model;
    static OpenAiServer server;
    static Http http;

    @BeforeAll
    static void start() throws IOException {
        model = TestModel.shared();
        server = OpenAiServer.start(model, "tiny", ServerConfig.defaults().withPort(0).withMaxBodyBytes(64 * 1024));
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    /** Checks the error body and returns it. */
    static JsonNode error(HttpResponse<String> r, int status, String type) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode e = Http.json(r).get("error");
        assertTrue(e != null && e.isObject(), r.body());
        assertEquals(type, e.get("type").asText(), r.body());
        String msg = e.get("message").asText();
        assertFalse(msg.isBlank() || msg.contains("\n") || msg.contains("\tat "), "one-line message: " + msg);
        assertTrue(e.has("param") && e.has("code"), r.body());
        return e;
    }

    static final String USER = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "malformed JSON      | {\"messages\": [                                      | | not valid JSON",
            "not an object       | [1, 2]                                                 | | must be a JSON object",
            "empty body          | ``                                                     | | empty",
            "no messages         | {\"model\": \"tiny\"}                                 | messages | 'messages' is required",
            "messages a string   | {\"messages\": \"hi\"}                                | messages | must be an array",
            "empty messages      | {\"messages\": []}                                    | messages | at least one message",
            "unknown role        | {\"messages\": [{\"role\": \"wizard\", \"content\": \"x\"}]} | messages | unknown chat role 'wizard'",
            "no role             | {\"messages\": [{\"content\": \"x\"}]}                | messages | no \"role\"",
            "content a number    | {\"messages\": [{\"role\": \"user\", \"content\": 7}]} | messages | \"content\" must be",
            "temperature string  | {USER, \"temperature\": \"hot\"}                      | temperature | must be a number",
            "temperature range   | {USER, \"temperature\": 5}                            | temperature | must be in [0.0, 2.0]",
            "max_tokens negative | {USER, \"max_tokens\": -1}                            | max_tokens | must be in [1,",
            "max_tokens fraction | {USER, \"max_tokens\": 1.5}                           | max_tokens | must be an integer",
            "top_p zero          | {USER, \"top_p\": 0}                                  | top_p | greater than 0",
            "top_k negative      | {USER, \"top_k\": -3}                                 | top_k | must be in [0,",
            "stop a number       | {USER, \"stop\": 123}                                 | stop | string or an array",
            "stop empty string   | {USER, \"stop\": [\"\"]}                              | stop | empty string",
            "stream a string     | {USER, \"stream\": \"yes\"}                           | stream | true or false",
            "n two               | {USER, \"n\": 2}                                      | n | one choice",
            "frequency penalty   | {USER, \"frequency_penalty\": 0.5}                    | frequency_penalty | not supported",
            "logprobs            | {USER, \"logprobs\": true}                            | logprobs | not supported",
            "seed a string       | {USER, \"seed\": \"x\"}                               | seed | 64-bit integer",
            "tools not array     | {USER, \"tools\": {}}                                 | tools | must be a JSON array",
            "tool without name   | {USER, \"tools\": [{\"type\": \"function\"}]}         | tools | no \"name\"",
            "tool_choice unknown | {USER, \"tool_choice\": \"sometimes\"}                | tool_choice | \"sometimes\"",
            "required, no tools  | {USER, \"tool_choice\": \"required\"}                 | tool_choice | no 'tools'",
            "named unknown tool  | {USER, \"tools\": [{\"type\":\"function\",\"function\":{\"name\":\"a\"}}], \"tool_choice\": {\"type\":\"function\",\"function\":{\"name\":\"b\"}}} | tool_choice | not among 'tools'",
            "stream_options only | {USER, \"stream_options\": {\"include_usage\": true}}  | stream_options | only allowed",
            "loop_guard word     | {USER, \"loop_guard\": \"maybe\"}                     | loop_guard | \"maybe\"",
            "thinking budget < 0 | {USER, \"thinking_budget\": -5}                       | thinking_budget | must be in [0,",
            "tool call args      | {\"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{\"function\": {\"name\": \"f\", \"arguments\": \"{oops\"}}]}]} | messages | not valid JSON",
    })
    void chatCompletionsRefuses(String what, String body, String param, String fragment) {
        JsonNode e = error(http.post(OpenAiServer.CHAT, body == null ? "" : body.replace("USER", USER)), 400,
                "invalid_request_error");
        assertTrue(e.get("message").asText().contains(fragment), what + ": " + e);
        if (param != null) assertEquals(param, e.get("param").asText(), what + ": " + e);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "no prompt     | {\"max_tokens\": 3}                    | 'prompt' is required",
            "prompt number | {\"prompt\": 42}                       | must be a string",
            "token array   | {\"prompt\": [1, 2, 3]}                | exactly one string",
            "empty prompt  | {\"prompt\": \"\"}                     | is empty",
            "echo          | {\"prompt\": \"a\", \"echo\": true}    | 'echo' is not supported",
            "best_of       | {\"prompt\": \"a\", \"best_of\": 3}    | 'best_of' must be 1",
    })
    void completionsRefuses(String what, String body, String fragment) {
        JsonNode e = error(http.post(OpenAiServer.COMPLETIONS, body), 400, "invalid_request_error");
        assertTrue(e.get("message").asText().contains(fragment), what + ": " + e);
    }

    @Test
    void aPromptLongerThanTheContextIs400WithTheTokenCounts() {
        String longText = "word ".repeat(2000);
        int promptTokens = model.chatPromptTokens(List.of(ChatMessage.user(longText)), List.of()).length;
        assertTrue(promptTokens > TestModel.CONTEXT);
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + longText + "\"}]}";
        for (boolean stream : new boolean[]{false, true}) {
            JsonNode e = error(http.post(OpenAiServer.CHAT, body.replace("]}", "],\"stream\":" + stream + "}")), 400,
                    "invalid_request_error");
            assertEquals("context_length_exceeded", e.get("code").asText());
            String msg = e.get("message").asText();
            assertTrue(msg.contains(Integer.toString(promptTokens)) && msg.contains(Integer.toString(TestModel.CONTEXT)), msg);
        }
        JsonNode raw = error(http.post(OpenAiServer.COMPLETIONS, "{\"prompt\":\"" + longText + "\"}"), 400,
                "invalid_request_error");
        assertEquals("context_length_exceeded", raw.get("code").asText());
    }

    @Test
    void unknownEndpointsAre404AndNoFilesAreServed() {
        for (String path : List.of("/", "/v1", "/v1/embeddings", "/index.html", "/../../etc/passwd", "/v1/model")) {
            JsonNode e = error(http.get(path), 404, "not_found_error");
            assertTrue(e.get("message").asText().contains("unknown endpoint"), e.toString());
        }
    }

    @Test
    void wrongMethodsAre405() {
        error(http.get(OpenAiServer.CHAT), 405, "invalid_request_error");
        error(http.method("PUT", OpenAiServer.COMPLETIONS), 405, "invalid_request_error");
        error(http.post(OpenAiServer.MODELS, "{}"), 405, "invalid_request_error");
        error(http.method("DELETE", OpenAiServer.HEALTH), 405, "invalid_request_error");
        error(http.method("DELETE", OpenAiServer.MODELS + "/tiny"), 405, "invalid_request_error");
    }

    @Test
    void bodiesOverTheLimitAre413() {
        String big = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(100_000) + "\"}]}";
        error(http.post(OpenAiServer.CHAT, big), 413, "invalid_request_error");
        // without Content-Length (chunked upload) the limit holds while reading
        HttpRequest chunked = HttpRequest.newBuilder(http.uri(OpenAiServer.CHAT)).timeout(Http.TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())))
                .build();
        error(Http.send(chunked), 413, "invalid_request_error");
        assertEquals(200, http.get(OpenAiServer.HEALTH).statusCode(), "the server is fine afterwards");
    }

    @Test
    void anApiKeyGuardsEverythingButHealth() throws IOException {
        try (OpenAiServer keyed = OpenAiServer.start(model, "tiny",
                ServerConfig.defaults().withPort(0).withApiKey("s3cret"))) {
            Http h = new Http(keyed.port());
            error(h.get(OpenAiServer.MODELS), 401, "authentication_error");
            error(h.get(OpenAiServer.MODELS, "Authorization", "Bearer wrong"), 401, "authentication_error");
            error(h.post(OpenAiServer.CHAT, "{" + USER + "}"), 401, "authentication_error");
            error(h.get(OpenAiServer.METRICS), 401, "authentication_error");
            assertEquals(200, h.get(OpenAiServer.MODELS, "Authorization", "Bearer s3cret").statusCode());
            assertEquals(200, h.get(OpenAiServer.HEALTH).statusCode());

            String base = "http://127.0.0.1:" + keyed.port() + "/v1";
            OpenAIClient good = OpenAIOkHttpClient.builder().baseUrl(base).apiKey("s3cret").maxRetries(0).build();
            OpenAIClient bad = OpenAIOkHttpClient.builder().baseUrl(base).apiKey("nope").maxRetries(0).build();
            try {
                ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model("tiny")
                        .addUserMessage("Hi").maxCompletionTokens(2).build();
                assertEquals(1, good.chat().completions().create(p).choices().size());
                UnauthorizedException ue = assertThrows(UnauthorizedException.class, () -> bad.chat().completions().create(p));
                assertEquals(401, ue.statusCode());
                BadRequestException be = assertThrows(BadRequestException.class, () -> good.chat().completions()
                        .create(p.toBuilder().temperature(7.0).build()));
                assertTrue(be.getMessage().contains("temperature"), be.getMessage());
            } finally {
                good.close();
                bad.close();
            }
        }
    }
}
