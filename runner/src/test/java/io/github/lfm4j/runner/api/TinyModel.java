package io.github.lfm4j.runner.api;

import io.github.lfm4j.model.tokenizer.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The shared tiny random-weight test model, and scripted token selectors that make it "say" a chosen text. */
final class TinyModel {
    private TinyModel() {}

    /** Maven runs tests in the module directory; the model module's fixtures are next door. */
    static final Path PATH = Path.of("../model/src/test/resources/fixtures/tiny-f32.gguf");

    static LanguageModel load() {
        if (!Files.isRegularFile(PATH)) throw new IllegalStateException("missing test fixture " + PATH.toAbsolutePath());
        return LanguageModel.load(PATH, ModelOptions.defaults().withDevice(Device.CPU).withThreads(1));
    }

    /** Emits the tokens of {@code text} (control tokens parsed), then the end-of-turn token, ignoring the logits. */
    static TokenSelector say(Tokenizer tok, String text) {
        return new Scripted(tok, tok.encode(text, false, true), null, -1, new int[0]);
    }

    /**
     * Emits {@code prefix}, then repeats {@code loop} until the model's history shows {@code untilToken} after the
     * prompt (e.g. a forced {@code </think>}), then {@code answer}, then the end-of-turn token.
     */
    static TokenSelector loopUntil(Tokenizer tok, String prefix, String loop, int untilToken, String answer) {
        return new Scripted(tok, tok.encode(prefix, false, true), tok.encode(loop, false, true), untilToken,
                tok.encode(answer, false, true));
    }

    private static final class Scripted implements TokenSelector {
        private final int[] prefix, loop, answer;
        private final int until, end;
        private int promptLength = -1, step, answered, looped;
        private boolean inAnswer;

        Scripted(Tokenizer tok, int[] prefix, int[] loop, int until, int[] answer) {
            this.prefix = prefix;
            this.loop = loop;
            this.until = until;
            this.answer = answer;
            this.end = tok.eos();
        }

        @Override
        public int select(float[] logits, int[] history, int historyLength) {
            if (promptLength < 0) promptLength = historyLength;
            if (step < prefix.length) return prefix[step++];
            if (loop != null && !inAnswer) {
                for (int i = promptLength; i < historyLength; i++) {
                    if (history[i] == until) inAnswer = true;
                }
                if (!inAnswer) return loop[looped++ % loop.length];
            }
            return answered < answer.length ? answer[answered++] : end;
        }

        @Override
        public String toString() {
            return "Scripted" + Arrays.toString(prefix);
        }
    }
}
