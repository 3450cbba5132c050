package io.github.lfm4j.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.CustomMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.chat.ChatRole;
import io.github.lfm4j.model.sampling.SamplerParams;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.LanguageModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every supported field of a ChatRequest reaches the engine as it should; the unsupported ones are refused. */
class ParameterMappingTest {
    private static final ToolSpecification WEATHER = ToolSpecification.builder().name("get_weather")
            .description("Weather in a city")
            .parameters(JsonObjectSchema.builder().addStringProperty("city", "the city").required("city").build())
            .build();

    private static ChatEngine engine(GenerationOptions base) {
        return new ChatEngine(TestModel.shared(), false, () -> base);
    }

    private static ChatRequest.Builder hello() {
        return ChatRequest.builder().messages(UserMessage.from("Hello"));
    }

    @Test
    void samplingParametersReachTheOptions() {
        ChatRequest r = hello().temperature(0.7).topP(0.9).topK(12).presencePenalty(0.25).maxOutputTokens(33)
                .stopSequences(List.of("END", "STOP")).build();
        GenerationOptions base = GenerationOptions.defaults().withSampling(SamplerParams.defaults(7));
        GenerationOptions o = engine(base).prepare(r).options();
        assertEquals(new SamplerParams(0.7f, 12, 0.9f, SamplerParams.DEFAULT_MIN_P, SamplerParams.DEFAULT_REPETITION_PENALTY,
                0.25f, SamplerParams.DEFAULT_PENALTY_LAST_N, 7), o.sampling());
        assertEquals(33, o.maxTokens());
        assertEquals(List.of("END", "STOP"), o.stop());
        // what a request leaves out keeps the base options (the model card's sampling)
        GenerationOptions unset = engine(base).prepare(hello().build()).options();
        assertEquals(base, unset);
    }

    @Test
    void temperatureZeroIsPlainGreedy() {
        GenerationOptions o = engine(GenerationOptions.defaults()).prepare(hello().temperature(0.0).build()).options();
        assertTrue(o.sampling().isGreedy());
        assertEquals(1f, o.sampling().repetitionPenalty());
    }

    @Test
    void defaultRequestParametersAreOverriddenByTheRequest() {
        TestModel.Script script = new TestModel.Script(TestModel.shared(), (p, g) -> "one two three four five six");
        ChatRequestParameters defaults = ChatRequestParameters.builder().maxOutputTokens(2).temperature(0.0).build();
        try (Lfm4jChatModel model = Lfm4jChatModel.builder().model(TestModel.shared()).defaultRequestParameters(defaults)
                .generationOptions(GenerationOptions.greedy().withSelector(script)).build()) {
            assertEquals(defaults, model.defaultRequestParameters());
            ChatResponse byDefault = model.chat(hello().build());
            assertEquals(2, byDefault.tokenUsage().outputTokenCount());
            assertEquals(FinishReason.LENGTH, byDefault.finishReason());
            ChatResponse overridden = model.chat(hello().maxOutputTokens(4).build());
            assertEquals(4, overridden.tokenUsage().outputTokenCount());
        }
    }

    @Test
    void messagesOfEveryKindAreMapped() {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_1").name("get_weather")
                .arguments("{\"city\": \"Paris\"}").build();
        ChatRequest r = ChatRequest.builder().messages(
                SystemMessage.from("Be brief."),
                UserMessage.from(TextContent.from("Weather"), TextContent.from("in Paris?")),
                AiMessage.builder().thinking("Use the tool.").toolExecutionRequests(List.of(call)).build(),
                ToolExecutionResultMessage.from(call, "{\"temperature_c\": 21}"),
                AiMessage.builder().text("21 °C.").thinking("Easy.").build(),
                UserMessage.from("Thanks")).toolSpecifications(WEATHER).build();
        ChatEngine.Prepared p = engine(GenerationOptions.greedy()).prepare(r);
        List<ChatMessage> m = p.messages();
        assertEquals(ChatMessage.system("Be brief."), m.get(0));
        assertEquals(ChatMessage.user("Weather\nin Paris?"), m.get(1));
        assertEquals(ChatRole.ASSISTANT, m.get(2).role());
        assertEquals("Use the tool.", m.get(2).reasoning());
        assertEquals("get_weather", m.get(2).toolCalls().getFirst().name());
        assertEquals("Paris", m.get(2).toolCalls().getFirst().arguments().get("city").asText());
        assertEquals("call_1", m.get(2).toolCalls().getFirst().id());
        assertEquals(ChatMessage.tool("get_weather", "call_1", "{\"temperature_c\": 21}"), m.get(3));
        assertEquals(ChatMessage.assistant("Easy.", "21 °C."), m.get(4));
        assertEquals(ChatMessage.user("Thanks"), m.get(5));
        // the tool list as the template writes it
        assertEquals(1, p.tools().size());
        assertEquals("{\"name\": \"get_weather\", \"description\": \"Weather in a city\", \"parameters\": {\"type\":"
                + " \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"the city\"}},"
                + " \"required\": [\"city\"]}}", p.tools().getFirst().toPromptJson());
        String prompt = TestModel.shared().chatPromptText(m, p.tools());
        assertTrue(prompt.contains("<|tool_call_start|>[get_weather(city=\"Paris\")]<|tool_call_end|>"), prompt);
    }

