package io.github.lfm4j.langchain4j;

import io.github.lfm4j.model.tokenizer.Tokenizer;
import io.github.lfm4j.runner.api.Device;
import io.github.lfm4j.runner.api.LanguageModel;
import io.github.lfm4j.runner.api.ModelOptions;
import io.github.lfm4j.runner.api.TokenSelector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * The tiny synthetic LFM2 model of the model module's fixtures, and a scripted "brain" for it. Its weights are
 * random, so it cannot decide to call a tool; {@link Script} plays that part as a {@link TokenSelector} (the
 * library's hook for constrained decoding) that reads the prompt the engine actually built and writes an answer
 * from it. Everything else is the real thing: chat template with the tool list, tokenizer, prefill and decode
 * through the engine, cache reuse, thinking split, tool-call parsing.
 */
final class TestModel {
    private TestModel() {}

    /** Maven runs tests in the module directory; the model module's fixtures are next door. */
    static final Path FILE = Path.of("../model/src/test/resources/fixtures/tiny-f32.gguf");
    static final int CONTEXT = 512; // the fixture's trained context

    private static LanguageModel shared;

    /** One model for the test classes that do not count cached tokens from an empty pool (loading is the slow part). */
    static synchronized LanguageModel shared() {
        if (shared == null) shared = load();
        return shared;
    }

    static LanguageModel load() {
        if (!Files.isRegularFile(FILE)) throw new IllegalStateException("missing test fixture " + FILE.toAbsolutePath());
        return LanguageModel.load(FILE, new ModelOptions(Device.CPU, 1, CONTEXT));
    }

    /**
     * Writes, token by token, the answer {@code answer.apply(prompt, generatedSoFar)} gives (control tokens such as
     * {@code <|tool_call_start|>} included), then {@code <|im_end|>}. Stateless over the history, so one script
     * serves any number of generations and threads: the generation starts after the prompt's last
     * {@code <|im_start|>assistant\n}. If something outside the script writes a token (the thinking budget,
     * {@code ToolChoice.REQUIRED}'s forcing), the script sees it in {@code generatedSoFar}.
     */
    static final class Script implements TokenSelector {
        private final Tokenizer tok;
        private final int[] header;
        private final int imStart, imEnd;
        private final BiFunction<String, String, String> answer;
        /** Every prompt a generation started from, as text, in order. */
        final List<String> prompts = new CopyOnWriteArrayList<>();
        /** Tokens this script was asked for (all generations). */
        final AtomicInteger steps = new AtomicInteger();

        Script(LanguageModel model, BiFunction<String, String, String> answer) {
            this.tok = model.tokenizer();
            this.header = tok.encode("<|im_start|>assistant\n", false, true);
            this.imStart = tok.tokenId("<|im_start|>");
            this.imEnd = tok.tokenId("<|im_end|>");
            this.answer = answer;
        }

        @Override
        public int select(float[] logits, int[] history, int n) {
            steps.incrementAndGet();
            int start = -1;
            for (int i = n - 1; i >= 0; i--) {
                if (history[i] == imStart) {
                    start = i;
                    break;
                }
            }
            if (start < 0 || !Arrays.equals(history, start, start + header.length, header, 0, header.length)) {
                throw new IllegalStateException("the prompt does not end with an assistant turn");
            }
            int g = start + header.length;
            String prompt = tok.decode(Arrays.copyOf(history, g), false);
            if (n == g) prompts.add(prompt);
            String generated = tok.decode(Arrays.copyOfRange(history, g, n), false);
            int[] planned = tok.encode(answer.apply(prompt, generated), false, true);
            int k = n - g;
            return k < planned.length ? planned[k] : imEnd;
        }
    }
}
