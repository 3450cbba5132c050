package io.github.lfm4j.runner.engine;

import static io.github.lfm4j.kernels.cache.KvCacheType.F32;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.ModelFiles;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFArray;
import io.github.lfm4j.model.gguf.GGUFConverter;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.gguf.GGUFValue;
import io.github.lfm4j.model.sampling.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lfm4j convert}'s GGUF against llama.cpp's converter output of the same checkpoint, and the logits of
 * converted files against the checkpoint itself, transformers and the float64 reference; and random-weight
 * checkpoints in F32/F16, untied and sharded, run from their directory against the float64 reference.
 */
class CheckpointConvertTest {
    static final Path CKPT = HfCheckpointEngineTest.HF_TINY.resolve("checkpoint");
    static final int[] PROMPT = {1, 55, 331, 769, 236, 716, 91, 83};

    @TempDir
    Path tmp;

    @Test
    void bf16OutputIsWhatLlamaCppsConverterWrites() throws Exception {
        Path out = tmp.resolve("tiny-bf16.gguf");
        try (GGUFFile src = ModelFiles.open(CKPT)) {
            GGUFConverter.convert(src, GGMLType.BF16, out);
        }
        try (GGUFFile mine = GGUFFile.open(out); GGUFFile llama = GGUFFile.open(Fixtures.model("hf-tiny/model-bf16.gguf"))) {
            assertEquals(llama.tensorInfos().size(), mine.tensorInfos().size());
            for (GGUFTensorInfo t : llama.tensorInfos()) {
                GGUFTensorInfo m = mine.tensorInfo(t.name());
                assertEquals(t.type(), m.type(), t.name());
                assertArrayEquals(t.dims(), m.dims(), t.name());
                assertEquals(-1L, llama.tensor(t.name()).data().mismatch(mine.tensor(t.name()).data()), t.name());
            }
            for (Map.Entry<String, GGUFValue> e : llama.metadata().entrySet()) {
                if (e.getKey().startsWith("general.") && !e.getKey().equals("general.architecture")
                        && !e.getKey().equals("general.file_type") && !e.getKey().equals("general.quantization_version")) continue;
                GGUFValue v = mine.metadata().get(e.getKey());
                assertEquals(e.getValue().type(), v.type(), e.getKey());
                Object a = e.getValue().value() instanceof GGUFArray x ? x.values() : e.getValue().value();
                Object b = v.value() instanceof GGUFArray y ? y.values() : v.value();
                assertTrue(Arrays.deepEquals(new Object[]{a}, new Object[]{b}), e.getKey());
            }
        }
    }

    @Test
    void convertedFilesGiveTheCheckpointsLogits() throws Exception {
        JsonNode top = new ObjectMapper().readTree(HfCheckpointEngineTest.HF_TINY.resolve("expected.json").toFile())
                .get("cases").get(0).get("last_logits_top10");
        float[] fromDir;
        try (Lfm2Model m = Lfm2Model.load(CKPT, 1)) {
            fromDir = m.newSession(64, F32, F32).prefill(PROMPT);
        }
        for (GGMLType type : new GGMLType[]{GGMLType.F32, GGMLType.F16, GGMLType.Q8_0, GGMLType.Q4_0}) {
            Path out = tmp.resolve("tiny-" + type + ".gguf");
            try (GGUFFile src = ModelFiles.open(CKPT)) {
                GGUFConverter.convert(src, type, out);
            }
            float[] logits;
            try (Lfm2Model m = Lfm2Model.load(out, 1)) {
                assertEquals(type, m.weights().layers()[0].ffnGate().type());
                assertEquals(GGMLType.F32, m.weights().layers()[0].conv().type());
                logits = m.newSession(64, F32, F32).prefill(PROMPT);
            }
            switch (type) {
                // bf16 values are exact in f32 and (at these magnitudes) in f16
                case F32, F16 -> {
                    for (int i = 0; i < logits.length; i++) assertEquals(fromDir[i], logits[i], 1e-3, type + " token " + i);
                }
                default -> {
                    // Quantized: the float64 reference on the converted file's own (dequantized) weights, within the
                    // int8-activation noise the other quantized tests allow, and transformers' best token.
                    double[] ref = new ReferenceLfm2(out).feed(PROMPT);
                    for (JsonNode p : top) {
                        int id = p.get(0).asInt();
                        assertEquals(ref[id], logits[id], 0.5, type + " token " + id);
                    }
                    if (type == GGMLType.Q8_0) assertEquals(top.get(0).get(0).asInt(), Sampler.argmax(logits, logits.length));
                }
            }
        }
    }

    @Test
    void randomCheckpointsInF32AndF16UntiedAndShardedRunLikeTheReference() throws Exception {
        int[] prompt = {1, 400, 755, 762, 778, 1094, 784};
        for (GGMLType dtype : new GGMLType[]{GGMLType.F32, GGMLType.F16}) {
            Path dir = RandomCheckpoint.write(tmp.resolve("rand-" + dtype), dtype, false, dtype == GGMLType.F16, 7);
            double[] ref = new ReferenceLfm2(dir).feed(prompt);
            float[] logits;
            try (Lfm2Model m = Lfm2Model.load(dir, 1)) {
                assertTrue(!m.weights().tiedOutput());
                assertEquals(RandomCheckpoint.FFN, m.config().ffnDim());
                logits = m.newSession(64, F32, F32).prefill(prompt);
            }
            for (int i = 0; i < logits.length; i++) assertEquals(ref[i], logits[i], 5e-3, dtype + " token " + i);
            Path out = tmp.resolve("rand-" + dtype + ".gguf");
            try (GGUFFile src = ModelFiles.open(dir)) {
                GGUFConverter.convert(src, GGMLType.F32, out);
            }
            try (Lfm2Model m = Lfm2Model.load(out, 1)) {
                float[] converted = m.newSession(64, F32, F32).prefill(prompt);
                for (int i = 0; i < logits.length; i++) assertEquals(logits[i], converted[i], 1e-4, dtype + " converted, token " + i);
            }
        }
    }
}