    @Test
    void toolChoiceNoneLeavesTheToolsOut() {
        ChatEngine e = engine(GenerationOptions.greedy());
        assertEquals(1, e.prepare(hello().toolSpecifications(WEATHER).toolChoice(ToolChoice.AUTO).build()).tools().size());
        assertEquals(List.of(), e.prepare(hello().toolSpecifications(WEATHER).toolChoice(ToolChoice.NONE).build()).tools());
    }

    /** REQUIRED: the model "wants" to answer in prose, but its answer is made to open a tool call, which it completes. */
    @Test
    void toolChoiceRequiredForcesACall() {
        TestModel.Script script = new TestModel.Script(TestModel.shared(), (prompt, generated) ->
                generated.startsWith("<|tool_call_start|>")
                        ? "<|tool_call_start|>[get_weather(city=\"Oslo\")]<|tool_call_end|>"
                        : "No need for tools.");
        try (Lfm4jChatModel model = Lfm4jChatModel.builder().model(TestModel.shared())
                .generationOptions(GenerationOptions.greedy().withSelector(script)).build()) {
            ChatResponse auto = model.chat(hello().toolSpecifications(WEATHER).build());
            assertEquals("No need for tools.", auto.aiMessage().text());
            assertFalse(auto.aiMessage().hasToolExecutionRequests());
            assertEquals(FinishReason.STOP, auto.finishReason());

            ChatResponse required = model.chat(hello().toolSpecifications(WEATHER).toolChoice(ToolChoice.REQUIRED).build());
            assertEquals(FinishReason.TOOL_EXECUTION, required.finishReason());
            ToolExecutionRequest call = required.aiMessage().toolExecutionRequests().getFirst();
            assertEquals("get_weather", call.name());
            assertEquals("{\"city\":\"Oslo\"}", call.arguments());
            assertNull(required.aiMessage().text());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine(GenerationOptions.greedy()).prepare(hello().toolChoice(ToolChoice.REQUIRED).build()));
        assertEquals("toolChoice is REQUIRED but no toolSpecifications are given", e.getMessage());
    }

    @Test
    void responseCarriesThinkingApartToolCallIdsAndUsage() {
        TestModel.Script script = new TestModel.Script(TestModel.shared(), (p, g) ->
                "<think>Two calls.</think><|tool_call_start|>[get_weather(city=\"Paris\"), get_weather(city=\"Rome\")]"
                        + "<|tool_call_end|>");
        try (Lfm4jChatModel model = Lfm4jChatModel.builder().model(TestModel.shared())
                .generationOptions(GenerationOptions.greedy().withSelector(script)).build()) {
            ChatRequest request = hello().toolSpecifications(WEATHER).build();
            ChatResponse r = model.chat(request);
            assertEquals("Two calls.", r.aiMessage().thinking());
            List<ToolExecutionRequest> calls = r.aiMessage().toolExecutionRequests();
            assertEquals(List.of("{\"city\":\"Paris\"}", "{\"city\":\"Rome\"}"), calls.stream().map(ToolExecutionRequest::arguments).toList());
            assertNotEquals(calls.get(0).id(), calls.get(1).id());
            Lfm4jTokenUsage u = (Lfm4jTokenUsage) r.tokenUsage();
            List<ChatMessage> mapped = MessageMapper.toLfm4j(request.messages());
            assertEquals(TestModel.shared().chatPromptTokens(mapped, ToolMapper.toLfm4j(List.of(WEATHER))).length, u.inputTokenCount());
            int generated = TestModel.shared().tokenizer().encode("<think>Two calls.</think><|tool_call_start|>[get_weather("
                    + "city=\"Paris\"), get_weather(city=\"Rome\")]<|tool_call_end|>", false, true).length;
            assertEquals(generated, u.outputTokenCount());
            // the tokens inside the trace, the tags not counted
            assertEquals(TestModel.shared().tokenizer().encode("Two calls.", false, false).length, u.reasoningTokenCount());
            assertEquals(u.inputTokenCount() + u.outputTokenCount(), u.totalTokenCount());
            assertTrue(r.modelName() != null && !r.modelName().isEmpty());
        }
    }

