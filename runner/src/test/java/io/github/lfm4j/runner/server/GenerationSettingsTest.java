package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.chat.thinking.LoopGuard;
import io.github.lfm4j.model.sampling.SamplerParams;
import io.github.lfm4j.runner.api.GenerationOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How OpenAI request fields map onto the library's generation options. */
class GenerationSettingsTest {

    static GenerationOptions options(String json, boolean chat) throws IOException {
        return GenerationSettings.parse((ObjectNode) Http.JSON.readTree(json), chat).toOptions();
    }

    @Test
    void nothingGivenMeansTheModelCardDefaultsAndNoLimit() throws IOException {
        GenerationOptions o = options("{}", true);
        SamplerParams d = SamplerParams.defaults(0);
        assertEquals(d.withSeed(o.sampling().seed()), o.sampling());
        assertEquals(0, o.maxTokens());
        assertEquals(List.of(), o.stop());
        assertTrue(o.thinking());
        assertEquals(-1, o.thinkingBudget());
        assertEquals(LoopGuard.Config.defaults(), o.loopGuard());
    }

    @Test
    void samplingFieldsMapOneToOne() throws IOException {
        GenerationOptions o = options("""
                {"temperature":0.7,"top_p":0.9,"top_k":40,"min_p":0.05,"presence_penalty":0.5,"repeat_penalty":1.2,
                 "repeat_last_n":128,"seed":7,"stop":"END","max_tokens":100,"thinking_budget":64,"thinking":true}""", true);
        assertEquals(new SamplerParams(0.7f, 40, 0.9f, 0.05f, 1.2f, 0.5f, 128, 7), o.sampling());
        assertEquals(List.of("END"), o.stop());
        assertEquals(100, o.maxTokens());
        assertEquals(64, o.thinkingBudget());
    }

    @Test
    void temperatureZeroIsPlainGreedyUnlessAPenaltyIsAsked() throws IOException {
        SamplerParams greedy = options("{\"temperature\":0}", true).sampling();
        assertTrue(greedy.isGreedy());
        assertEquals(1f, greedy.repetitionPenalty());
        assertEquals(1.3f, options("{\"temperature\":0,\"repetition_penalty\":1.3}", true).sampling().repetitionPenalty());
    }

    @Test
    void maxCompletionTokensAndMaxTokensTakeTheSmaller() throws IOException {
        assertEquals(20, options("{\"max_tokens\":50,\"max_completion_tokens\":20}", true).maxTokens());
        assertEquals(30, options("{\"max_completion_tokens\":30}", true).maxTokens());
        // /v1/completions has no max_completion_tokens; OpenAI's default of 16 applies there
        CompletionRequest c = CompletionRequest.parse((ObjectNode) Http.JSON.readTree("{\"prompt\":\"x\"}"));
        assertEquals(16, c.settings().toOptions().maxTokens());
    }

    @Test
    void loopGuardAndThinkingSwitches() throws IOException {
        assertNull(options("{\"loop_guard\":false}", true).loopGuard());
        assertNull(options("{\"loop_guard\":\"off\"}", true).loopGuard());
        assertEquals(LoopGuard.Action.STOP, options("{\"loop_guard\":\"stop\"}", true).loopGuard().action());
        assertEquals(LoopGuard.Action.END_THINKING, options("{\"loop_guard\":true}", true).loopGuard().action());
        assertFalse(options("{\"thinking\":false}", true).thinking());
        assertEquals(0, options("{\"thinking\":false}", true).effectiveThinkingBudget());
    }

    @Test
    void conflictingPenaltiesAndStreamOptions() throws IOException {
        ApiError e = assertThrows(ApiError.class, () -> options("{\"repeat_penalty\":1.1,\"repetition_penalty\":1.2}", true));
        assertTrue(e.getMessage().contains("same setting"));
        GenerationSettings s = GenerationSettings.parse((ObjectNode) Http.JSON.readTree(
                "{\"stream\":true,\"stream_options\":{\"include_usage\":true}}"), true);
        assertTrue(s.stream() && s.includeUsage());
        assertEquals(0f, options("{\"frequency_penalty\":0}", true).sampling().presencePenalty(), "0 is accepted");
    }
}
