package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.runner.api.Device;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlamaBenchResultTest {

    static String sample() throws Exception {
        try (InputStream in = LlamaBenchResultTest.class.getResourceAsStream("/llama-bench/cpu-pp-tg.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parsesEveryTestOfTheCapturedOutput() throws Exception {
        List<LlamaBenchResult> r = LlamaBenchResult.parse(sample());
        assertEquals(4, r.size());
        assertEquals(new LlamaBenchResult("/tmp/q/1.2b-q4_0.gguf", "CPU", 1, 128, 0, 0, 56.501927, 0.454218), r.get(0));
        assertEquals(new LlamaBenchResult("/tmp/q/1.2b-q4_0.gguf", "CPU", 2, 0, 128, 0, 37.510212, 0.571406), r.get(3));
    }

    @Test
    void matchesOnlyTheSameTestAndThreads() throws Exception {
        List<LlamaBenchResult> r = LlamaBenchResult.parse(sample());
        assertTrue(r.get(0).matches(TestSpec.pp(128), 1));
        assertFalse(r.get(0).matches(TestSpec.pp(128), 2));
        assertFalse(r.get(0).matches(TestSpec.pp(512), 1));
        assertFalse(r.get(0).matches(TestSpec.tg(128), 1));
        assertTrue(r.get(1).matches(TestSpec.tg(128), 1));
        assertFalse(r.get(1).matches(TestSpec.tgAtDepth(128, 512), 1));
    }

    @Test
    void olderOutputWithoutDepthMeansDepthZero() {
        String old = "[{\"model_filename\": \"m.gguf\", \"n_threads\": 4, \"n_prompt\": 512, \"n_gen\": 0,"
                + " \"avg_ts\": 100.5, \"stddev_ts\": 1.5}]";
        assertEquals(List.of(new LlamaBenchResult("m.gguf", "", 4, 512, 0, 0, 100.5, 1.5)), LlamaBenchResult.parse(old));
    }

    @Test
    void malformedOutputIsAOneLineError() {
        assertTrue(message("llama_model_load: error loading model").startsWith("llama-bench output is not JSON: "));
        assertEquals("llama-bench JSON output is not an array", message("{\"avg_ts\": 1}"));
        assertEquals("llama-bench JSON array holds a non-object: 3", message("[3]"));
        assertEquals("llama-bench JSON test has no 'avg_ts'",
                message("[{\"model_filename\": \"m\", \"n_threads\": 1, \"n_prompt\": 1, \"n_gen\": 0, \"stddev_ts\": 0}]"));
        assertEquals("llama-bench JSON 'n_threads' is not an integer: \"4\"",
                message("[{\"model_filename\": \"m\", \"n_threads\": \"4\", \"n_prompt\": 1, \"n_gen\": 0, \"avg_ts\": 1, \"stddev_ts\": 0}]"));
        assertEquals("llama-bench JSON 'avg_ts' is not a number: \"fast\"",
                message("[{\"model_filename\": \"m\", \"n_threads\": 4, \"n_prompt\": 1, \"n_gen\": 0, \"avg_ts\": \"fast\", \"stddev_ts\": 0}]"));
    }

    private static String message(String json) {
        String m = assertThrows(IllegalArgumentException.class, () -> LlamaBenchResult.parse(json)).getMessage();
        assertFalse(m.contains("\n"), m);
        return m;
    }

    @Test
    void findsAndRunsAnExecutableOnThePath(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path json = Files.writeString(dir.resolve("out.json"), sample());
        Path args = dir.resolve("args.txt");
        // stands in for llama-bench: records its arguments, logs to stderr like llama.cpp, prints the captured JSON
        Path exe = script(bin.resolve("llama-bench"), "echo \"$@\" > '" + args + "'\n"
                + "echo 'llama_model_loader: loaded meta data' >&2\ncat '" + json + "'\n");
        assertEquals(Optional.empty(), LlamaBench.find(dir.toString()));
        assertEquals(Optional.of(exe), LlamaBench.find("/nonexistent" + File.pathSeparator + bin));
        BenchSettings s = new BenchSettings(List.of(Device.CPU), List.of(1, 2), List.of(128), List.of(128), 3, 1,
                List.of(), 16, 1);
        List<LlamaBenchResult> r = LlamaBench.run(exe, Path.of("/tmp/q/1.2b-q4_0.gguf"), s);
        assertEquals(LlamaBenchResult.parse(sample()), r);
        assertEquals("-m /tmp/q/1.2b-q4_0.gguf -t 1,2 -r 3 -o json -p 128 -n 128", Files.readString(args).strip());

        Path failing = script(dir.resolve("failing"), "echo 'main: loading model' >&2\n"
                + "echo 'error: failed to load model' >&2\nexit 3\n");
        assertEquals("llama-bench failed (exit 3): error: failed to load model",
                assertThrows(IllegalStateException.class, () -> LlamaBench.run(failing, Path.of("/m.gguf"), s)).getMessage());
    }

    private static Path script(Path file, String body) throws Exception {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void runsLlamaBenchWithOurSettings() {
        BenchSettings s = new BenchSettings(List.of(Device.CPU), List.of(1, 2), List.of(128, 512), List.of(128), 3, 1,
                List.of(512), 16, 1);
        assertEquals(List.of("/usr/bin/llama-bench", "-m", "/m.gguf", "-t", "1,2", "-r", "3", "-o", "json",
                        "-p", "128,512", "-n", "128"),
                LlamaBench.arguments(Path.of("/usr/bin/llama-bench"), Path.of("/m.gguf"), s));
        BenchSettings onlyTg = new BenchSettings(List.of(Device.CPU), List.of(4), List.of(), List.of(64), 1, 1, List.of(), 16, 1);
        assertEquals(List.of("/l", "-m", "/m.gguf", "-t", "4", "-r", "1", "-o", "json", "-p", "0", "-n", "64"),
                LlamaBench.arguments(Path.of("/l"), Path.of("/m.gguf"), onlyTg));
    }

    @Test
    void sweepAndCacheTypesBecomeLlamaBenchsDepthAndTypeOptions() {
        BenchSettings s = new BenchSettings(List.of(Device.CPU), List.of(2), List.of(512), List.of(), 1, 1,
                List.of(16384, 4096), 32, 512, BenchSettings.CacheTypes.product(
                List.of(io.github.lfm4j.kernels.cache.KvCacheType.F16, io.github.lfm4j.kernels.cache.KvCacheType.Q8_0),
                List.of(io.github.lfm4j.kernels.cache.KvCacheType.Q8_0)), 1);
        assertEquals(List.of("/l", "-m", "/m.gguf", "-t", "2", "-r", "1", "-o", "json", "-p", "512", "-n", "0",
                "-ctk", "f16,q8_0", "-ctv", "q8_0"), LlamaBench.arguments(Path.of("/l"), Path.of("/m.gguf"), s));
        assertEquals(Optional.of(List.of("/l", "-m", "/m.gguf", "-t", "2", "-r", "1", "-o", "json", "-p", "512",
                        "-n", "32", "-d", "4096,16384", "-ctk", "f16,q8_0", "-ctv", "q8_0")),
                LlamaBench.sweepArguments(Path.of("/l"), Path.of("/m.gguf"), s));
        // llama-bench's JSON names the types; a result matches our run only with the same ones
        LlamaBenchResult r = LlamaBenchResult.parse("""
                [{"model_filename": "m", "n_threads": 2, "n_prompt": 0, "n_gen": 32, "n_depth": 4096,
                  "type_k": "q8_0", "type_v": "q8_0", "avg_ts": 20.5, "stddev_ts": 0.1}]""").getFirst();
        assertTrue(r.matches(TestSpec.tgAtDepth(32, 4096), 2, "q8_0", "q8_0"));
        assertFalse(r.matches(TestSpec.tgAtDepth(32, 4096), 2, "f16", "q8_0"));
        assertFalse(r.matches(TestSpec.ppAtDepth(32, 4096), 2, "q8_0", "q8_0"));
    }
}
