package io.github.lfm4j.runner.engine;

import static io.github.lfm4j.kernels.cache.KvCacheType.F32;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.sampling.Sampler;
import io.github.lfm4j.model.sampling.SamplerParams;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hf-tiny checkpoint run from its safetensors directory: transformers' own (float32) greedy continuations and
 * top-10 last-position logits (expected.json), and exactly the logits of the GGUF llama.cpp's converter made from
 * the same checkpoint up to float rounding (the weights are bf16 either way, the vectors widened to the same floats).
 */
class HfCheckpointEngineTest {
    static final Path HF_TINY = Fixtures.DIR.resolve("hf-tiny");
    /** Float32 in both, the same bf16 weights; only summation order differs from PyTorch. */
    static final double LOGIT_TOLERANCE = 1e-3;
    /**
     * The same floats through the same kernels; not bit-exact only because the Vector API leaves the order of
     * {@code reduceLanes(ADD)} open, and interpreted and C2-compiled code sum differently (observed: 1e-6 apart
     * when one model ran while the other was still warming up, 0 otherwise).
     */
    static final double SAME_WEIGHTS_TOLERANCE = 1e-5;

    @Test
    void matchesTransformersAndTheConvertedGguf() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(HF_TINY.resolve("expected.json").toFile()).get("cases");
        assertEquals(3, cases.size());
        try (Lfm2Model hf = Lfm2Model.load(HF_TINY.resolve("checkpoint"), 1);
             Lfm2Model gguf = Lfm2Model.load(Fixtures.model("hf-tiny/model-bf16.gguf"), 1)) {
            for (JsonNode c : cases) {
                int[] prompt = ints(c.get("prompt"));
                float[] logits = hf.newSession(64, F32, F32).prefill(prompt);
                JsonNode top = c.get("last_logits_top10");
                for (JsonNode pair : top) {
                    int id = pair.get(0).asInt();
                    double want = pair.get(1).asDouble();
                    assertEquals(want, logits[id], LOGIT_TOLERANCE, "logit of token " + id);
                }
                // The ranking too: the engine's 10 best are transformers' 10 best.
                int[] best = java.util.stream.IntStream.range(0, logits.length).boxed()
                        .sorted((a, b) -> Float.compare(logits[b], logits[a])).limit(10).mapToInt(Integer::intValue).toArray();
                assertArrayEquals(java.util.stream.StreamSupport.stream(top.spliterator(), false).mapToInt(p -> p.get(0).asInt()).toArray(), best);

                float[] fromGguf = gguf.newSession(64, F32, F32).prefill(prompt);
                for (int i = 0; i < logits.length; i++) assertEquals(fromGguf[i], logits[i], SAME_WEIGHTS_TOLERANCE, "checkpoint vs GGUF, token " + i);

                // Greedy through EOS, as transformers generated (no stop tokens).
                Generator.Result r = Generator.generate(hf.newSession(64, F32, F32), prompt, new Sampler(SamplerParams.greedy()), 16, null, null);
                assertArrayEquals(ints(c.get("greedy")), r.tokens(), "greedy vs transformers");
            }
            assertTrue(hf.file().isAssembled());
        }
    }

    static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }
}
