package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.LanguageModel;
import io.github.lfm4j.runner.api.TokenSelector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server in-process on a random loopback port over the tiny synthetic model, driven by the official OpenAI
 * Java SDK and by java.net.http. What the server answers is checked against the library called directly with the
 * same conversation and greedy decoding (the weights are random, so the text is gibberish, but it must be the
 * same gibberish), and scripted answers (a {@link TokenSelector} writing known text) exercise tool calls.
 */
@Timeout(60)
class OpenAiServerTest {
    static LanguageModel model;
    static OpenAiServer server;
    static Http http;
    static OpenAIClient sdk;

    @BeforeAll
    static void start() throws IOException {
        model = TestModel.shared();
        server = OpenAiServer.start(model, "tiny", ServerConfig.defaults().withPort(0).withParallel(2));
        http = new Http(server.port());
        sdk = client(server);
    }

    @AfterAll
    static void stop() {
        if (sdk != null) sdk.close();
        if (server != null) server.close();
    }

    static OpenAIClient client(OpenAiServer s) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + s.port() + "/v1").apiKey("unused")
                .maxRetries(0).build();
    }

    static final List<ChatMessage> GREETING = List.of(ChatMessage.system("You are terse."), ChatMessage.user("Hello there"));

    static ChatCompletionCreateParams.Builder greeting(int maxTokens) {
        return ChatCompletionCreateParams.builder().model("tiny").addSystemMessage("You are terse.")
                .addUserMessage("Hello there").temperature(0.0).maxCompletionTokens(maxTokens);
    }

    static String reasoningOf(Map<String, JsonValue> extra) {
        JsonValue v = extra.get("reasoning_content");
        return v == null ? "" : v.convert(String.class);
    }

    @Test
    void sdkChatCompletionIsTheLibrarysAnswer() {
        ChatCompletion c = sdk.chat().completions().create(greeting(24).build());
        GenerationResult expected = model.chatCompletion(GREETING, List.of(), GenerationOptions.greedy().withMaxTokens(24));

        assertTrue(c.id().startsWith("chatcmpl-"), c.id());
        assertEquals("tiny", c.model());
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertEquals(expected.content(), choice.message().content().orElse(""));
        assertEquals(expected.reasoning(), reasoningOf(choice.message()._additionalProperties()));
        assertEquals(expected.finishReason().openAiName(), choice.finishReason().asString());
        CompletionUsage usage = c.usage().orElseThrow();
        assertEquals(model.chatPromptTokens(GREETING, List.of()).length, usage.promptTokens());
        assertEquals(expected.usage().completionTokens(), usage.completionTokens());
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
        assertTrue(usage.completionTokens() <= 24);
    }

    @Test
    void aDeveloperMessageIsTheSystemPrompt() {
        ChatCompletion c = sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("tiny")
                .addDeveloperMessage("You are terse.").addUserMessage("Hello there").temperature(0.0)
                .maxCompletionTokens(24).build());
        GenerationResult expected = model.chatCompletion(GREETING, List.of(), GenerationOptions.greedy().withMaxTokens(24));
        assertEquals(model.chatPromptTokens(GREETING, List.of()).length, c.usage().orElseThrow().promptTokens());
        assertEquals(expected.content(), c.choices().getFirst().message().content().orElse(""));
    }

    @Test
    void sdkStreamingDeliversTheSameAnswerInChunks() {
        GenerationResult expected = model.chatCompletion(GREETING, List.of(), GenerationOptions.greedy().withMaxTokens(24));
        StringBuilder content = new StringBuilder(), reasoning = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletionCreateParams params = greeting(24)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                for (ChatCompletionChunk.Choice ch : chunk.choices()) {
                    ch.delta().content().ifPresent(content::append);
                    reasoning.append(reasoningOf(ch.delta()._additionalProperties()));
                }
            });
        }
        assertTrue(chunks.size() >= 3, "role chunk, at least one delta or finish, usage");
        assertEquals("assistant", chunks.getFirst().choices().getFirst().delta().role().orElseThrow().asString());
        assertEquals(expected.content(), content.toString());
        assertEquals(expected.reasoning(), reasoning.toString());
        ChatCompletionChunk last = chunks.getLast(), finish = chunks.get(chunks.size() - 2);
        assertTrue(last.choices().isEmpty(), "the usage chunk has no choices");
        assertEquals(expected.usage().completionTokens(), last.usage().orElseThrow().completionTokens());
        assertEquals(expected.finishReason().openAiName(),
                finish.choices().getFirst().finishReason().orElseThrow().asString());
        for (ChatCompletionChunk ch : chunks) assertEquals(chunks.getFirst().id(), ch.id(), "one id for all chunks");
    }

    @Test
    void httpClientStreamingFramesEventsAsOpenAiDoes() {
        String body = """
                {"model":"tiny","messages":[{"role":"user","content":"Hi"}],"max_tokens":8,"temperature":0,
                 "stream":true}""";
        var r = http.post("/v1/chat/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = Http.events(r.body());
        assertEquals("[DONE]", events.getLast());
        JsonNode first = Http.JSON.valueToTree(parse(events.getFirst()));
        assertEquals("chat.completion.chunk", first.get("object").asText());
        assertEquals("assistant", first.at("/choices/0/delta/role").asText());
        JsonNode finish = parse(events.get(events.size() - 2));
        assertFalse(finish.at("/choices/0/finish_reason").isNull());
        for (String e : events.subList(1, events.size() - 2)) {
            assertTrue(parse(e).at("/choices/0/finish_reason").isNull(), "only the last chunk carries finish_reason");
        }
    }

    @Test
    void completionsEndpointIsTheLibrarysRawCompletion() {
        GenerationResult expected = model.complete("The capital of France is", GenerationOptions.greedy().withMaxTokens(10));
        var r = http.post("/v1/completions", """
                {"model":"tiny","prompt":"The capital of France is","max_tokens":10,"temperature":0}""");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = Http.json(r);
        assertEquals("text_completion", j.get("object").asText());
        assertEquals(expected.content(), j.at("/choices/0/text").asText());
        assertEquals(expected.usage().promptTokens(), j.at("/usage/prompt_tokens").asInt());

        var s = http.post("/v1/completions", """
                {"prompt":["The capital of France is"],"max_tokens":10,"temperature":0,"stream":true}""");
        StringBuilder text = new StringBuilder();
        List<String> events = Http.events(s.body());
        assertEquals("[DONE]", events.getLast());
        for (String e : events.subList(0, events.size() - 1)) text.append(parse(e).at("/choices/0/text").asText());
        assertEquals(expected.content(), text.toString());
        assertEquals(expected.finishReason().openAiName(), parse(events.get(events.size() - 2)).at("/choices/0/finish_reason").asText());
    }

    @Test
    void stopStringsCutTheAnswerAndNeverLeak() throws IOException {
        try (OpenAiServer scripted = OpenAiServer.start(model, "tiny", ServerConfig.defaults().withPort(0)
                .withOptionsHook(o -> o.withSelector(TestModel.script(model, "<think>ok</think>Hello world. Goodbye world."))))) {
            Http h = new Http(scripted.port());
            ObjectNode body = greetingJson(40);
            body.putArray("stop").add("Goodbye").add("never");
            JsonNode j = Http.json(h.post("/v1/chat/completions", body.toString()));
            assertEquals("Hello world. ", j.at("/choices/0/message/content").asText());
            assertEquals("stop", j.at("/choices/0/finish_reason").asText());

            body.put("stream", true);
            StringBuilder streamed = new StringBuilder();
            List<String> events = Http.events(h.post("/v1/chat/completions", body.toString()).body());
            for (String e : events.subList(0, events.size() - 1)) {
                streamed.append(parse(e).at("/choices/0/delta/content").asText(""));
            }
            assertEquals("Hello world. ", streamed.toString());

            // the token limit ends it with "length"
            body.remove("stop");
            body.put("stream", false).put("max_tokens", 5);
            JsonNode cut = Http.json(h.post("/v1/chat/completions", body.toString()));
            assertEquals("length", cut.at("/choices/0/finish_reason").asText());
            assertEquals(5, cut.at("/usage/completion_tokens").asInt());
        }
    }

    @Test
    void theSameSeedSamplesTheSameAnswer() {
        ObjectNode sampled = greetingJson(16);
        sampled.put("temperature", 1.0).put("top_p", 0.9).put("top_k", 40).put("min_p", 0.05).put("seed", 42)
                .put("presence_penalty", 0.5).put("repeat_penalty", 1.1).put("loop_guard", false);
        JsonNode a = Http.json(http.post("/v1/chat/completions", sampled.toString()));
        JsonNode b = Http.json(http.post("/v1/chat/completions", sampled.toString()));
        assertEquals(a.at("/choices/0/message"), b.at("/choices/0/message"));
        assertTrue(a.at("/usage/completion_tokens").asInt() > 0, a.toString());
    }

    static ObjectNode greetingJson(int maxTokens) {
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("model", "tiny");
        body.putArray("messages").addObject().put("role", "system").put("content", "You are terse.");
        ((com.fasterxml.jackson.databind.node.ArrayNode) body.get("messages")).addObject().put("role", "user")
                .put("content", "Hello there");
        body.put("max_tokens", maxTokens).put("temperature", 0);
        return body;
    }

    static JsonNode parse(String json) {
        try {
            return Http.JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    // ---- tools ----

    static final String TOOL_CALL_TURN = "<think>The user wants the weather.</think><|tool_call_start|>"
            + "[get_weather(city=\"Paris\", days=2)]<|tool_call_end|>";
    static final String AFTER_TOOL_TURN = "<think>Sunny it is.</think>It is sunny in Paris.";

    /** Answers with a tool call, or, once a tool result ({@code <|im_start|>tool}) is in the prompt, with the final text. */
    static TokenSelector toolScript(LanguageModel m) {
        int imStart = m.tokenizer().tokenId("<|im_start|>");
        int tool = m.tokenizer().encode("tool", false, false)[0];
        TokenSelector[] chosen = {null};
        return (logits, history, n) -> {
            if (chosen[0] == null) {
                boolean hasResult = false;
                for (int i = 0; i + 1 < n; i++) hasResult |= history[i] == imStart && history[i + 1] == tool;
                chosen[0] = TestModel.script(m, hasResult ? AFTER_TOOL_TURN : TOOL_CALL_TURN);
            }
            return chosen[0].select(logits, history, n);
        };
    }

    /** One map instance for the SDK's tool and the expected one, so both list the properties in the same order. */
    static final Map<String, Object> WEATHER_PROPERTIES = Map.of("city", Map.of("type", "string"),
            "days", Map.of("type", "integer"));

    static FunctionDefinition weatherFunction() {
        return FunctionDefinition.builder().name("get_weather").description("Weather forecast for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(WEATHER_PROPERTIES))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    @Test
    void toolCallRoundTripWithTheSdk() throws IOException {
        try (OpenAiServer scripted = OpenAiServer.start(model, "tiny",
                ServerConfig.defaults().withPort(0).withOptionsHook(o -> o.withSelector(toolScript(model))))) {
            OpenAIClient client = client(scripted);
            ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("tiny")
                    .addUserMessage("What's the weather in Paris?").addFunctionTool(weatherFunction()).build();
            ChatCompletion c = client.chat().completions().create(first);
            ChatCompletion.Choice choice = c.choices().getFirst();
            assertEquals("tool_calls", choice.finishReason().asString());
            assertEquals("The user wants the weather.", reasoningOf(choice.message()._additionalProperties()));
            assertTrue(choice.message().content().isEmpty(), "content is null for a pure tool-call turn");
            ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
            assertTrue(call.id().matches("call_[A-Za-z0-9]{24}"), call.id());
            assertEquals("get_weather", call.function().name());
            assertEquals(parse("{\"city\":\"Paris\",\"days\":2}"), parse(call.function().arguments()));

            // send the call and its result back, as an agent loop does
            ChatCompletionMessage assistant = choice.message();
            ChatCompletionCreateParams second = first.toBuilder().addMessage(assistant)
                    .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id())
                            .content("{\"forecast\": \"sunny\"}").build())
                    .build();
            ChatCompletion answer = client.chat().completions().create(second);
            assertEquals("It is sunny in Paris.", answer.choices().getFirst().message().content().orElseThrow());
            assertEquals("stop", answer.choices().getFirst().finishReason().asString());
            assertEquals("Sunny it is.", reasoningOf(answer.choices().getFirst().message()._additionalProperties()));

            // the server rendered the history (assistant tool call + tool result) as the library does
            ObjectNode args = (ObjectNode) parse("{\"city\":\"Paris\",\"days\":2}");
            List<ChatMessage> history = List.of(ChatMessage.user("What's the weather in Paris?"),
                    ChatMessage.assistantToolCalls(null, List.of(new ToolCall("get_weather", args, call.id())), ""),
                    ChatMessage.tool(null, call.id(), "{\"forecast\": \"sunny\"}"));
            // the tool as the SDK sends it (the template writes the JSON with its key order)
            ObjectNode toolJson = Http.JSON.createObjectNode();
            ObjectNode fn = toolJson.putObject("function").put("name", "get_weather")
                    .put("description", "Weather forecast for a city");
            toolJson.put("type", "function");
            ObjectNode params = fn.putObject("parameters").put("type", "object");
            params.set("properties", Http.JSON.valueToTree(WEATHER_PROPERTIES));
            params.putArray("required").add("city");
            int expectedPrompt = model.chatPromptTokens(history, List.of(new ToolDefinition(toolJson))).length;
            assertEquals(expectedPrompt, answer.usage().orElseThrow().promptTokens());
            client.close();
        }
    }

    @Test
    void streamedToolCallHasIndexIdAndStringArguments() throws IOException {
        try (OpenAiServer scripted = OpenAiServer.start(model, "tiny",
                ServerConfig.defaults().withPort(0).withOptionsHook(o -> o.withSelector(toolScript(model))))) {
            String body = """
                    {"messages":[{"role":"user","content":"Weather in Paris?"}],"stream":true,
                     "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""";
            List<String> events = Http.events(new Http(scripted.port()).post("/v1/chat/completions", body).body());
            List<JsonNode> calls = new ArrayList<>();
            StringBuilder reasoning = new StringBuilder();
            for (String e : events.subList(0, events.size() - 1)) {
                JsonNode delta = parse(e).at("/choices/0/delta");
                if (delta.has("tool_calls")) delta.get("tool_calls").forEach(calls::add);
                reasoning.append(delta.path("reasoning_content").asText(""));
            }
            assertEquals("The user wants the weather.", reasoning.toString());
            assertEquals(1, calls.size());
            JsonNode call = calls.getFirst();
            assertEquals(0, call.get("index").asInt());
            assertTrue(call.get("id").asText().startsWith("call_"));
            assertEquals("function", call.get("type").asText());
            assertEquals("get_weather", call.at("/function/name").asText());
            assertTrue(call.at("/function/arguments").isTextual(), "arguments are a JSON string");
            assertEquals(parse("{\"city\":\"Paris\",\"days\":2}"), parse(call.at("/function/arguments").asText()));
            assertEquals("tool_calls", parse(events.get(events.size() - 2)).at("/choices/0/finish_reason").asText());
        }
    }

    @Test
    void toolChoiceRequiredMakesTheAnswerOpenACall() throws IOException {
        // the scripted model thinks, then writes the call's body but "forgets" <|tool_call_start|>
        String forgetful = "<think>Weather, so the tool.</think>[get_weather(city=\"Paris\")]<|tool_call_end|>";
        try (OpenAiServer scripted = OpenAiServer.start(model, "tiny", ServerConfig.defaults().withPort(0)
                .withOptionsHook(o -> o.withSelector(TestModel.script(model, forgetful))))) {
            Http h = new Http(scripted.port());
            String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]";
            String base = "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]" + tools;

            JsonNode auto = Http.json(h.post(OpenAiServer.CHAT, base + "}"));
            assertEquals("stop", auto.at("/choices/0/finish_reason").asText(), auto.toString());
            assertTrue(auto.at("/choices/0/message/tool_calls").isMissingNode(), auto.toString());

            for (String choice : List.of("\"required\"", "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}")) {
                JsonNode forced = Http.json(h.post(OpenAiServer.CHAT, base + ",\"tool_choice\":" + choice + "}"));
                assertEquals("tool_calls", forced.at("/choices/0/finish_reason").asText(), forced.toString());
                assertEquals("get_weather", forced.at("/choices/0/message/tool_calls/0/function/name").asText());
                assertEquals("{\"city\":\"Paris\"}", forced.at("/choices/0/message/tool_calls/0/function/arguments").asText());
                assertEquals("Weather, so the tool.", forced.at("/choices/0/message/reasoning_content").asText());
            }
        }
    }

    @Test
    void toolChoiceNoneLeavesTheToolsOutOfThePrompt() {
        ObjectNode body = greetingJson(1);
        body.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "get_weather");
        int withTools = Http.json(http.post("/v1/chat/completions", body.toString())).at("/usage/prompt_tokens").asInt();
        body.put("tool_choice", "none");
        int without = Http.json(http.post("/v1/chat/completions", body.toString())).at("/usage/prompt_tokens").asInt();
        assertEquals(model.chatPromptTokens(GREETING, List.of()).length, without);
        assertTrue(withTools > without, withTools + " vs " + without);
    }

    // ---- other endpoints ----

    @Test
    void modelsHealthAndMetrics() {
        JsonNode models = Http.json(http.get("/v1/models"));
        assertEquals("list", models.get("object").asText());
        assertEquals("tiny", models.at("/data/0/id").asText());
        assertEquals("model", models.at("/data/0/object").asText());
        assertEquals("tiny", sdk.models().list().data().getFirst().id());
        assertEquals("tiny", sdk.models().retrieve("tiny").id());
        assertEquals("tiny", Http.json(http.get("/v1/models/tiny")).get("id").asText());
        var missing = http.get("/v1/models/gpt-4");
        assertEquals(404, missing.statusCode());
        assertEquals("model_not_found", Http.json(missing).at("/error/code").asText());

        JsonNode health = Http.json(http.get("/health"));
        assertEquals("ok", health.get("status").asText());

        long before = server.metrics().requestCount(OpenAiServer.CHAT, 200);
        http.post("/v1/chat/completions", greetingJson(3).toString());
        http.post("/v1/nothing", "{}");
        // requests are counted just after their response is complete, so give the counter a moment
        Http.eventually(() -> server.metrics().requestCount("other", 404) > 0
                && server.metrics().requestCount(OpenAiServer.CHAT, 200) >= before + 1, "requests counted");
        var m = http.get("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = m.body();
        assertTrue(metricValue(text, "lfm4j_http_requests_total{endpoint=\"/v1/chat/completions\",status=\"200\"}")
                >= before + 1, text);
        assertTrue(text.contains("lfm4j_http_requests_total{endpoint=\"other\",status=\"404\"}"), text);
        for (String name : List.of("lfm4j_generated_tokens_total", "lfm4j_prompt_tokens_total",
                "lfm4j_decode_tokens_per_second", "lfm4j_queue_length 0", "lfm4j_slots_active", "lfm4j_slots_total 2")) {
            assertTrue(text.contains("\n" + name), name + " missing:\n" + text);
        }
        long generated = metricValue(text, "lfm4j_generated_tokens_total");
        assertTrue(generated > 0, "tokens were generated: " + generated);
    }

    @Test
    void everyAnsweredRequestIsLoggedInOneLine() throws IOException {
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (OpenAiServer logged = OpenAiServer.start(model, "tiny",
                ServerConfig.defaults().withPort(0).withRequestLog(log::add))) {
            Http h = new Http(logged.port());
            h.post(OpenAiServer.CHAT, greetingJson(2).toString());
            h.get("/missing");
            Http.eventually(() -> log.size() == 2, "two log lines: " + log); // written after the response
        }
        // each line is written once its response is out, so the two may land in either order
        assertTrue(log.stream().anyMatch(l -> l.matches("POST /v1/chat/completions 200 \\d+ ms")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.matches("GET /missing 404 \\d+ ms")), log.toString());
    }

    static long metricValue(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) return (long) Double.parseDouble(line.substring(name.length() + 1));
        }
        throw new AssertionError(name + " not in\n" + text);
    }
}
