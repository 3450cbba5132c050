package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.gguf.GGUFWriter;
import io.github.lfm4j.model.gguf.Tensor;
import io.github.lfm4j.model.quant.Dequantizer;
import io.github.lfm4j.model.quant.Quantizer;
import io.github.lfm4j.runner.engine.Lfm2Model;
import io.github.lfm4j.runner.engine.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model whose matrices (embedding, projections, FFN) are all F16, run with the F16 kernels (half bits on the
 * device, float activations) against the CPU engine on the same file: as tight as F32, since neither engine rounds
 * activations.
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

    @Test
    void f16ModelMatchesTheCpuWithoutRepacking() throws Exception {
        Path path = f16Model();
        try (GGUFFile f = GGUFFile.open(path)) {
            long f16 = f.tensorInfos().stream().filter(i -> i.type() == GGMLType.F16).count();
            assertTrue(f.tensor("token_embd.weight").type() == GGMLType.F16 && f16 > 10, f16 + " F16 tensors");
        }
        List<String> notices = new ArrayList<>();
        int[] prompt = new Random().ints(24, 0, 3000).toArray();
        try (TornadoLfm2Engine gpu = TornadoLfm2Engine.load(path, 64, notices::add);
             Lfm2Model cpuModel = Lfm2Model.load(path, 1)) {
            assertTrue(notices.stream().noneMatch(n -> n.contains("repacked")), notices.toString());
            Session cpu = cpuModel.newSession(64);
            TornadoSession s = gpu.session();
            double[] rel = new double[prompt.length];
            for (int i = 0; i < prompt.length; i++) {
                rel[i] = EngineVsCpuTest.relative(cpu.decode(prompt[i]), s.decode(prompt[i]));
            }
            EngineVsCpuTest.assertAgree(rel, EngineVsCpuTest.TOLERANCE, 1, "tiny-f16");
            EngineVsCpuTest.greedyAgrees(cpu, s, prompt[0], 16, false, "tiny-f16");
        }
    }
}
