package io.github.lfm4j.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CI smoke run: the whole command in-process on the tiny synthetic model, every output checked. */
class BenchSmokeTest {

    @TempDir
    Path dir;

    static final List<String> TESTS = List.of("pp16", "pp32", "tg4", "tg2 @ d0", "tg2 @ d40");

    @Test
    void tinyModelEveryOutput() throws Exception {
        Path cache = dir.resolve("cache"), out = dir.resolve("out");
        BenchCli r = BenchCli.run("bench", "--synthetic", "tiny-q8_0", "--cache-dir", cache.toString(),
                "-t", "1,2", "-p", "16,32", "-n", "4", "-r", "2", "--context-sweep", "40,0", "--sweep-tokens", "2",
                "--out", out.toString(), "--progress", "lines");
        assertEquals(0, r.exit(), r.err());
        Path model = cache.resolve("tiny-q8_0-seed42.gguf");
        assertTrue(Files.isRegularFile(model));
        assertTrue(r.err().contains("bench: generating synthetic model tiny-q8_0"), r.err());
        assertTrue(r.err().contains("bench: cpu t=2 pp32 (warm-up)\nbench: cpu t=2 pp32 (run 1/2)\nbench: cpu t=2 pp32 (run 2/2)\n"), r.err());

        checkMarkdown(r.out());
        checkJson(out.resolve("results.json"), Files.size(model));
        checkCsv(out.resolve("results.csv"));
        checkPng(out.resolve("throughput.png"), 1000, 400); // two panels side by side
        checkPng(out.resolve("context.png"), 500, 400);

        // the second run reuses the cached model and says nothing about generating it
        FileTime written = Files.getLastModifiedTime(model);
        BenchCli again = BenchCli.run("bench", "--synthetic", "tiny-q8_0", "--cache-dir", cache.toString(),
                "-t", "1", "-p", "8", "-n", "0", "-r", "1", "--warmup", "0", "--progress", "none");
        assertEquals(0, again.exit(), again.err());
        assertEquals("", again.err());
        assertEquals(written, Files.getLastModifiedTime(model));
        assertTrue(again.out().contains("| cpu    |       1 | f16    | f16    |  pp8 |"), again.out());
        assertFalse(again.out().contains("tg"), again.out());
        assertTrue(again.out().contains("1 runs per test after 0 warm-up runs;"), again.out());
    }