    @Test
    void stopSequencesEndTheAnswerAndAreNotIncluded() {
        TestModel.Script script = new TestModel.Script(TestModel.shared(), (p, g) -> "Hello STOP world");
        try (Lfm4jChatModel model = Lfm4jChatModel.builder().model(TestModel.shared())
                .generationOptions(GenerationOptions.greedy().withSelector(script)).build()) {
            assertEquals("Hello STOP world", model.chat(hello().build()).aiMessage().text());
            ChatResponse r = model.chat(hello().stopSequences(List.of("STOP")).build());
            assertEquals("Hello ", r.aiMessage().text());
            assertEquals(FinishReason.STOP, r.finishReason());
        }
    }

    /**
     * A JSON schema response format constrains the answer through the engine's structured output: the random-weight
     * tiny model has no wish to write JSON, so every byte of validity comes from the constraint.
     */
    @Test
    void jsonSchemaResponseFormatConstrainsTheAnswer() throws Exception {
        ResponseFormat schema = ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(JsonSchema.builder()
                .name("Person").rootElement(JsonObjectSchema.builder()
                        .addProperty("name", dev.langchain4j.model.chat.request.json.JsonEnumSchema.builder()
                                .enumValues("Ada", "Alan").build())
                        .addIntegerProperty("age").addBooleanProperty("admin")
                        .required("name", "age", "admin").additionalProperties(false).build()).build()).build();
        try (Lfm4jChatModel model = Lfm4jChatModel.builder().model(TestModel.shared()).thinking(false).build()) {
            for (double temperature : new double[]{0.0, 1.0}) {
                ChatResponse r = model.chat(hello().responseFormat(schema).temperature(temperature)
                        .maxOutputTokens(200).build());
                com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(r.aiMessage().text());
                assertTrue(j.path("name").asText().equals("Ada") || j.path("name").asText().equals("Alan"), j.toString());
                assertTrue(j.path("age").isIntegralNumber() && j.path("admin").isBoolean() && j.size() == 3, j.toString());
                assertEquals(FinishReason.STOP, r.finishReason(), r.aiMessage().text());
            }
            // JSON without a schema: some JSON object
            ChatResponse any = model.chat(hello().responseFormat(ResponseFormat.JSON).temperature(0.0)
                    .maxOutputTokens(200).build());
            assertTrue(any.aiMessage().text().startsWith("{"), any.aiMessage().text());
        }
    }

    @Test
    void unsupportedFeaturesAreRefused() {
        ChatEngine e = engine(GenerationOptions.greedy());
        e.prepare(hello().responseFormat(ResponseFormat.TEXT).build()); // plain text is what it does
        assertThrows(UnsupportedFeatureException.class, () -> e.prepare(hello().frequencyPenalty(0.5).build()));
        e.prepare(hello().frequencyPenalty(0.0).build());
        assertThrows(UnsupportedFeatureException.class, () -> e.prepare(ChatRequest.builder()
                .messages(UserMessage.from(TextContent.from("What is this?"), ImageContent.from("https://example.com/a.png"))).build()));
        assertThrows(UnsupportedFeatureException.class, () -> e.prepare(ChatRequest.builder()
                .messages(CustomMessage.from(Map.of("k", "v"))).build()));
    }

    @Test
    void badValuesAreOneLineErrors() {
        ChatEngine e = engine(GenerationOptions.greedy());
        assertEquals("topP must be in (0, 1], got 0.0",
                assertThrows(IllegalArgumentException.class, () -> e.prepare(hello().topP(0.0).build())).getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.prepare(hello().topP(1.5).build()));
        assertThrows(IllegalArgumentException.class, () -> e.prepare(hello().temperature(-1.0).build()));
        assertThrows(IllegalArgumentException.class, () -> e.prepare(hello().topK(-1).build()));
        assertThrows(IllegalArgumentException.class, () -> e.prepare(hello().maxOutputTokens(0).build()));
        ToolExecutionRequest bad = ToolExecutionRequest.builder().id("c").name("get_weather").arguments("{city").build();
        IllegalArgumentException args = assertThrows(IllegalArgumentException.class, () -> e.prepare(ChatRequest.builder()
                .messages(UserMessage.from("x"), AiMessage.from(bad), ToolExecutionResultMessage.from(bad, "r")).build()));
        assertTrue(args.getMessage().startsWith("arguments of tool call 'get_weather' are not valid JSON"), args.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.prepare(hello().toolSpecifications(WEATHER, WEATHER).build()));

        assertEquals("give exactly one of modelPath(...) and model(...)",
                assertThrows(IllegalArgumentException.class, () -> Lfm4jChatModel.builder().build()).getMessage());
        LanguageModel shared = TestModel.shared();
        assertThrows(IllegalArgumentException.class,
                () -> Lfm4jChatModel.builder().model(shared).modelPath(TestModel.FILE).build());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Lfm4jChatModel.builder().modelPath(Path.of("no-such-model.gguf")).build());
        assertFalse(missing.getMessage().contains("\n"), missing.getMessage());
    }
}
