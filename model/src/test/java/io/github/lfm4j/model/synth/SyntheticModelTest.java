package io.github.lfm4j.model.synth;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.gguf.GGUFValue;
import io.github.lfm4j.model.gguf.Tensor;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.lfm2.Lfm2Weights;
import io.github.lfm4j.model.quant.Dequantizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticModelTest {

    @TempDir
    Path dir;

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(SyntheticModelTest.class.getResource("/fixtures/" + name).toURI());
    }

    @ParameterizedTest
    @EnumSource(value = GGMLType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"})
    void tinyPresetLoadsAsLfm2WithTheFixturesLayout(GGMLType type) throws Exception {
        Path file = dir.resolve("tiny.gguf");
        SyntheticModel.write(file, SynthShape.TINY, type, 1, null, 2);
        try (GGUFFile f = GGUFFile.open(file); GGUFFile fx = GGUFFile.open(fixture("tiny-q8_0.gguf"))) {
            Lfm2Config c = Lfm2Config.from(f);
            assertEquals(Lfm2Config.from(fx), c);
            Lfm2Weights w = Lfm2Weights.load(f, c);
            assertTrue(w.tiedOutput());
            // same tensors in the same order; norms and conv kernels F32, matrices in the requested type
            List<String> names = f.tensorInfos().stream().map(GGUFTensorInfo::name).toList();
            assertEquals(fx.tensorInfos().stream().map(GGUFTensorInfo::name).toList(), names);
            for (GGUFTensorInfo t : f.tensorInfos()) {
                assertArrayEquals(fx.tensorInfo(t.name()).dims(), t.dims(), t.name());
                GGMLType expected = fx.tensorInfo(t.name()).type() == GGMLType.F32 ? GGMLType.F32 : type;
                assertEquals(expected, t.type(), t.name());
            }
            // every metadata key of the fixture, with the same value type, and the same values but the name
            for (Map.Entry<String, GGUFValue> e : fx.metadata().entrySet()) {
                if (e.getKey().equals("general.alignment")) continue; // the fixture spells out the default
                GGUFValue mine = f.metadata().get(e.getKey());
                assertEquals(e.getValue().type(), mine == null ? null : mine.type(), e.getKey());
                if (!e.getKey().equals("general.name")) assertEquals(e.getValue(), mine, e.getKey());
            }
            assertEquals("synthetic-lfm2-tiny", f.getString("general.name", null));
            assertFalse(f.has("tokenizer.chat_template"));
        }
    }

    @Test
    void sameSeedSameBytesWhateverTheThreadCountOtherSeedOtherWeights() throws IOException {
        Path a = dir.resolve("a.gguf"), b = dir.resolve("b.gguf"), c = dir.resolve("c.gguf");
        SyntheticModel.write(a, SynthShape.TINY, GGMLType.Q4_0, 42, null, 1);
        SyntheticModel.write(b, SynthShape.TINY, GGMLType.Q4_0, 42, null, 2);
        SyntheticModel.write(c, SynthShape.TINY, GGMLType.Q4_0, 43, null, 2);
        byte[] ba = Files.readAllBytes(a);
        assertArrayEquals(ba, Files.readAllBytes(b));
        byte[] bc = Files.readAllBytes(c);
        assertEquals(ba.length, bc.length);
        assertFalse(Arrays.equals(ba, bc));
    }

    @Test
    void weightStatisticsAreThoseDocumented() throws IOException {
        Path file = dir.resolve("stats.gguf");
        SyntheticModel.write(file, SynthShape.TINY, GGMLType.F32, 7, null, 2);
        try (GGUFFile f = GGUFFile.open(file)) {
            for (GGUFTensorInfo info : f.tensorInfos()) {
                Tensor t = f.tensor(info.name());
                float[] v = Dequantizer.dequantizeAll(t);
                double sum = 0, sq = 0;
                for (float x : v) sum += x;
                double mean = sum / v.length;
                for (float x : v) sq += (x - mean) * (x - mean);
                double std = Math.sqrt(sq / v.length);
                boolean norm = info.dims().length == 1;
                boolean conv = info.name().endsWith("shortconv.conv.weight");
                double wantMean = norm ? 1 : 0;
                double wantStd = norm ? 0.02 : 1 / Math.sqrt(info.dims()[0]);
                double tol = 5 * wantStd / Math.sqrt(v.length) + 1e-7; // 5 standard errors of the mean
                assertEquals(wantMean, mean, tol, info.name() + " mean");
                assertEquals(wantStd, std, wantStd * (v.length < 100 ? 0.35 : 0.12), info.name() + " std");
                double absMax = 0;
                for (float x : v) absMax = Math.max(absMax, Math.abs(x - wantMean));
                assertTrue(absMax <= 3.47 * wantStd, info.name() + " values stay within the Irwin-Hall range");
                if (conv) assertEquals(1 / Math.sqrt(3), wantStd, 1e-12);
            }
        }
    }

    @Test
    void embedsAChatTemplateWhenGiven() throws IOException {
        Path file = dir.resolve("chat.gguf");
        String template = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}";
        SyntheticModel.write(file, SynthShape.TINY, GGMLType.Q8_0, 1, template, 1);
        try (GGUFFile f = GGUFFile.open(file)) {
            assertEquals(template, f.getString("tokenizer.chat_template", null));
        }
    }

    @Test
    void kQuantsFallBackLikeLlamaQuantizeWhenRowsAreNotWholeSuperBlocks() throws IOException {
        SynthShape s = new SynthShape("k", 256, 3, new int[]{1}, 4, 2, 512, 3300, 128, 1e6f, 1e-5f, 3);
        Map<GGMLType, Integer> fileTypes = Map.of(GGMLType.Q2_K, 10, GGMLType.Q3_K, 11, GGMLType.Q4_K, 14);
        for (GGMLType k : fileTypes.keySet()) {
            Path wide = dir.resolve("k-" + k + ".gguf");
            SyntheticModel.write(wide, s, k, 3, null, 2);
            try (GGUFFile f = GGUFFile.open(wide)) {
                Lfm2Weights.load(f, Lfm2Config.from(f));
                for (GGUFTensorInfo t : f.tensorInfos()) {
                    boolean keptF32 = t.dims().length == 1 || t.name().endsWith("shortconv.conv.weight");
                    assertEquals(keptF32 ? GGMLType.F32 : k, t.type(), t.name()); // 256- and 512-wide rows
                }
                assertEquals(fileTypes.get(k), f.getInt("general.file_type", -1));
                assertEquals(2, f.getInt("general.quantization_version", -1));
                assertEquals(3300, Lfm2Config.from(f).vocabSize());
            }
        }
        // tiny's 64- and 128-wide rows cannot hold 256-value blocks
        for (GGMLType[] kAndFallback : new GGMLType[][]{{GGMLType.Q2_K, GGMLType.Q4_0}, {GGMLType.Q3_K, GGMLType.Q4_0},
                {GGMLType.Q4_K, GGMLType.Q5_0}, {GGMLType.Q5_K, GGMLType.Q5_1}, {GGMLType.Q6_K, GGMLType.Q8_0}}) {
            Path tiny = dir.resolve("tiny-" + kAndFallback[0] + ".gguf");
            SyntheticModel.write(tiny, SynthShape.TINY, kAndFallback[0], 3, null, 2);
            try (GGUFFile f = GGUFFile.open(tiny)) {
                Lfm2Weights w = Lfm2Weights.load(f, Lfm2Config.from(f));
                assertEquals(kAndFallback[1], w.layers()[0].ffnDown().type());
                assertEquals(kAndFallback[1], w.tokenEmbedding().type());
            }
        }
    }

    @Test
    void presetsHaveTheDocumentedShapes() {
        SynthShape b = SynthShape.preset("1.2b");
        assertEquals(2048, b.dim());
        assertEquals(16, b.layers());
        assertArrayEquals(new int[]{0, 0, 8, 0, 0, 8, 0, 0, 8, 0, 8, 0, 8, 0, 8, 0}, b.kvHeadsPerLayer());
        assertEquals(64, b.headDim());
        assertEquals(8192, b.ffnDim());
        assertEquals(65536, b.vocabSize());
        assertEquals(32768, b.contextLength());
        assertEquals(1e6f, b.ropeTheta());
        assertEquals(1e-5f, b.rmsEps());
        assertEquals(3, b.convCache());
        assertEquals(SynthShape.TINY, SynthShape.preset("TINY"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SynthShape.preset("7b"));
        assertEquals("unknown preset '7b' (known: tiny, small, 1.2b)", e.getMessage());
    }

    @Test
    void rejectsTypesItCannotWrite() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyntheticModel.write(dir.resolve("x.gguf"), SynthShape.TINY, GGMLType.IQ2_XXS, 1, null));
        assertTrue(e.getMessage().startsWith("cannot write synthetic models of type IQ2_XXS"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.gguf")));
    }

    @Test
    void vocabularyIsTheFixturesPaddedWithReservedControlTokens() throws Exception {
        SyntheticVocabulary v = SyntheticVocabulary.load();
        try (GGUFFile fx = GGUFFile.open(fixture("vocab-synthetic.gguf"))) {
            assertArrayEquals(fx.getArray("tokenizer.ggml.tokens").toStringArray(), v.tokens());
            assertArrayEquals(fx.getArray("tokenizer.ggml.token_type").toIntArray(), v.tokenTypes());
            assertArrayEquals(fx.getArray("tokenizer.ggml.merges").toStringArray(), v.merges());
            assertEquals(fx.getInt("tokenizer.ggml.bos_token_id", -1), v.bosId());
            assertEquals(fx.getInt("tokenizer.ggml.eos_token_id", -1), v.eosId());
            assertEquals(fx.getInt("tokenizer.ggml.padding_token_id", -1), v.padId());
        }
        SyntheticVocabulary p = v.paddedTo(65536);
        assertEquals(65536, p.size());
        assertEquals("<|reserved_0|>", p.tokens()[3272]);
        assertEquals("<|reserved_62263|>", p.tokens()[65535]);
        assertEquals(SyntheticVocabulary.CONTROL, p.tokenTypes()[65535]);
        assertEquals(v.tokens()[3271], p.tokens()[3271]);
        assertThrows(IllegalArgumentException.class, () -> v.paddedTo(100));
    }
}
