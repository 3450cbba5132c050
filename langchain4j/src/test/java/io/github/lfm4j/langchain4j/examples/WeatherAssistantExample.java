package io.github.lfm4j.langchain4j.examples;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.SystemMessage;
import io.github.lfm4j.langchain4j.Lfm4jChatModel;
import io.github.lfm4j.langchain4j.Lfm4jTokenUsage;
import io.github.lfm4j.runner.api.Device;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A LangChain4j assistant on a local LFM2.5 model: an AiService with a chat memory and a {@code @Tool}. Run it with
 * a real model ({@code LFM2.5-1.2B-Thinking-Q4_0.gguf}, say) as the README shows:
 *
 * <pre>{@code java ... io.github.lfm4j.langchain4j.examples.WeatherAssistantExample MODEL.gguf [cpu|gpu|auto]}</pre>
 */
public final class WeatherAssistantExample {
    private WeatherAssistantExample() {}

    interface Assistant {
        @SystemMessage("You are a helpful assistant. Use the tools when they help.")
        Result<String> chat(String message);
    }

    /** The tool the model may call: a stand-in for a real weather service. */
    public static final class WeatherTools {
        @Tool("Current weather in a city")
        public String getWeather(@P(name = "city", value = "the city's name") String city) {
            return "{\"city\": \"" + city + "\", \"temperature_c\": 21, \"sky\": \"sunny\"}";
        }
    }

    /** Asks {@code questions} in one conversation; prints each answer with its thinking and token counts. */
    public static List<String> run(ChatModel model, PrintStream out, String... questions) {
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(model)
                .chatMemory(MessageWindowChatMemory.withMaxMessages(20))
                .tools(new WeatherTools())
                .build();
        List<String> answers = new java.util.ArrayList<>();
        for (String q : questions) {
            out.println("> " + q);
            Result<String> r = assistant.chat(q);
            r.toolExecutions().forEach(t -> out.println("[" + t.request().name() + t.request().arguments() + " -> " + t.result() + "]"));
            String thinking = r.finalResponse().aiMessage().thinking();
            if (thinking != null) out.println("(thought for " + thinking.length() + " characters)");
            out.println(r.content());
            if (r.tokenUsage() instanceof Lfm4jTokenUsage u) {
                out.println("[" + u.inputTokenCount() + " prompt tokens (" + u.cachedInputTokenCount() + " cached), "
                        + u.outputTokenCount() + " generated]");
            }
            answers.add(r.content());
        }
        return answers;
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: WeatherAssistantExample MODEL.gguf [cpu|gpu|auto]");
            System.exit(2);
        }
        // no contextSize: the model's trained one (on the CPU the KV cache grows with the conversation)
        try (Lfm4jChatModel model = Lfm4jChatModel.builder()
                .modelPath(Path.of(args[0]))
                .device(args.length > 1 ? Device.parse(args[1]) : Device.AUTO)
                .build()) {
            run(model, System.out, "What's the weather in Paris?", "And what should I wear there?");
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("WeatherAssistantExample: " + e.getMessage());
            System.exit(1);
        }
    }
}
