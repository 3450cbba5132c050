package io.github.lfm4j.runner.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import io.github.lfm4j.runner.api.ChatSession;
import io.github.lfm4j.runner.api.FinishReason;
import io.github.lfm4j.runner.api.GenerationEvent;
import io.github.lfm4j.runner.api.GenerationListener;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.LanguageModel;
import io.github.lfm4j.runner.api.ModelOptions;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tool calling with the lfm4j library: offer a tool, let the model call it, run it, hand the result back, and
 * print the model's answer. Run with a model file:
 *
 * <pre>java ... io.github.lfm4j.runner.examples.ToolCallingExample LFM2.5-1.2B-Thinking-Q4_0.gguf</pre>
 */
public final class ToolCallingExample {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ToolCallingExample MODEL.gguf");
            System.exit(2);
        }
        run(Path.of(args[0]), ModelOptions.defaults(), GenerationOptions.defaults().withMaxTokens(2048), System.out);
    }

    /** The tool the model may call, described with a JSON schema for its arguments. */
    static ToolDefinition weatherTool() {
        ObjectNode params = JSON.createObjectNode().put("type", "object");
        params.putObject("properties").putObject("city").put("type", "string").put("description", "City name");
        params.putArray("required").add("city");
        return ToolDefinition.function("get_weather", "Current weather in a city", params);
    }

    /** Our implementation of the tool (a real program would call a weather service). */
    static String getWeather(String city) {
        return JSON.createObjectNode().put("city", city).put("temperature_c", 21).put("sky", "sunny").toString();
    }

    /**
     * Asks about the weather in Paris, runs the tool calls the model makes (at most 4 rounds), and returns the final
     * answer; the conversation is printed to {@code out} as it streams.
     */
    public static String run(Path modelFile, ModelOptions modelOptions, GenerationOptions options, PrintStream out) {
        try (LanguageModel model = LanguageModel.load(modelFile, modelOptions);
             ChatSession chat = model.newChat("You are a helpful assistant.", List.of(weatherTool()))) {
            chat.setOptions(options);
            GenerationListener stream = event -> {
                switch (event) {
                    case GenerationEvent.Reasoning r -> out.print(r.text());
                    case GenerationEvent.Content c -> out.print(c.text());
                    case GenerationEvent.ToolCallReady t -> out.print("\n[calls " + t.call().name() + "]");
                    case GenerationEvent.Done d -> out.println();
                }
                return true;
            };
            out.println("> What's the weather in Paris?");
            GenerationResult answer = chat.send("What's the weather in Paris?", stream);
            for (int round = 0; round < 4 && answer.finishReason() == FinishReason.TOOL_CALLS; round++) {
                List<ChatMessage> results = new ArrayList<>();
                for (ToolCall call : answer.toolCalls()) {
                    String result = call.name().equals("get_weather")
                            ? getWeather(call.arguments().path("city").asText())
                            : "{\"error\": \"unknown tool " + call.name() + "\"}";
                    out.println("[" + call.name() + call.arguments() + " -> " + result + "]");
                    results.add(ChatMessage.tool(call.name(), call.id(), result));
                }
                answer = chat.send(results, stream);
            }
            out.printf("[%d prompt tokens (%d cached), %d generated, %.1f tokens/s]%n", answer.usage().promptTokens(),
                    answer.usage().cachedPromptTokens(), answer.usage().completionTokens(),
                    answer.usage().decodeTokensPerSecond());
            return answer.content();
        }
    }
}
