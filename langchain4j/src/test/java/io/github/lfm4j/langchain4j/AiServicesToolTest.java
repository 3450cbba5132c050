package io.github.lfm4j.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.tool.ToolExecution;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.LanguageModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LangChain4j's own AiServices with a {@code @Tool} the model calls and whose result it answers with. */
class AiServicesToolTest {

    interface Assistant {
        Result<String> chat(String message);
    }

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    @Test
    void aiServiceCallsTheToolAndAnswersWithItsResult() {
        LanguageModel model = TestModel.shared();
        TestModel.Script script = new TestModel.Script(model, WeatherBrain::answer);
        int temperature = ThreadLocalRandom.current().nextInt(-30, 45);
        WeatherBrain.Tools tools = new WeatherBrain.Tools(temperature);
        Lfm4jChatModel chatModel = Lfm4jChatModel.builder().model(model)
                .generationOptions(GenerationOptions.greedy().withSelector(script)).build();
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(chatModel).tools(tools).build();

        Result<String> result = assistant.chat("What's the weather in Paris?");

        assertEquals("It is " + temperature + " °C and sunny in Paris.", result.content());
        assertEquals(List.of("Paris"), tools.calls);
        assertEquals(1, result.toolExecutions().size());
        ToolExecution exec = result.toolExecutions().getFirst();
        assertEquals("getWeather", exec.request().name());
        assertEquals("{\"city\":\"Paris\"}", exec.request().arguments());
        assertTrue(exec.request().id().matches("call_[A-Za-z0-9]{24}"), exec.request().id());
        assertEquals(FinishReason.STOP, result.finishReason());

        // the tool list in the system turn is the JSON schema AiServices built from the @Tool method
        String first = script.prompts.get(0);
        assertTrue(first.contains("{\"name\": \"getWeather\", \"description\": \"Current weather in a city\", \"parameters\":"
                + " {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\":"
                + " \"the city's name\"}}, \"required\": [\"city\"]}}"), first);
        // the second request carries the call (as the model wrote it) and the tool's result
        String second = script.prompts.get(1);
        assertTrue(second.contains("<|tool_call_start|>[getWeather(city=\"Paris\")]<|tool_call_end|>"), second);
        assertTrue(second.contains("\"temperature_c\": " + temperature), second);

        // the thinking trace is the AiMessage's, never in its text
        ChatResponse last = result.finalResponse();
        assertEquals("The tool says " + temperature + " degrees.", last.aiMessage().thinking());
        assertFalse(last.aiMessage().text().contains("degrees."));
        ChatResponse firstResponse = result.intermediateResponses().getFirst();
        assertEquals(FinishReason.TOOL_EXECUTION, firstResponse.finishReason());
        assertNull(firstResponse.aiMessage().text());
        assertEquals("I need the weather tool.", firstResponse.aiMessage().thinking());

        // the round trip's second request reused the first one's prompt from the engine's cache
        Lfm4jTokenUsage secondUsage = assertInstanceOf(Lfm4jTokenUsage.class, last.tokenUsage());
        Lfm4jTokenUsage firstUsage = assertInstanceOf(Lfm4jTokenUsage.class, firstResponse.tokenUsage());
        assertTrue(secondUsage.cachedInputTokenCount() >= firstUsage.inputTokenCount(), secondUsage + " after " + firstUsage);
        Lfm4jTokenUsage total = assertInstanceOf(Lfm4jTokenUsage.class, result.tokenUsage());
        assertEquals(firstUsage.inputTokenCount() + secondUsage.inputTokenCount(), total.inputTokenCount());
        assertEquals(firstUsage.cachedInputTokenCount() + secondUsage.cachedInputTokenCount(), total.cachedInputTokenCount());
    }

    @Test
    void streamingAiServiceDeliversThinkingToolCallAndAnswerInOrder() throws Exception {
        LanguageModel model = TestModel.shared();
        TestModel.Script script = new TestModel.Script(model, WeatherBrain::answer);
        int temperature = ThreadLocalRandom.current().nextInt(-30, 45);
        WeatherBrain.Tools tools = new WeatherBrain.Tools(temperature);
        Lfm4jStreamingChatModel chatModel = Lfm4jStreamingChatModel.builder().model(model)
                .generationOptions(GenerationOptions.greedy().withSelector(script)).build();
        StreamingAssistant assistant = AiServices.builder(StreamingAssistant.class).streamingChatModel(chatModel)
                .tools(tools).build();

        List<String> events = new CopyOnWriteArrayList<>();
        StringBuilder answer = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        assistant.chat("What's the weather in Paris?")
                .onPartialThinking(t -> events.add("thinking:" + t.text()))
                .onPartialResponse(t -> {
                    events.add("answer:" + t);
                    answer.append(t);
                })
                .onToolExecuted(e -> events.add("tool:" + e.request().name() + e.request().arguments() + "=" + e.result()))
                .onCompleteResponse(done::complete)
                .onError(done::completeExceptionally)
                .start();
        ChatResponse response = done.get(60, TimeUnit.SECONDS);

        String expected = "It is " + temperature + " °C and sunny in Paris.";
        assertEquals(expected, response.aiMessage().text());
        assertEquals(expected, answer.toString());
        assertEquals(List.of("Paris"), tools.calls);
        // order: the first turn's thinking, the tool, the second turn's thinking, then the answer
        String joined = String.join("|", events);
        int think1 = joined.indexOf("thinking:"), tool = joined.indexOf("tool:getWeather{\"city\":\"Paris\"}=");
        int think2 = joined.indexOf("thinking:", tool), answer1 = joined.indexOf("answer:");
        assertTrue(think1 >= 0 && think1 < tool && tool < think2 && think2 < answer1, joined);
        assertEquals("I need the weather tool.", concat(events.subList(0, events.indexOf(events.stream()
                .filter(e -> e.startsWith("tool:")).findFirst().orElseThrow())), "thinking:"));
        assertEquals("The tool says " + temperature + " degrees.", response.aiMessage().thinking());
        assertFalse(joined.contains("answer:<") || joined.contains("tool_call"), joined);
    }

    private static String concat(List<String> events, String kind) {
        StringBuilder sb = new StringBuilder();
        for (String e : events) if (e.startsWith(kind)) sb.append(e.substring(kind.length()));
        return sb.toString();
    }
}
