package io.github.lfm4j.runner.examples;

import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import io.github.lfm4j.model.sampling.SamplerParams;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.ModelOptions;
import io.github.lfm4j.runner.api.TokenSelector;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the README's tool-calling example end to end on the tiny random model. Random weights cannot decide to call
 * a tool, so a scripted selector plays the model's part (a tool call, then an answer using the result); everything
 * else (template with the tool list, prefill, parsing, the tool-result turn, cache reuse) is the real thing.
 */
class ToolCallingExampleTest {
    static final Path MODEL = Path.of("../model/src/test/resources/fixtures/tiny-f32.gguf");
    static final ModelOptions ONE_THREAD = ModelOptions.defaults().withThreads(1);

    /** Plays one scripted answer per generation; a generation starts when the history is not one token longer. */
    static final class Turns implements TokenSelector {
        private final List<int[]> turns;
        private final int end;
        private int turn = -1, step, lastLength = -2;

        Turns(Tokenizer tok, String... answers) {
            this.turns = java.util.Arrays.stream(answers).map(a -> tok.encode(a, false, true)).toList();
            this.end = tok.eos();
        }

        @Override
        public int select(float[] logits, int[] history, int n) {
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
                "<think>I need the weather tool.</think><|tool_call_start|>[get_weather(city=\"Paris\")]<|tool_call_end|>",
                "<think>21 degrees and sunny.</think>\n\nIt is 21 °C and sunny in Paris.");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String answer = ToolCallingExample.run(MODEL, ONE_THREAD, GenerationOptions.greedy().withSelector(script),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("It is 21 °C and sunny in Paris.", answer);
        assertTrue(out.contains("[get_weather{\"city\":\"Paris\"} -> {\"city\":\"Paris\",\"temperature_c\":21,\"sky\":\"sunny\"}]"), out);
        assertTrue(out.contains("I need the weather tool.\n[calls get_weather]"), out);
        assertTrue(out.matches("(?s).*\\[\\d+ prompt tokens \\((\\d+) cached\\).*") && !out.contains("(0 cached)"), out);
    }

    /** With the model's own (random) choices: no tool call is expected, but the flow must run to an answer. */
    @Test
    void runsWithRealSampling() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ToolCallingExample.run(MODEL, ONE_THREAD, GenerationOptions.defaults().withSampling(SamplerParams.defaults(42))
                .withMaxTokens(48), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("> What's the weather in Paris?\n"), out);
        assertTrue(out.matches("(?s).*\\[\\d+ prompt tokens \\(\\d+ cached\\), [1-9]\\d* generated.*"), out);
    }
}
