package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.runner.api.Device;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Markdown, JSON and CSV writers on a hand-built report whose numbers are worked out here. */
class ReportFormatTest {

    static final ModelInfo MODEL = new ModelInfo(Path.of("/m/x.gguf"), "synthetic-lfm2-1.2b Q4_0", 3L << 29,
            1_170_340_608L, 32768);
    static final SystemInfo SYSTEM = new SystemInfo("Test CPU", 2, 256, "25", "VM", "Linux amd64", "2026-11-21T12:00:00Z");

    /** pp128 in 1 s and 2 s: 128 and 64 tok/s, mean 96, stddev sqrt(2·32²) = 45.254834. */
    static BenchReport report(List<LlamaBenchResult> llama) {
        BenchSettings s = new BenchSettings(List.of(Device.CPU), List.of(1, 2), List.of(128), List.of(4), 2, 1,
                List.of(), 16, 1);
        TestResult pp = new TestResult(TestSpec.pp(128), new long[]{1_000_000_000L, 2_000_000_000L},
                new long[]{1_000_000_000L, 2_000_000_000L}, "2026-11-21T12:00:01Z");
        TestResult tg = new TestResult(TestSpec.tg(4), new long[]{400_000_000L, 400_000_000L},
                new long[]{30_000_000L, 50_000_000L}, "2026-11-21T12:00:05Z");
        EngineRun t1 = new EngineRun(Device.CPU, 1, 0.5, OptionalDouble.empty(), OptionalLong.of(800L << 20),
                OptionalLong.empty(), 700L << 20, List.of(pp, tg), Optional.empty(), "f16", "f16");
        EngineRun t2 = new EngineRun(Device.CPU, 2, 0.25, OptionalDouble.empty(), OptionalLong.empty(),
                OptionalLong.empty(), 700L << 20, List.of(pp), Optional.empty(), "f16", "f16");
        return new BenchReport(MODEL, s, List.of(t1, t2), llama, SYSTEM);
    }

    @Test
    void markdownLikeLlamaBench() {
        String md = MarkdownReport.render(report(null));
        assertEquals("""
                | model                    |     size | params | device | threads | type_k | type_v |  test |           t/s | ttft ms |
                | ------------------------ | -------: | -----: | ------ | ------: | ------ | ------ | ----: | ------------: | ------: |
                | synthetic-lfm2-1.2b Q4_0 | 1.50 GiB | 1.17 B | cpu    |       1 | f16    | f16    | pp128 | 96.00 ± 45.25 | 1500.00 |
                | synthetic-lfm2-1.2b Q4_0 | 1.50 GiB | 1.17 B | cpu    |       1 | f16    | f16    |   tg4 |  10.00 ± 0.00 |   40.00 |
                | synthetic-lfm2-1.2b Q4_0 | 1.50 GiB | 1.17 B | cpu    |       2 | f16    | f16    | pp128 | 96.00 ± 45.25 | 1500.00 |

                | device | threads | cache | load s | plan/JIT s |  peak RSS | device mem | host mem (mapped + heap) | in B/token | out B/token | kernel ms/token |
                | ------ | ------: | ----- | -----: | ---------: | --------: | ---------: | -----------------------: | ---------: | ----------: | --------------: |
                | cpu    |       1 | f16   |  0.500 |       n.a. | 800.0 MiB |       n.a. |                700.0 MiB |       n.a. |        n.a. |            n.a. |
                | cpu    |       2 | f16   |  0.250 |       n.a. |      n.a. |       n.a. |                700.0 MiB |       n.a. |        n.a. |            n.a. |

                2 runs per test after a warm-up; Test CPU, 2 processors, 256-bit vectors, Java 25, 2026-11-21T12:00:00Z
                """, md);
    }

