package io.github.lfm4j.langchain4j.examples;

import io.github.lfm4j.langchain4j.Lfm4jChatModel;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.ModelOptions;
import io.github.lfm4j.runner.api.Device;
import io.github.lfm4j.model.sampling.SamplerParams;
import io.github.lfm4j.runner.api.TokenSelector;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the README's LangChain4j example on the tiny random model: once with a scripted selector playing the model's
 * part (a tool call, an answer from its result, a follow-up), once with the random model's own sampling.
 */
class WeatherAssistantExampleTest {
    static final Path MODEL = Path.of("../model/src/test/resources/fixtures/tiny-f32.gguf");

    /** One scripted answer per generation; a generation starts when the history is not one token longer. */
    static final class Turns implements TokenSelector {
        private final List<int[]> turns;
        private final int end;
        private int turn = -1, step, lastLength = -2;

        Turns(Tokenizer tok, String... answers) {
            this.turns = java.util.Arrays.stream(answers).map(a -> tok.encode(a, false, true)).toList();
            this.end = tok.tokenId("<|im_end|>");
        }

        @Override
        public synchronized int select(float[] logits, int[] history, int n) {
            if (n != lastLength + 1) {
                turn++;
                step = 0;
            }
            lastLength = n;
            int[] t = turns.get(turn);
            return step < t.length ? t[step++] : end;
        }
    }

    @Test
    void exampleRunsEndToEnd() {
        Tokenizer tok;
        try (GGUFFile f = GGUFFile.open(MODEL)) {
            tok = Tokenizer.fromGGUF(f);
        }
        Turns script = new Turns(tok,
                "<think>I need the weather tool.</think><|tool_call_start|>[getWeather(city=\"Paris\")]<|tool_call_end|>",
                "<think>21 degrees and sunny.</think>It is 21 °C and sunny in Paris.",
                "<think>Sunny and mild.</think>A light jacket will do.");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Lfm4jChatModel model = Lfm4jChatModel.builder().modelPath(MODEL).device(Device.CPU).threads(1).contextSize(512)
                .generationOptions(GenerationOptions.greedy().withSelector(script)).build()) {
            List<String> answers = WeatherAssistantExample.run(model, new PrintStream(bytes, true, StandardCharsets.UTF_8),
                    "What's the weather in Paris?", "And what should I wear there?");
            assertEquals(List.of("It is 21 °C and sunny in Paris.", "A light jacket will do."), answers);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("[getWeather{\"city\":\"Paris\"} -> {\"city\": \"Paris\", \"temperature_c\": 21, \"sky\": \"sunny\"}]"), out);
        assertTrue(out.contains("(thought for 21 characters)"), out);
        assertTrue(out.matches("(?s).*> And what should I wear there\\?\n.*\\[\\d+ prompt tokens \\([1-9]\\d* cached\\).*"), out);
    }

    /** With the random model's own sampling: no tool call is expected, but the flow must run to an answer. */
    @Test
    void runsWithRealSampling() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Lfm4jChatModel model = Lfm4jChatModel.builder().modelOptions(new ModelOptions(Device.CPU, 1, 512))
                .modelPath(MODEL).generationOptions(GenerationOptions.defaults().withSampling(SamplerParams.defaults(42))
                        .withMaxTokens(24)).build()) {
            WeatherAssistantExample.run(model, new PrintStream(bytes, true, StandardCharsets.UTF_8), "What's the weather in Paris?");
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("> What's the weather in Paris?\n"), out);
        assertTrue(out.matches("(?s).*\\[\\d+ prompt tokens \\(\\d+ cached\\), [1-9]\\d* generated\\].*"), out);
    }
}
