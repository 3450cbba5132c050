package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonSchemaLocalValidation;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletion;
import io.github.lfm4j.model.grammar.Grammar;
import io.github.lfm4j.runner.api.LanguageModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code response_format} (OpenAI's json_object and json_schema, through the official SDK's structured-output API
 * too) and llama.cpp's {@code grammar} / {@code json_schema} fields on the tiny random model, whose answers are
 * valid only thanks to the constraint; bad schemas and grammars are 400s naming the problem.
 */
@Timeout(120)
class ServerStructuredOutputTest {
    static LanguageModel model;
    static OpenAiServer server;
    static Http http;
    static OpenAIClient sdk;

    @BeforeAll
    static void start() throws IOException {
        model = TestModel.shared();
        server = OpenAiServer.start(model, "tiny", ServerConfig.defaults().withPort(0));
        http = new Http(server.port());
        sdk = OpenAiServerTest.client(server);
    }

    @AfterAll
    static void stop() {
        if (sdk != null) sdk.close();
        if (server != null) server.close();
    }

    public enum Unit { CELSIUS, FAHRENHEIT }

    public static class Reading {
        @JsonPropertyDescription("the unit of the temperature")
        public Unit unit;
        public long temperature;
        public boolean sunny;
    }

    public static class Report {
        public Reading today;
        public List<Unit> units;
    }

