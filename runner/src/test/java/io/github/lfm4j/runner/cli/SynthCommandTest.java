package io.github.lfm4j.runner.cli;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.lfm2.Lfm2Weights;
import io.github.lfm4j.model.synth.KQuantPreset;
import io.github.lfm4j.model.synth.SynthShape;
import io.github.lfm4j.model.synth.SynthType;
import io.github.lfm4j.model.synth.SyntheticModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesALoadableModelEqualToTheLibrarysOutput() throws Exception {
        Path file = dir.resolve("m.gguf");
        Path template = Files.writeString(dir.resolve("t.jinja"), "{{ messages }}");
        CliRun r = CliRun.of("synth", "--preset", "tiny", "--type", "Q8_0", "--seed", "5", "-t", "2",
                "--chat-template-file", template.toString(), "-o", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote " + file + ": synthetic LFM2 tiny, Q8_0, seed 5,"), r.out());
        try (GGUFFile f = GGUFFile.open(file)) {
            Lfm2Weights w = Lfm2Weights.load(f, Lfm2Config.from(f));
            assertEquals(GGMLType.Q8_0, w.tokenEmbedding().type());
            assertEquals("{{ messages }}", f.getString("tokenizer.chat_template", null));
        }
        Path direct = dir.resolve("direct.gguf");
        SyntheticModel.write(direct, SynthShape.TINY, GGMLType.Q8_0, 5, "{{ messages }}", 1);
        assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(file));
        assertFalse(Files.exists(dir.resolve("m.gguf.part")));
    }

    @Test
    void defaultsToQ4_0AndSeed42() throws Exception {
        Path file = dir.resolve("d.gguf");
        assertEquals(0, CliRun.of("synth", "--preset", "tiny", "-o", file.toString()).exit());
        Path direct = dir.resolve("direct.gguf");
        SyntheticModel.write(direct, SynthShape.TINY, GGMLType.Q4_0, 42, null);
        assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(file));
    }

    /** A llama-quantize mix by its preset name (its per-tensor types are KQuantPresetTest's business). */
    @Test
    void writesAK_QuantPresetMix() throws Exception {
        Path file = dir.resolve("km.gguf");
        CliRun r = CliRun.of("synth", "--preset", "tiny", "--type", "q4_k_m", "-t", "1", "-o", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote " + file + ": synthetic LFM2 tiny, Q4_K_M, seed 42,"), r.out());
        Path direct = dir.resolve("direct.gguf");
        SyntheticModel.write(direct, SynthShape.TINY, new SynthType.Preset(KQuantPreset.Q4_K_M), 42, null, 2);
        assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(file));
        try (GGUFFile f = GGUFFile.open(file)) {
            assertEquals(15, f.getInt("general.file_type", -1));
            assertEquals(GGMLType.Q8_0, f.tensorInfo("blk.2.ffn_down.weight").type());
            assertEquals(GGMLType.Q5_0, f.tensorInfo("blk.3.ffn_down.weight").type());
        }
    }

    @Test
    void userErrorsAreOneLine() {
        String out = dir.resolve("x.gguf").toString();
        assertEquals("lfm4j: unknown preset '7b' (known: tiny, small, 1.2b)",
                CliRun.of("synth", "--preset", "7b", "-o", out).oneErrorLine());
        assertEquals("lfm4j: unknown tensor type 'q3_x'",
                CliRun.of("synth", "--preset", "tiny", "--type", "q3_x", "-o", out).oneErrorLine());
        assertEquals("lfm4j: cannot write synthetic models of type iq2_xxs",
                CliRun.of("synth", "--preset", "tiny", "--type", "iq2_xxs", "-o", out).oneErrorLine());
        assertEquals("lfm4j: cannot write " + dir.resolve("no/x.gguf") + ": directory " + dir.resolve("no") + " does not exist",
                CliRun.of("synth", "--preset", "tiny", "-o", dir.resolve("no/x.gguf").toString()).oneErrorLine());
        assertEquals("lfm4j: output " + dir + " is a directory",
                CliRun.of("synth", "--preset", "tiny", "-o", dir.toString()).oneErrorLine());
        assertEquals("lfm4j: chat template file " + dir.resolve("none.jinja") + " does not exist",
                CliRun.of("synth", "--preset", "tiny", "--chat-template-file", dir.resolve("none.jinja").toString(),
                        "-o", out).oneErrorLine());
        assertEquals("lfm4j: threads must be at least 1, got 0",
                CliRun.of("synth", "--preset", "tiny", "-t", "0", "-o", out).oneErrorLine());
        assertTrue(CliRun.of("synth", "--preset", "tiny").oneErrorLine().contains("--output"));
        assertTrue(CliRun.of("synth", "--preset", "tiny", "--seed", "abc", "-o", out).oneErrorLine().contains("abc"));
        assertFalse(Files.exists(dir.resolve("x.gguf")));
    }
}
