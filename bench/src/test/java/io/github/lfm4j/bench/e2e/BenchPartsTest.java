package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.runner.api.Device;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.synth.KQuantPreset;
import io.github.lfm4j.model.synth.SynthShape;
import io.github.lfm4j.model.synth.SynthType;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchPartsTest {

    /** A K-quant preset's file is named by its mix (general.file_type), as llama-bench does; a uniform file by its type. */
    @Test
    void modelNameSaysTheQuantizationMix(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
        Path mix = dir.resolve("m.gguf"), uniform = dir.resolve("u.gguf");
        io.github.lfm4j.model.synth.SyntheticModel.write(mix, SynthShape.SMALL, new SynthType.Preset(KQuantPreset.Q4_K_M), 1, null, 1);
        io.github.lfm4j.model.synth.SyntheticModel.write(uniform, SynthShape.SMALL, new SynthType.Uniform(GGMLType.Q4_K), 1, null, 1);
        assertEquals("synthetic-lfm2-small Q4_K_M", ModelInfo.read(mix).name());
        assertEquals("synthetic-lfm2-small Q4_K", ModelInfo.read(uniform).name()); // file_type 14 (Q4_K_S), not that mix
    }

    @Test
    void repackingIsOnUnlessTurnedOff() {
        BenchCommand on = new BenchCommand(), off = new BenchCommand();
        new picocli.CommandLine(on).parseArgs("-m", "x.gguf");
        new picocli.CommandLine(off).parseArgs("-m", "x.gguf", "--no-repack");
        assertTrue(on.repack);
        assertFalse(off.repack);
    }

    @Test
    void sampleStatsAreMeanAndBesselCorrectedStddev() {
        double[] x = {3.5, 1.25, 9.0, 4.75};
        double mean = (3.5 + 1.25 + 9.0 + 4.75) / 4;
        double ss = 0;
        for (double v : x) ss += (v - mean) * (v - mean);
        SampleStats s = SampleStats.of(x);
        assertEquals(mean, s.mean(), 1e-15);
        assertEquals(Math.sqrt(ss / 3), s.stddev(), 1e-15);
        assertEquals(new SampleStats(7.0, 0.0), SampleStats.of(new double[]{7.0}));
        assertThrows(IllegalArgumentException.class, () -> SampleStats.of(new double[0]));
    }

    @Test
    void testNamesFollowLlamaBench() {
        assertEquals("pp512", TestSpec.pp(512).name());
        assertEquals("tg128", TestSpec.tg(128).name());
        assertEquals("tg16 @ d4096", TestSpec.tgAtDepth(16, 4096).name());
        assertEquals(List.of(512, 0), List.of(TestSpec.pp(512).nPrompt(), TestSpec.pp(512).nGen()));
        assertEquals(List.of(0, 16), List.of(TestSpec.tgAtDepth(16, 4096).nPrompt(), TestSpec.tgAtDepth(16, 4096).nGen()));
    }

    @Test
    void settingsListTestsAndTheContextTheyNeed() {
        BenchSettings s = new BenchSettings(List.of(Device.CPU), List.of(2), List.of(128, 512), List.of(600), 3, 1,
                List.of(4096, 512, 4096), 16, 1);
        assertEquals(List.of("pp128", "pp512", "tg600", "tg16 @ d512", "tg16 @ d4096"),
                s.tests().stream().map(TestSpec::name).toList());
        assertEquals(4096 + 16, s.contextNeeded());
        BenchSettings tgOnly = new BenchSettings(List.of(Device.CPU), List.of(2), List.of(), List.of(600), 3, 0, List.of(), 16, 1);
        assertEquals(BenchSettings.TG_PROMPT_TOKENS + 600, tgOnly.contextNeeded());
        assertEquals(2 * 3 * 5 * (2 + 3), BenchRunner.progressUnits(new BenchSettings(List.of(Device.CPU, Device.GPU),
                List.of(1, 2, 4), List.of(1, 2), List.of(3), 3, 2, List.of(0, 8), 4, 1)));
    }

    @Test
    void syntheticNames() {
        assertEquals(new SyntheticModels.Spec(SynthShape.LFM2_1_2B, new SynthType.Uniform(GGMLType.Q4_0)), SyntheticModels.parse("1.2b-q4_0"));
        assertEquals(new SyntheticModels.Spec(SynthShape.TINY, new SynthType.Uniform(GGMLType.Q8_0)), SyntheticModels.parse("tiny-Q8_0"));
        assertEquals("1.2b-q8_0-seed42.gguf", SyntheticModels.parse("1.2b-q8_0").fileName());
        assertEquals(new SyntheticModels.Spec(SynthShape.LFM2_1_2B, new SynthType.Preset(KQuantPreset.Q4_K_M)),
                SyntheticModels.parse("1.2b-q4_k_m"));
        assertEquals("1.2b-q5_k_m-seed42.gguf", SyntheticModels.parse("1.2b-Q5_K_M").fileName());
        assertEquals("synthetic model name 'tiny' is not <preset>-<type> (e.g. 1.2b-q4_0, tiny-q8_0)",
                assertThrows(IllegalArgumentException.class, () -> SyntheticModels.parse("tiny")).getMessage());
        assertEquals("unknown preset '7b' (known: tiny, small, 1.2b)",
                assertThrows(IllegalArgumentException.class, () -> SyntheticModels.parse("7b-q4_0")).getMessage());
        assertEquals("unknown tensor type 'q3_x' in 'tiny-q3_x'",
                assertThrows(IllegalArgumentException.class, () -> SyntheticModels.parse("tiny-q3_x")).getMessage());
        assertEquals("cannot write synthetic models of type iq2_xxs in 'tiny-iq2_xxs'",
                assertThrows(IllegalArgumentException.class, () -> SyntheticModels.parse("tiny-iq2_xxs")).getMessage());
    }

    @Test
    void missingGpuEngineSaysWhatIsMissing() {
        // these tests run without TornadoVM's runtime (no GPU engine in the default build; in the tornadovm profile the
        // engine is on the class path but the JVM was not started with the SDK's arguments), so asking for the GPU
        // fails before any work with GpuEngines' one-line reason, never falling back to the CPU
        BenchSettings gpu = new BenchSettings(List.of(Device.CPU, Device.GPU), List.of(1), List.of(), List.of(4), 1, 0,
                List.of(), 16, 1);
        String m = assertThrows(IllegalStateException.class,
                () -> new BenchRunner(gpu, new Progress(new PrintWriter(new StringWriter()), Progress.Mode.NONE, 1), false))
                .getMessage();
        assertEquals(BenchErrorsTest.gpuUnavailableReason(), m);
        assertEquals(Device.GPU, BenchCommand.benchDevice("gpu"));
        assertEquals("bench measures a named device: use cpu or gpu, not auto",
                assertThrows(IllegalArgumentException.class, () -> BenchCommand.benchDevice("auto")).getMessage());
        assertEquals("unknown device 'tpu' (known: cpu, gpu)",
                assertThrows(IllegalArgumentException.class, () -> BenchCommand.benchDevice("tpu")).getMessage());
    }

    @Test
    void peakRssLineIsKiloBytes() {
        assertEquals(123456L * 1024, ProcessMemory.parseKiloBytes("VmHWM:\t  123456 kB"));
        assertThrows(IllegalArgumentException.class, () -> ProcessMemory.parseKiloBytes("VmHWM:\t  123456 pages"));
        if (System.getProperty("os.name").equals("Linux")) {
            assertTrue(ProcessMemory.peakRssBytes().orElseThrow() > 1 << 20);
        }
    }

    @Test
    void progressModes() {
        StringWriter lines = new StringWriter();
        Progress p = new Progress(new PrintWriter(lines), Progress.Mode.LINES, 4);
        p.begin("cpu t=1 pp8 (warm-up)");
        p.advance();
        p.note("hello");
        p.finish();
        assertEquals("bench: cpu t=1 pp8 (warm-up)\nbench: hello\n", lines.toString().replace(System.lineSeparator(), "\n"));

        StringWriter bar = new StringWriter();
        Progress b = new Progress(new PrintWriter(bar), Progress.Mode.BAR, 4);
        b.begin("x");
        b.advance();
        b.note("between");
        b.advance();
        b.finish();
        b.note("after");
        String s = bar.toString();
        assertTrue(s.contains("\r[>                             ]   0% x"), s);
        assertTrue(s.contains("\r[===============>              ]  50% x"), s);
        assertTrue(s.contains("\r\u001b[Kbench: between" + System.lineSeparator() + "\r[=======>"), s);
        assertTrue(s.endsWith("\r\u001b[Kbench: after" + System.lineSeparator()), s); // the bar is gone for good
        assertEquals(2, s.chars().filter(c -> c == '\n').count(), s); // lines() would also split at \r

        StringWriter none = new StringWriter();
        Progress n = new Progress(new PrintWriter(none), Progress.Mode.NONE, 4);
        n.begin("x");
        n.advance();
        n.note("y");
        n.finish();
        assertEquals("bench: y\n", none.toString().replace(System.lineSeparator(), "\n"));
    }
}
