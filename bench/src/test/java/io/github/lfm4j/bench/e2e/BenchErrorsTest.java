package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.synth.SynthShape;
import io.github.lfm4j.model.synth.SyntheticModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input: one line "lfm4j: ..." and exit 1, before any model is generated or loaded. */
class BenchErrorsTest {

    @TempDir
    Path dir;

    private String error(String... args) {
        return BenchCli.run(args).oneErrorLine();
    }

    @Test
    void gpuWithoutAnEngineFailsBeforeAnyWork() throws Exception {
        Path cache = dir.resolve("cache");
        String e = error("bench", "--synthetic", "tiny-q8_0", "--cache-dir", cache.toString(), "--device", "cpu,gpu");
        assertEquals("lfm4j: " + gpuUnavailableReason(), e);
        assertTrue(e.contains("TornadoVM"), e);
        assertFalse(Files.exists(cache), "no model generated");
    }

    /**
     * Why this test JVM has no usable GPU engine, as GpuEngines words it: no engine in the default build; in the
     * tornadovm profile the engine is present but TornadoVM's runtime is not (the JVM lacks the SDK's arguments).
     */
    static String gpuUnavailableReason() {
        return assertThrows(IllegalStateException.class, io.github.lfm4j.runner.engine.spi.GpuEngines::require).getMessage();
    }

    @Test
    void badOptions() throws Exception {
        String cache = dir.resolve("cache").toString();
        assertEquals("lfm4j: give the model as one of -m FILE, -hf ORG/NAME[:QUANT] or --synthetic NAME", error("bench"));
        assertEquals("lfm4j: give the model as one of -m FILE, -hf ORG/NAME[:QUANT] or --synthetic NAME",
                error("bench", "-m", "x.gguf", "--synthetic", "tiny-q8_0"));
        assertEquals("lfm4j: model file not found: " + dir.resolve("none.gguf"),
                error("bench", "-m", dir.resolve("none.gguf").toString()));
        assertEquals("lfm4j: unknown device 'tpu' (known: cpu, gpu)", error("bench", "--synthetic", "tiny-q8_0", "--device", "tpu"));
        assertEquals("lfm4j: unknown preset '7b' (known: tiny, small, 1.2b)", error("bench", "--synthetic", "7b-q4_0", "--cache-dir", cache));
        assertEquals("lfm4j: threads must be at least 1, got 0", error("bench", "--synthetic", "tiny-q8_0", "-t", "0"));
        assertEquals("lfm4j: repetitions must be at least 1, got 0", error("bench", "--synthetic", "tiny-q8_0", "-r", "0"));
        assertEquals("lfm4j: warm-up runs must be >= 0, got -1", error("bench", "--synthetic", "tiny-q8_0", "--warmup", "-1"));
        assertEquals("lfm4j: -p values must be >= 0, got -1", error("bench", "--synthetic", "tiny-q8_0", "-p", "-1"));
        assertEquals("lfm4j: nothing to run: no pp, tg or context-sweep test",
                error("bench", "--synthetic", "tiny-q8_0", "-p", "0", "-n", "0"));
        assertEquals("lfm4j: context sweep depth must be >= 0, got -5",
                error("bench", "--synthetic", "tiny-q8_0", "--context-sweep", "-5"));
        assertEquals("lfm4j: unknown progress mode 'fancy' (known: auto, bar, lines, none)",
                error("bench", "--synthetic", "tiny-q8_0", "--progress", "fancy"));
        assertTrue(BenchCli.run("bench", "--synthetic", "tiny-q8_0", "-t", "two").oneUsageErrorLine().contains("two"));
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals("lfm4j: --out " + file + " exists and is not a directory",
                error("bench", "--synthetic", "tiny-q8_0", "--out", file.toString()));
        assertFalse(Files.exists(dir.resolve("cache")));
    }

    @Test
    void testsLargerThanTheTrainedContext() throws Exception {
        Path cache = dir.resolve("cache");
        assertEquals("lfm4j: the tests need a context of 1016 tokens but the model was trained for 512",
                error("bench", "--synthetic", "tiny-q8_0", "--cache-dir", cache.toString(), "-p", "16", "-n", "0",
                        "--context-sweep", "1000"));
        assertFalse(Files.exists(cache), "known from the preset: no model generated");
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(model, SynthShape.TINY, GGMLType.Q8_0, 1, null, 1);
        assertEquals("lfm4j: the tests need a context of 520 tokens but the model was trained for 512",
                error("bench", "-m", model.toString(), "-p", "0", "-n", "512"));
    }

    @Test
    void withoutLlamaBenchTheComparisonIsAOneLineNotice() {
        Assumptions.assumeTrue(LlamaBench.find().isEmpty(), "llama-bench is installed here");
        BenchCli r = BenchCli.run("bench", "--synthetic", "tiny-q8_0", "--cache-dir", dir.resolve("cache").toString(),
                "-t", "1", "-p", "8", "-n", "0", "-r", "1", "--progress", "none", "--compare-llama-cpp");
        assertEquals(0, r.exit(), r.err());
        assertEquals("bench: llama-bench not found on the PATH; no llama.cpp comparison", r.err().strip().lines().toList().getLast());
        assertFalse(r.out().contains("llama.cpp"), r.out());
    }

    @Test
    void notAGgufFile() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.gguf"), "not a model");
        String e = error("bench", "-m", bad.toString());
        assertTrue(e.startsWith("lfm4j: "), e);
    }
}
