package io.github.lfm4j.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * {@code results.json}: the model, the machine, the settings, and per engine its costs and every test with every
 * measured sample. Field names follow llama-bench's JSON where there is one (n_prompt, n_gen, n_depth, avg_ts,
 * stddev_ts, samples_ns, samples_ts); values that do not apply (GPU planning time on the CPU) are null.
 */
public final class JsonReport {
    private JsonReport() {}

    public static ObjectNode toJson(BenchReport report) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ModelInfo m = report.model();
        root.putObject("model").put("file", m.file().toString()).put("name", m.name())
                .put("size_bytes", m.sizeBytes()).put("n_params", m.params());
        SystemInfo s = report.system();
        root.putObject("system").put("cpu", s.cpu()).put("processors", s.processors())
                .put("vector_bits", s.vectorBits()).put("java", s.javaVersion())
                .put("vm", s.vm()).put("os", s.os()).put("date", s.date());
        BenchSettings b = report.settings();
        ObjectNode settings = root.putObject("settings");
        settings.put("repetitions", b.repetitions()).put("warmup_runs", b.warmups()).put("seed", b.seed())
                .put("tg_prompt_tokens", BenchSettings.TG_PROMPT_TOKENS).put("sweep_tokens", b.sweepTokens())
                .put("sweep_prompt_tokens", b.sweepPrompt());
        ArrayNode engines = root.putArray("engines");
        for (EngineRun run : report.runs()) {
            ObjectNode e = engines.addObject();
            e.put("device", run.deviceLabel()).put("threads", run.threads()).put("type_k", run.typeK())
                    .put("type_v", run.typeV()).put("load_seconds", run.loadSeconds());
            putOptional(e, "plan_jit_seconds", run.compileSeconds());
            if (run.peakRssBytes().isPresent()) e.put("peak_rss_bytes", run.peakRssBytes().getAsLong());
            else e.putNull("peak_rss_bytes");
            if (run.deviceMemory().isPresent()) e.put("device_memory_bytes", run.deviceMemory().getAsLong());
            else e.putNull("device_memory_bytes");
            e.put("host_memory_bytes", run.hostMemoryBytes());
            // per greedy decode step, from the device profiler (GPU engine); null for the CPU
            var p = run.stepProfile();
            putOptional(e, "bytes_in_per_token", p.map(x -> OptionalDouble.of(x.bytesInPerToken()))
                    .orElse(OptionalDouble.empty()));
            putOptional(e, "bytes_out_per_token", p.map(x -> OptionalDouble.of(x.bytesOutPerToken()))
                    .orElse(OptionalDouble.empty()));
            putOptional(e, "kernel_ms_per_token", p.map(x -> OptionalDouble.of(x.kernelMillisPerToken()))
                    .orElse(OptionalDouble.empty()));
            if (p.isPresent()) e.put("profiled_tokens", p.get().tokens());
            else e.putNull("profiled_tokens");
            ArrayNode tests = e.putArray("tests");
            for (TestResult r : run.results()) {
                ObjectNode t = tests.addObject();
                SampleStats ts = r.tokensPerSecond(), ns = r.nanos();
                t.put("test", r.test().name()).put("n_prompt", r.test().nPrompt()).put("n_gen", r.test().nGen())
                        .put("n_depth", r.test().depth()).put("test_time", r.testTime())
                        .put("avg_ns", ns.mean()).put("stddev_ns", ns.stddev())
                        .put("avg_ts", ts.mean()).put("stddev_ts", ts.stddev());
                double ttft = r.meanTtftMillis();
                if (Double.isNaN(ttft)) t.putNull("avg_ttft_ms");
                else t.put("avg_ttft_ms", ttft);
                ArrayNode sn = t.putArray("samples_ns");
                for (long v : r.samplesNanos()) sn.add(v);
                ArrayNode st = t.putArray("samples_ts");
                for (double v : r.samplesTokensPerSecond()) st.add(v);
                if (report.hasLlamaCpp()) putOptional(t, "llama_cpp_avg_ts", report.llamaCppTokensPerSecond(run, r));
            }
        }
        if (report.hasLlamaCpp()) {
            ArrayNode l = root.putArray("llama_cpp");
            for (LlamaBenchResult r : report.llamaCpp()) {
                l.addObject().put("model_filename", r.modelFilename()).put("backends", r.backends())
                        .put("n_threads", r.nThreads()).put("n_prompt", r.nPrompt()).put("n_gen", r.nGen())
                        .put("n_depth", r.nDepth()).put("avg_ts", r.avgTs()).put("stddev_ts", r.stddevTs());
            }
        }
        return root;
    }

    public static void write(BenchReport report, Path file) {
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJson(report));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putOptional(ObjectNode o, String name, OptionalDouble v) {
        if (v.isPresent()) o.put(name, v.getAsDouble());
        else o.putNull(name);
    }
}
