package io.github.lfm4j.runner.engine;

import io.github.lfm4j.model.sampling.Sampler;
import io.github.lfm4j.model.sampling.SamplerParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token-level loop: stop conditions, listener, session position and timings, on the tiny F32 model. */
class GeneratorTest {
    static Lfm2Model model;
    static final int[] PROMPT = {1, 879, 2839, 292, 326, 560};

    @BeforeAll
    static void load() {
        model = Lfm2Model.load(Fixtures.model("tiny-f32.gguf"), 1);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Generator.Result greedy(int max, int[] stop, Generator.TokenListener listener) {
        return Generator.generate(model.newSession(64), PROMPT, new Sampler(SamplerParams.greedy()), max, stop, listener);
    }

    @Test
    void greedyTokensAreTheArgmaxOfSuccessiveDecodes() {
        Generator.Result r = greedy(8, null, null);
        Session s = model.newSession(64);
        float[] logits = s.prefill(PROMPT);
        for (int i = 0; i < 8; i++) {
            int t = Sampler.argmax(logits, logits.length);
            assertEquals(t, r.tokens()[i]);
            logits = s.decode(t);
        }
        assertEquals(Generator.StopReason.MAX_TOKENS, r.stopReason());
        assertEquals(PROMPT.length, r.promptTokens());
        assertEquals(7, r.decodeSteps());   // the last sampled token is not fed back
        assertTrue(r.promptTokensPerSecond() > 0 && r.decodeTokensPerSecond() > 0);
    }

    @Test
    void stopTokenEndsGenerationAndIsNotReturned() {
        int[] all = greedy(8, null, null).tokens();
        int stop = all[3];
        int firstIndex = Arrays.stream(all).boxed().toList().indexOf(stop);
        Generator.Result r = greedy(8, new int[]{12345, stop}, null);
        assertArrayEquals(Arrays.copyOf(all, firstIndex), r.tokens());
        assertEquals(Generator.StopReason.STOP_TOKEN, r.stopReason());
        assertEquals(stop, r.stopToken());
    }

    @Test
    void listenerSeesEveryTokenAndCanStop() {
        List<Integer> seen = new ArrayList<>();
        Generator.Result r = greedy(8, null, (token, logits) -> {
            seen.add(token);
            assertEquals(model.config().vocabSize(), logits.length);
            return seen.size() < 3;
        });
        assertEquals(3, r.tokens().length);
        assertEquals(seen, Arrays.stream(r.tokens()).boxed().toList());
        assertEquals(Generator.StopReason.LISTENER, r.stopReason());
    }

    @Test
    void sessionContinuesAfterTheLastFedToken() {
        Session s = model.newSession(64);
        Generator.Result r = Generator.generate(s, PROMPT, new Sampler(SamplerParams.greedy()), 5, null, null);
        assertEquals(PROMPT.length + 4, s.position());
        assertTrue(s.canRewindTo(PROMPT.length));
        assertEquals(0, Generator.generate(model.newSession(64), PROMPT, new Sampler(SamplerParams.greedy()), 0, null,
                null).tokens().length);
        assertEquals(5, r.tokens().length);
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Generator.generate(model.newSession(10), PROMPT, new Sampler(SamplerParams.greedy()), 5, null, null));
        assertEquals("prompt of 6 tokens + 5 to generate exceeds the context of 10 tokens", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Generator.generate(model.newSession(10), new int[0], new Sampler(SamplerParams.greedy()), 1, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> Generator.generate(model.newSession(10), PROMPT, new Sampler(SamplerParams.greedy()), -1, null, null));
    }
}