    @Test
    void sdkStructuredOutputGivesInstancesOfTheClass() {
        for (long seed = 1; seed <= 3; seed++) {
            StructuredChatCompletion<Report> c = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("tiny").addUserMessage("Weather report?").maxCompletionTokens(400).seed(seed).temperature(1.0)
                    .responseFormat(Report.class, JsonSchemaLocalValidation.YES)
                    .putAdditionalBodyProperty("thinking_budget", JsonValue.from(4))
                    .build());
            assertEquals("stop", c.choices().getFirst().finishReason().asString());
            Report r = c.choices().getFirst().message().content().orElseThrow();
            assertTrue(r.today != null && r.today.unit != null && r.units != null, "parsed by the SDK into the class");
        }
    }

    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":12},"
            + "\"days\":{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":31},\"maxItems\":3}},"
            + "\"required\":[\"city\",\"days\"],\"additionalProperties\":false}";

    private static JsonNode post(String path, String body, int status) {
        var r = http.post(path, body);
        assertEquals(status, r.statusCode(), r.body());
        return Http.json(r);
    }

    private static void assertValid(String json) throws IOException {
        var errors = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(Http.JSON.readTree(SCHEMA))
                .validate(Http.JSON.readTree(json));
        assertTrue(errors.isEmpty(), errors + " for " + json);
    }

    @Test
    void responseFormatJsonSchemaAndLlamaCppFields() throws IOException {
        String chat = "{\"messages\":[{\"role\":\"user\",\"content\":\"Where?\"}],\"thinking\":false,\"max_tokens\":300,"
                + "\"temperature\":0.9,\"seed\":5,";
        JsonNode a = post(OpenAiServer.CHAT, chat + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
                + "{\"name\":\"trip\",\"strict\":true,\"schema\":" + SCHEMA + "}}}", 200);
        assertEquals("stop", a.at("/choices/0/finish_reason").asText(), a.toString());
        assertValid(a.at("/choices/0/message/content").asText());

        JsonNode b = post(OpenAiServer.CHAT, chat + "\"json_schema\":" + SCHEMA + "}", 200);
        assertValid(b.at("/choices/0/message/content").asText());

        // completions take the same fields; a GBNF grammar
        String gbnf = "root ::= \"(\" num (\" \" op \" \" num){1,3} \")\"\nop ::= [-+*/]\nnum ::= [1-9] [0-9]?";
        var body = Http.JSON.createObjectNode().put("prompt", "Compute").put("max_tokens", 100).put("grammar", gbnf);
        JsonNode c = post(OpenAiServer.COMPLETIONS, body.toString(), 200);
        String text = c.at("/choices/0/text").asText();
        assertEquals("stop", c.at("/choices/0/finish_reason").asText(), c.toString());
        assertTrue(Grammar.parse(gbnf).matches(text), text);
        assertTrue(text.matches("\\([1-9][0-9]?( [-+*/] [1-9][0-9]?){1,3}\\)"), text);

        // streamed: the deltas add up to a valid document
        var s = http.post(OpenAiServer.CHAT, chat + "\"stream\":true,\"json_schema\":" + SCHEMA + "}");
        assertEquals(200, s.statusCode(), s.body());
        StringBuilder streamed = new StringBuilder();
        for (String e : Http.events(s.body())) {
            if (e.equals("[DONE]")) continue;
            JsonNode d = Http.JSON.readTree(e).at("/choices/0/delta/content");
            if (d.isTextual()) streamed.append(d.asText());
        }
        assertValid(streamed.toString());
    }

    static final String WEATHER_PARAMS = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":12},"
            + "\"unit\":{\"enum\":[\"celsius\",\"fahrenheit\"]},\"days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":7}},"
            + "\"required\":[\"city\",\"unit\"],\"additionalProperties\":false}";

    @Test
    void strictToolCallArgumentsValidateAgainstTheToolsSchema() throws IOException {
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"strict\":true,\"parameters\":"
                + WEATHER_PARAMS + "}},{\"type\":\"function\",\"function\":{\"name\":\"noop\",\"strict\":true,\"parameters\":"
                // closed, as strict tools' schemas are: an open {} lets a random model write arguments until max_tokens
                + "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}}}]";
        var validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(Http.JSON.readTree(WEATHER_PARAMS));
        int weatherCalls = 0;
        for (long seed = 1; seed <= 4; seed++) {
            JsonNode j = post(OpenAiServer.CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}],"
                    + "\"tools\":" + tools + ",\"tool_choice\":\"required\",\"thinking\":false,\"max_tokens\":300,"
                    + "\"temperature\":1.0,\"seed\":" + seed + "}", 200);
            assertEquals("tool_calls", j.at("/choices/0/finish_reason").asText(), j.toString());
            for (JsonNode call : j.at("/choices/0/message/tool_calls")) {
                String name = call.at("/function/name").asText();
                assertTrue(name.equals("get_weather") || name.equals("noop"), j.toString());
                if (!name.equals("get_weather")) continue;
                weatherCalls++;
                var errors = validator.validate(Http.JSON.readTree(call.at("/function/arguments").asText()));
                assertTrue(errors.isEmpty(), errors + " for " + call);
            }
        }
        assertTrue(weatherCalls > 0, "some seed calls the strict tool");
    }

    @Test
    void jsonObjectMode() throws IOException {
        JsonNode j = post(OpenAiServer.CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"thinking\":false,"
                + "\"max_tokens\":200,\"seed\":3,\"response_format\":{\"type\":\"json_object\"}}", 200);
        String content = j.at("/choices/0/message/content").asText();
        if (j.at("/choices/0/finish_reason").asText().equals("stop")) assertTrue(Http.JSON.readTree(content).isObject(), content);
        else assertTrue(Grammar.parse(io.github.lfm4j.model.grammar.JsonGrammars.JSON_OBJECT).matchesPrefix(content), content);
    }

    @Test
    void badSchemasAndGrammarsAre400() {
        String m = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],";
        String[][] cases = {
                {m + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"string\",\"format\":\"email\"}}}}", "format: email"},
                {m + "\"response_format\":{\"type\":\"yaml\"}}", "response_format.type"},
                {m + "\"response_format\":{\"type\":\"json_schema\"}}", "json_schema"},
                {m + "\"grammar\":\"root ::= foo\"}", "undefined rule 'foo'"},
                {m + "\"json_schema\":{\"type\":\"integer\",\"multipleOf\":2}}", "multipleOf"},
                {m + "\"grammar\":\"root ::= \\\"a\\\"\",\"json_schema\":{}}", "at most one"},
                {m + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
                        + "\"tool_choice\":\"required\",\"response_format\":{\"type\":\"json_object\"}}", "tool_choice"},
        };
        for (String[] c : cases) {
            JsonNode e = post(OpenAiServer.CHAT, c[0], 400);
            assertTrue(e.at("/error/message").asText().contains(c[1]), e.toString());
            assertEquals("invalid_request_error", e.at("/error/type").asText(), e.toString());
        }
    }
}
