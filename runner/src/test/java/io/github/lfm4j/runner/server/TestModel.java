package io.github.lfm4j.runner.server;

import io.github.lfm4j.runner.api.Device;
import io.github.lfm4j.runner.api.LanguageModel;
import io.github.lfm4j.runner.api.ModelOptions;
import io.github.lfm4j.runner.api.TokenSelector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/** The tiny synthetic model the server tests run on, and token selectors that script or slow down its answers. */
final class TestModel {
    private TestModel() {}

    static final Path FILE = Path.of("../model/src/test/resources/fixtures/tiny-q8_0.gguf");
    static final int CONTEXT = 512;

    private static LanguageModel shared;

    /** One model for all server test classes (loading it is the slow part); freed when the test JVM exits. */
    static synchronized LanguageModel shared() {
        if (shared == null) shared = load();
        return shared;
    }

    static LanguageModel load() {
        if (!Files.isRegularFile(FILE)) throw new IllegalStateException("missing test fixture " + FILE.toAbsolutePath());
        // f32 cache: the seeded sampling outcomes these tests assert on the random model (e.g. that every seed of the
        // strict-tool test reaches a call within max_tokens) were established with it; f16 moves logits by ~1e-4,
        // enough to change a sampled path (KvCacheTypesTest covers the cache types themselves)
        return LanguageModel.load(FILE, new ModelOptions(Device.CPU, 1, CONTEXT)
                .withCacheTypes(io.github.lfm4j.kernels.cache.KvCacheType.F32, io.github.lfm4j.kernels.cache.KvCacheType.F32));
    }

    /**
     * Writes {@code text} token by token (control tokens such as {@code <|tool_call_start|>} included), then ends
     * the turn with {@code <|im_end|>}: the model's weights are random, so this is how a test makes it answer.
     */
    static TokenSelector script(LanguageModel model, String text) {
        int[] tokens = model.tokenizer().encode(text, false, true);
        int end = model.tokenizer().tokenId("<|im_end|>");
        int[] next = {0};
        return (logits, history, n) -> next[0] < tokens.length ? tokens[next[0]++] : end;
    }

    /** Always the same ordinary token, after a pause: a generation that runs until cancelled or the limit. */
    static TokenSelector slow(LanguageModel model, long pauseMillis) {
        int token = model.tokenizer().encode("a", false, false)[0];
        return (logits, history, n) -> {
            LockSupport.parkNanos(pauseMillis * 1_000_000L);
            return token;
        };
    }

    /**
     * Writes {@code prefix}, then repeats {@code unit} until {@code untilToken} shows up in the model's own history
     * (forced in by the thinking budget or the loop guard), then writes {@code tail} and ends the turn. With
     * {@code untilToken} -1 the unit repeats forever.
     */
    static TokenSelector loopUntil(LanguageModel model, String prefix, String unit, int untilToken, String tail) {
        var tok = model.tokenizer();
        int[] head = tok.encode(prefix, false, true), loop = tok.encode(unit, false, true), end = tok.encode(tail, false, true);
        int imEnd = tok.tokenId("<|im_end|>");
        return new TokenSelector() {
            int headAt, loopAt, endAt, scanned = -1;
            boolean seen;

            @Override
            public int select(float[] logits, int[] history, int n) {
                if (scanned < 0) scanned = n; // the prompt ends here; look only at what the model wrote
                for (; scanned < n; scanned++) seen |= history[scanned] == untilToken;
                if (headAt < head.length) return head[headAt++];
                if (!seen) return loop[loopAt++ % loop.length];
                return endAt < end.length ? end[endAt++] : imEnd;
            }
        };
    }
}