    @Test
    void cacheTypesAndPrefillAtDepth() throws Exception {
        Path cache = dir.resolve("cache"), out = dir.resolve("out-ct");
        BenchCli r = BenchCli.run("bench", "--synthetic", "tiny-q8_0", "--cache-dir", cache.toString(), "-t", "1",
                "-p", "0", "-n", "0", "-r", "1", "--warmup", "0", "--context-sweep", "24", "--sweep-tokens", "2",
                "--sweep-prompt", "8", "-ctk", "f32,f16", "-ctv", "f16", "--out", out.toString(), "--progress", "none");
        assertEquals(0, r.exit(), r.err());
        for (String k : List.of("f32", "f16")) {
            assertTrue(r.out().contains("| cpu    |       1 | " + k + "    | f16    | tg2 @ d24 |"), r.out());
            assertTrue(r.out().contains("| cpu    |       1 | " + k + "    | f16    | pp8 @ d24 |"), r.out());
        }
        JsonNode engines = new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("engines");
        assertEquals(List.of("f32", "f16"), List.of(engines.get(0).path("type_k").asText(), engines.get(1).path("type_k").asText()));
        assertEquals("pp8 @ d24", engines.get(0).path("tests").get(1).path("test").asText());
        assertEquals(8, engines.get(0).path("tests").get(1).path("n_prompt").asInt());
        assertEquals(24, engines.get(0).path("tests").get(1).path("n_depth").asInt());
        checkPng(out.resolve("context.png"), 1000, 400); // decode and prefill against depth side by side

        BenchCli bad = BenchCli.run("bench", "--synthetic", "tiny-q8_0", "--cache-dir", cache.toString(), "-t", "1",
                "-p", "8", "-n", "0", "-ctk", "q8_0", "--progress", "none");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("a q8_0 KV cache needs a head size that is a multiple of 32"), bad.err());
    }

    private static void checkMarkdown(String md) {
        List<String> lines = md.lines().toList();
        assertTrue(lines.get(0).matches("\\| model +\\| +size \\| +params \\| device \\| threads \\| type_k \\| type_v \\| +test \\| +t/s \\| ttft ms \\|"),
                lines.get(0));
        assertTrue(lines.get(1).matches("\\|( -+:? \\|)+"), lines.get(1));
        List<String> rows = lines.subList(2, 2 + 2 * TESTS.size());
        for (int i = 0; i < rows.size(); i++) {
            String[] c = cells(rows.get(i));
            assertEquals("synthetic-lfm2-tiny Q8_0", c[0]);
            assertEquals("cpu", c[3]);
            assertEquals(Integer.toString(i / TESTS.size() + 1), c[4]);
            assertEquals(List.of("f16", "f16"), List.of(c[5], c[6])); // the CPU engine's default cache
            assertEquals(TESTS.get(i % TESTS.size()), c[7]);
            String[] ts = c[8].split(" ± ");
            assertTrue(Double.parseDouble(ts[0]) > 0 && Double.parseDouble(ts[1]) >= 0, c[8]);
            if (c[7].contains("@")) assertEquals("n.a.", c[9]);
            else assertTrue(Double.parseDouble(c[9]) > 0, c[9]);
        }
        assertEquals("", lines.get(2 + rows.size()), md);
        assertEquals(List.of("device", "threads", "cache", "load s", "plan/JIT s", "peak RSS", "device mem", "host mem (mapped + heap)",
                "in B/token", "out B/token", "kernel ms/token"), List.of(cells(lines.get(3 + rows.size()))), md);
        for (int t = 1; t <= 2; t++) {
            String[] c = cells(lines.get(4 + rows.size() + t));
            assertEquals(List.of("cpu", Integer.toString(t), "f16", "n.a.", "n.a.", "n.a.", "n.a.", "n.a."),
                    List.of(c[0], c[1], c[2], c[4], c[6], c[8], c[9], c[10]), Arrays.toString(c));
            assertTrue(Double.parseDouble(c[3]) >= 0, c[3]); // load time: > 0 checked unrounded in the JSON
            assertTrue(c[5].endsWith("MiB") || c[5].endsWith("GiB"), c[5]);
        }
    }

    private static String[] cells(String row) {
        String[] raw = row.substring(1, row.length() - 1).split("\\|");
        return Arrays.stream(raw).map(String::strip).toArray(String[]::new);
    }

    private static void checkJson(Path file, long modelBytes) throws Exception {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals("synthetic-lfm2-tiny Q8_0", root.path("model").path("name").asText());
        assertTrue(root.path("model").path("n_params").asLong() > 100_000);
        assertEquals(2, root.path("settings").path("repetitions").asInt());
        JsonNode engines = root.path("engines");
        assertEquals(2, engines.size());
        for (int e = 0; e < 2; e++) {
            JsonNode engine = engines.get(e);
            assertEquals("cpu", engine.path("device").asText());
            assertEquals(e + 1, engine.path("threads").asInt());
            assertPositive(engine.path("load_seconds"));
            assertTrue(engine.get("plan_jit_seconds").isNull());
            assertTrue(engine.get("device_memory_bytes").isNull());
            assertTrue(engine.get("bytes_in_per_token").isNull() && engine.get("kernel_ms_per_token").isNull());
            assertPositive(engine.path("peak_rss_bytes"));
            assertTrue(engine.path("host_memory_bytes").asLong() > modelBytes);
            JsonNode tests = engine.path("tests");
            assertEquals(TESTS.size(), tests.size());
            for (int i = 0; i < tests.size(); i++) {
                JsonNode t = tests.get(i);
                String name = TESTS.get(i);
                assertEquals(name, t.path("test").asText());
                int tokens = name.startsWith("pp") ? Integer.parseInt(name.substring(2)) : Integer.parseInt(name.substring(2).split(" ")[0]);
                assertEquals(name.startsWith("pp") ? tokens : 0, t.path("n_prompt").asInt());
                assertEquals(name.startsWith("pp") ? 0 : tokens, t.path("n_gen").asInt());
                assertEquals(name.endsWith("d40") ? 40 : 0, t.path("n_depth").asInt());
                assertPositive(t.path("avg_ts"));
                assertTrue(Double.isFinite(t.path("stddev_ts").asDouble()) && t.path("stddev_ts").asDouble() >= 0);
                assertEquals(2, t.path("samples_ns").size());
                assertEquals(2, t.path("samples_ts").size());
                // avg_ts recomputed here from the raw nanoseconds
                double sum = 0;
                for (int k = 0; k < 2; k++) {
                    long ns = t.path("samples_ns").get(k).asLong();
                    assertTrue(ns > 0);
                    double ts = tokens * 1e9 / ns;
                    assertEquals(ts, t.path("samples_ts").get(k).asDouble(), ts * 1e-12);
                    sum += ts;
                }
                assertEquals(sum / 2, t.path("avg_ts").asDouble(), sum * 1e-12);
                if (name.contains("@")) assertTrue(t.get("avg_ttft_ms").isNull());
                else assertPositive(t.path("avg_ttft_ms"));
            }
        }
        assertFalse(root.has("llama_cpp"));
    }

    private static void assertPositive(JsonNode v) {
        assertTrue(v.isNumber() && Double.isFinite(v.asDouble()) && v.asDouble() > 0, String.valueOf(v));
    }

    private static void checkCsv(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file);
        assertEquals(String.join(",", CsvReport.HEADER), lines.getFirst());
        assertEquals(1 + 2 * TESTS.size(), lines.size());
        for (int i = 1; i < lines.size(); i++) {
            List<String> f = csvFields(lines.get(i));
            assertEquals(CsvReport.HEADER.size(), f.size(), lines.get(i));
            assertEquals(TESTS.get((i - 1) % TESTS.size()), f.get(CsvReport.HEADER.indexOf("test")));
            assertTrue(Double.parseDouble(f.get(CsvReport.HEADER.indexOf("avg_ts"))) > 0);
            assertEquals("", f.get(CsvReport.HEADER.indexOf("plan_jit_seconds")));
            assertEquals(2, f.get(CsvReport.HEADER.indexOf("samples_ts")).split(" ").length);
        }
    }

    /** RFC 4180 fields of one line (no embedded newlines in our output). */
    static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        fields.add(cur.toString());
        return fields;
    }

    private static void checkPng(Path file, int minWidth, int minHeight) throws Exception {
        byte[] head = Arrays.copyOf(Files.readAllBytes(file), 8);
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, file.toString());
        assertTrue(img.getWidth() >= minWidth && img.getHeight() >= minHeight, img.getWidth() + "x" + img.getHeight());
        assertTrue(img.getWidth() <= 4000 && img.getHeight() <= 4000);
        assertTrue(Files.size(file) > 5_000 && Files.size(file) < 500_000, "size " + Files.size(file));
    }
}
