package io.github.lfm4j.model.synth;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.lfm2.Lfm2Weights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Our K-quant preset mixes against the tables llama-quantize produced from our own synthetic F16 models
 * ({@code synth/llama-quantize/*.tsv}, see the README there): every tensor's type, by name, and the file type.
 */
class KQuantPresetTest {

    @TempDir
    Path dir;

    /** name → type, plus {@code general.file_type} → its number, as recorded from llama-quantize's output. */
    static Map<String, String> recorded(String shape, KQuantPreset preset) {
        String name = "/synth/llama-quantize/" + shape + "-" + preset.name().toLowerCase() + ".tsv";
        try (InputStream in = KQuantPresetTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            Map<String, String> table = new TreeMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.split("\t");
                table.put(f[0], f[1]);
            }
            return table;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> planned(SynthShape shape, SynthType type) {
        Map<String, String> table = SyntheticModel.plan(shape, type).stream()
                .collect(Collectors.toMap(SyntheticModel.TensorPlan::name, p -> p.type().name(), (a, b) -> a, TreeMap::new));
        table.put("general.file_type", Integer.toString(type.fileType()));
        return table;
    }

    @ParameterizedTest
    @CsvSource({"tiny, Q4_K_M", "tiny, Q5_K_M", "tiny, Q6_K", "1.2b, Q4_K_M", "1.2b, Q5_K_M", "1.2b, Q6_K"})
    void planMatchesWhatLlamaQuantizeWrote(String shape, KQuantPreset preset) {
        Map<String, String> want = recorded(shape, preset);
        Map<String, String> got = planned(SynthShape.preset(shape), new SynthType.Preset(preset));
        assertEquals(want.keySet(), got.keySet(), "tensor names");
        for (String name : want.keySet()) assertEquals(want.get(name), got.get(name), shape + " " + preset + ": " + name);
    }

    /** The file itself, not only the plan: types read back from the GGUF, and it loads as an LFM2 model. */
    @ParameterizedTest
    @EnumSource(KQuantPreset.class)
    void tinyFileHasTheRecordedTypes(KQuantPreset preset) throws IOException {
        Path file = dir.resolve("tiny-" + preset + ".gguf");
        SyntheticModel.write(file, SynthShape.TINY, new SynthType.Preset(preset), 42, null, 2);
        Map<String, String> want = recorded("tiny", preset);
        try (GGUFFile f = GGUFFile.open(file)) {
            Lfm2Weights.load(f, Lfm2Config.from(f));
            Map<String, String> got = new TreeMap<>();
            for (GGUFTensorInfo t : f.tensorInfos()) got.put(t.name(), t.type().name());
            got.put("general.file_type", Integer.toString(f.getInt("general.file_type", -1)));
            assertEquals(want, got);
            assertEquals(2, f.getInt("general.quantization_version", -1));
        }
    }

    /** Why {@code --type q6_k} needs no second meaning: all-Q6_K with the usual fallbacks is the Q6_K preset on LFM2. */
    @Test
    void uniformQ6_KIsTheQ6_KPreset() {
        for (SynthShape s : List.of(SynthShape.TINY, SynthShape.LFM2_1_2B)) {
            assertEquals(planned(s, new SynthType.Preset(KQuantPreset.Q6_K)), planned(s, new SynthType.Uniform(GGMLType.Q6_K)));
        }
    }

    @Test
    void useMoreBitsLayers() {
        assertEquals(List.of(0, 1, 4, 7, 10, 13, 14, 15), moreBits(16));
        assertEquals(List.of(2, 5), moreBits(6));
        assertEquals(List.of(1), moreBits(2));
        assertEquals(List.of(2), moreBits(3)); // 3/8 = 0 and 21/8 = 2: no first eighth, the last is layer 2
    }

    private static List<Integer> moreBits(int n) {
        return java.util.stream.IntStream.range(0, n).filter(i -> KQuantPreset.useMoreBits(i, n)).boxed().toList();
    }

    @Test
    void namesParse() {
        assertEquals(new SynthType.Preset(KQuantPreset.Q4_K_M), SynthType.parse("q4_k_m"));
        assertEquals(new SynthType.Preset(KQuantPreset.Q5_K_M), SynthType.parse("Q5_K_M"));
        assertEquals(new SynthType.Preset(KQuantPreset.Q6_K), SynthType.parse("q6_k"));
        assertEquals(new SynthType.Uniform(GGMLType.Q3_K), SynthType.parse("q3_k"));
        assertInstanceOf(SynthType.Uniform.class, SynthType.parse("F16"));
        assertEquals("q4_k_m", SynthType.parse("Q4_K_M").label());
        assertEquals(15, SynthType.parse("q4_k_m").fileType());
        assertEquals(17, SynthType.parse("q5_k_m").fileType());
        assertEquals(18, SynthType.parse("q6_k").fileType());
        assertEquals(11, SynthType.parse("q3_k").fileType());
        assertEquals("unknown tensor type 'q4_k_l'",
                assertThrows(IllegalArgumentException.class, () -> SynthType.parse("q4_k_l")).getMessage());
        assertEquals("cannot write synthetic models of type iq2_xxs",
                assertThrows(IllegalArgumentException.class, () -> SynthType.parse("IQ2_XXS")).getMessage());
    }
}
