package io.github.lfm4j.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A weather tool and the scripted answers of a model that uses it: when the prompt's last turn is the user's and
 * the tool list offers {@code getWeather}, the model thinks and calls it; when the last turn is the tool's result,
 * it answers with the temperature it finds there. The temperature is random per test, so an answer that states it
 * proves the tool's result went through LangChain4j, the chat template and the engine back into the model's prompt.
 */
final class WeatherBrain {
    static final String CALL = "<think>I need the weather tool.</think>"
            + "<|tool_call_start|>[getWeather(city=\"Paris\")]<|tool_call_end|>";
    private static final Pattern TEMPERATURE = Pattern.compile("\"temperature_c\": ?(-?\\d+)");

    private WeatherBrain() {}

    static String answer(String prompt, String generated) {
        int lastTool = prompt.lastIndexOf("<|im_start|>tool");
        int lastUser = prompt.lastIndexOf("<|im_start|>user");
        if (lastTool > lastUser) {
            Matcher m = TEMPERATURE.matcher(prompt.substring(lastTool));
            if (!m.find()) return "The tool gave me nothing I understand.";
            String t = m.group(1);
            return "<think>The tool says " + t + " degrees.</think>It is " + t + " °C and sunny in Paris.";
        }
        if (prompt.contains("\"name\": \"getWeather\"")) return CALL;
        return "I have no weather tool.";
    }

    /** The {@code @Tool} LangChain4j's AiServices expose to the model. */
    static final class Tools {
        final int temperature;
        final List<String> calls = new CopyOnWriteArrayList<>();

        Tools(int temperature) {
            this.temperature = temperature;
        }

        @Tool("Current weather in a city")
        String getWeather(@P(name = "city", value = "the city's name") String city) {
            calls.add(city);
            return "{\"city\": \"" + city + "\", \"temperature_c\": " + temperature + ", \"sky\": \"sunny\"}";
        }
    }
}
