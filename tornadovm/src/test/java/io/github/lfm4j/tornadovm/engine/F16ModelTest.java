package io.github.lfm4j.tornadovm.engine;

// the GPU engine keeps an f32 KV cache: the CPU sessions it is compared with do too
import static io.github.lfm4j.kernels.cache.KvCacheType.F32;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.gguf.GGUFWriter;
import io.github.lfm4j.model.gguf.Tensor;
import io.github.lfm4j.model.quant.Dequantizer;
import io.github.lfm4j.model.quant.Quantizer;
import io.github.lfm4j.runner.engine.Lfm2Model;
import io.github.lfm4j.runner.engine.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model whose matrices (embedding, projections, FFN) are all F16, run with the F16 kernels (half bits on the
 * device, float activations) against the CPU engine on the same file, token by token and in prefill chunks: as tight
 * as F32, since neither engine rounds activations.
 */
class F16ModelTest {
    @TempDir
    static Path dir;

    static Path f16Model() throws Exception {
        Path out = dir.resolve("tiny-f16.gguf");
        try (GGUFFile f = GGUFFile.open(EngineVsCpuTest.fixture("tiny-f32.gguf"))) {
            GGUFWriter w = new GGUFWriter().putAll(f.metadata());
            for (GGUFTensorInfo info : new ArrayList<>(f.tensorInfos())) {
                Tensor t = f.tensor(info.name());
                // 2-D weights as F16; norms and conv taps stay F32 (dequantized to floats by the GPU engine anyway)
                GGMLType type = info.dims().length == 2 && info.dims()[0] % 32 == 0 && !info.name().contains("conv.")
                        ? GGMLType.F16 : GGMLType.F32;
                w.addTensor(info.name(), type, t.dims(), Quantizer.quantize(type, Dequantizer.dequantizeAll(t)));
            }
            w.write(out);
        }
        return out;
    }

    private static Path path;
    private static TornadoLfm2Engine gpu;
    private static final List<String> notices = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        path = f16Model();
        gpu = TornadoLfm2Engine.load(path, EngineVsCpuTest.CONTEXT, notices::add);
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
    }

    @Test
    void f16ModelMatchesTheCpuWithoutRepacking() throws Exception {
        try (GGUFFile f = GGUFFile.open(path)) {
            long f16 = f.tensorInfos().stream().filter(i -> i.type() == GGMLType.F16).count();
            assertTrue(f.tensor("token_embd.weight").type() == GGMLType.F16 && f16 > 10, f16 + " F16 tensors");
        }
        int[] prompt = new Random().ints(24, 0, 3000).toArray();
        try (Lfm2Model cpuModel = Lfm2Model.load(path, 1)) {
            assertTrue(notices.stream().noneMatch(n -> n.contains("repacked")), notices.toString());
            Session cpu = cpuModel.newSession(EngineVsCpuTest.CONTEXT, F32, F32);
            TornadoSession s = gpu.session();
            s.reset();
            double[] rel = new double[prompt.length];
            for (int i = 0; i < prompt.length; i++) {
                rel[i] = EngineVsCpuTest.relative(cpu.decode(prompt[i]), s.decode(prompt[i]));
            }
            EngineVsCpuTest.assertAgree(rel, EngineVsCpuTest.TOLERANCE, 1, "tiny-f16");
            EngineVsCpuTest.greedyAgrees(cpu, s, prompt[0], 16, false, "tiny-f16");
        }
    }

    /**
     * The F16 prefill (matmul reading half bits, F16 embedding rows) over more than one chunk, against the CPU
     * engine's prefill and the GPU's own token-by-token decode: float activations everywhere, so as tight as F32.
     */
    @Test
    void f16PrefillMatchesCpuAndDecode() {
        int[] prompt = new Random().ints(70, 0, 3000).toArray(), more = new Random().ints(4, 0, 3000).toArray();
        assertTrue(prompt.length > gpu.prefillBatch() && prompt.length % gpu.prefillBatch() != 0,
                "the prompt must span a full and a partial chunk: " + gpu.prefillBatch());
        TornadoSession s = gpu.session();
        s.reset();
        float[] tokenByToken = null;
        for (int t : prompt) tokenByToken = s.decode(t).clone();
        float[][] after = new float[more.length][];
        for (int i = 0; i < more.length; i++) after[i] = s.decode(more[i]).clone();

        s.reset();
        float[] prefilled = s.prefill(prompt).clone();
        double vsDecode = EngineVsCpuTest.relative(tokenByToken, prefilled), afterWorst = 0;
        for (int i = 0; i < more.length; i++) {
            afterWorst = Math.max(afterWorst, EngineVsCpuTest.relative(after[i], s.decode(more[i])));
        }
        try (Lfm2Model cpuModel = Lfm2Model.load(path, 1)) {
            Session cpu = cpuModel.newSession(EngineVsCpuTest.CONTEXT, F32, F32);
            double vsCpu = EngineVsCpuTest.relative(cpu.prefill(prompt), prefilled);
            System.out.printf("tiny-f16 prefill: vs cpu prefill %.3g, vs gpu decode %.3g, decode after %.3g%n", vsCpu,
                    vsDecode, afterWorst);
            assertTrue(vsCpu <= EngineVsCpuTest.TOLERANCE, "prefill vs cpu " + vsCpu);
        }
        assertTrue(vsDecode <= EngineVsCpuTest.TOLERANCE, "prefill vs token by token " + vsDecode);
        assertTrue(afterWorst <= EngineVsCpuTest.TOLERANCE, "decode after prefill vs token by token " + afterWorst);
    }
}