    /** A GPU run: plan/JIT time and the device counters per token in every format; the CPU rows stay n.a./null/empty. */
    @Test
    void gpuRowsCarryTheDeviceProfilePerToken() {
        BenchReport cpu = report(null);
        TestResult tg = new TestResult(TestSpec.tg(4), new long[]{400_000_000L}, new long[]{30_000_000L},
                "2026-11-21T12:00:05Z");
        // 8 profiled steps: 25,600 B in, 160 B out, 12 ms of kernels
        EngineRun gpu = new EngineRun(Device.GPU, 1, 3.0, OptionalDouble.of(2.5), OptionalLong.empty(),
                OptionalLong.of(64L << 20), 100L << 20, List.of(tg),
                Optional.of(new DeviceStepProfile(8, 12_000_000L, 25_600L, 160L)), "f32", "f32");
        BenchReport r = new BenchReport(MODEL, cpu.settings(), List.of(cpu.runs().get(0), gpu), null, SYSTEM);

        List<String> md = MarkdownReport.render(r).lines().toList();
        String gpuRow = md.stream().filter(l -> l.startsWith("| gpu    |       1 | f32   |  3.000 |")).findFirst().orElseThrow();
        assertTrue(gpuRow.endsWith("|       2.50 |      n.a. |   64.0 MiB |                100.0 MiB |    3200.00 |"
                + "       20.00 |           1.500 |"), gpuRow);

        JsonNode e = JsonReport.toJson(r).at("/engines/1");
        assertEquals(3200.0, e.path("bytes_in_per_token").asDouble(), 1e-9);
        assertEquals(20.0, e.path("bytes_out_per_token").asDouble(), 1e-9);
        assertEquals(1.5, e.path("kernel_ms_per_token").asDouble(), 1e-9);
        assertEquals(8, e.path("profiled_tokens").asInt());
        assertEquals(2.5, e.path("plan_jit_seconds").asDouble(), 1e-9);
        JsonNode c = JsonReport.toJson(r).at("/engines/0");
        assertTrue(c.path("bytes_in_per_token").isNull() && c.path("kernel_ms_per_token").isNull()
                && c.path("profiled_tokens").isNull());

        List<String> csv = CsvReport.render(r).lines().toList();
        List<String> g = BenchSmokeTest.csvFields(csv.get(csv.size() - 1)), c0 = BenchSmokeTest.csvFields(csv.get(1));
        assertEquals("gpu", g.get(CsvReport.HEADER.indexOf("device")));
        assertEquals("3200.000000", g.get(CsvReport.HEADER.indexOf("bytes_in_per_token")));
        assertEquals("20.000000", g.get(CsvReport.HEADER.indexOf("bytes_out_per_token")));
        assertEquals("1.500000", g.get(CsvReport.HEADER.indexOf("kernel_ms_per_token")));
        assertEquals("", c0.get(CsvReport.HEADER.indexOf("bytes_in_per_token")));
        assertEquals("", c0.get(CsvReport.HEADER.indexOf("kernel_ms_per_token")));
    }

    @Test
    void llamaCppColumnMatchesTestAndThreads() {
        List<LlamaBenchResult> llama = List.of(
                new LlamaBenchResult("/m/x.gguf", "CPU", 1, 128, 0, 0, 150.25, 1),
                new LlamaBenchResult("/m/x.gguf", "CPU", 2, 0, 4, 0, 33.5, 1)); // no tg4 row at 2 threads here
        BenchReport r = report(llama);
        List<String> lines = MarkdownReport.render(r).lines().toList();
        assertTrue(lines.get(0).endsWith("| ttft ms | llama.cpp t/s |"), lines.get(0));
        assertTrue(lines.get(2).endsWith("|        150.25 |"), lines.get(2));
        assertTrue(lines.get(3).endsWith("|          n.a. |"), lines.get(3));
        assertTrue(lines.get(4).endsWith("|          n.a. |"), lines.get(4));

        JsonNode json = JsonReport.toJson(r);
        assertEquals(150.25, json.at("/engines/0/tests/0/llama_cpp_avg_ts").asDouble());
        assertTrue(json.at("/engines/0/tests/1/llama_cpp_avg_ts").isNull());
        assertEquals(2, json.at("/llama_cpp").size());
        assertEquals(33.5, json.at("/llama_cpp/1/avg_ts").asDouble());

        String csvRow = CsvReport.render(r).lines().toList().get(1);
        assertEquals("150.250000", BenchSmokeTest.csvFields(csvRow).get(CsvReport.HEADER.indexOf("llama_cpp_avg_ts")));
    }

    @Test
    void jsonAndCsvCarryEverySample() {
        BenchReport r = report(null);
        JsonNode pp = JsonReport.toJson(r).at("/engines/0/tests/0");
        assertEquals("pp128", pp.path("test").asText());
        assertEquals(96.0, pp.path("avg_ts").asDouble(), 1e-12);
        assertEquals(Math.sqrt(2 * 32.0 * 32.0), pp.path("stddev_ts").asDouble(), 1e-9);
        assertEquals(1.5e9, pp.path("avg_ns").asDouble(), 1e-3);
        assertEquals(128.0, pp.at("/samples_ts/0").asDouble(), 1e-12);
        assertEquals(64.0, pp.at("/samples_ts/1").asDouble(), 1e-12);
        assertEquals(2_000_000_000L, pp.at("/samples_ns/1").asLong());
        assertTrue(JsonReport.toJson(r).at("/engines/1/peak_rss_bytes").isNull());

        List<String> csv = CsvReport.render(r).lines().toList();
        assertEquals(4, csv.size());
        List<String> row = BenchSmokeTest.csvFields(csv.get(1));
        assertEquals("synthetic-lfm2-1.2b Q4_0", row.get(0));
        assertEquals("96.000000", row.get(CsvReport.HEADER.indexOf("avg_ts")));
        assertEquals("128.000000 64.000000", row.get(CsvReport.HEADER.indexOf("samples_ts")));
        assertEquals("1500.000000", row.get(CsvReport.HEADER.indexOf("avg_ttft_ms")));
        assertEquals("", row.get(CsvReport.HEADER.indexOf("device_memory_bytes")));
        assertEquals("", row.get(CsvReport.HEADER.indexOf("llama_cpp_avg_ts")));
    }
}
