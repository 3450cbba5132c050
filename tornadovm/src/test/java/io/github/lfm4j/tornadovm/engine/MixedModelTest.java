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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paths the tied, uniformly quantized fixtures do not take: a separate output matrix (uploaded by the head
 * graph), gate and up in different layouts (unfused FFN), and a type without a GPU kernel (Q5_0, repacked as Q8_0
 * with a notice). Built from tiny-f32 by re-encoding tensors; compared with the CPU engine on the same file.
 */
class MixedModelTest {
    @TempDir
    static Path dir;

    /**
     * @param downAsGpuSees false: ffn_down in Q5_0; true: that Q5_0 decoded and re-encoded as Q8_0, which is exactly
     *                      what the GPU engine computes with, so the CPU engine on this file is the GPU's reference
     */
    static Path mixedModel(boolean downAsGpuSees) throws Exception {
        Path out = dir.resolve("tiny-mixed-" + downAsGpuSees + ".gguf");
        try (GGUFFile f = GGUFFile.open(EngineVsCpuTest.fixture("tiny-f32.gguf"))) {
            GGUFWriter w = new GGUFWriter().putAll(f.metadata());
            List<GGUFTensorInfo> infos = new ArrayList<>(f.tensorInfos());
            for (GGUFTensorInfo info : infos) {
                Tensor t = f.tensor(info.name());
                GGMLType type = info.name().endsWith("ffn_gate.weight") ? GGMLType.Q8_0
                        : info.name().endsWith("ffn_up.weight") ? GGMLType.Q4_0
                        : info.name().endsWith("ffn_down.weight") ? GGMLType.Q5_0 : GGMLType.F32;
                byte[] bytes = Quantizer.quantize(type, Dequantizer.dequantizeAll(t));
                if (type == GGMLType.Q5_0 && downAsGpuSees) {
                    float[] decoded = new float[(int) info.elementCount()];
                    Dequantizer.dequantize(type, java.lang.foreign.MemorySegment.ofArray(bytes), 0, decoded, 0,
                            decoded.length);
                    type = GGMLType.Q8_0;
                    bytes = Quantizer.quantize(type, decoded); // row by row as DeviceMatrix: rows are whole blocks
                }
                w.addTensor(info.name(), type, t.dims(), bytes);
            }
            Tensor embd = f.tensor("token_embd.weight");
            float[] output = new float[(int) embd.info().elementCount()];
            Random r = new Random(7);
            for (int i = 0; i < output.length; i++) output[i] = (float) r.nextGaussian() * 0.1f;
            w.addTensor("output.weight", GGMLType.Q8_0, embd.dims(), Quantizer.quantize(GGMLType.Q8_0, output));
            w.write(out);
        }
        return out;
    }

    @Test
    void untiedOutputMixedLayoutsAndRepackedTypeMatchTheCpu() throws Exception {
        Path path = mixedModel(false), reference = mixedModel(true);
        List<String> notices = new ArrayList<>();
        int[] prompt = new Random().ints(12, 0, 3000).toArray();
        try (TornadoLfm2Engine gpu = TornadoLfm2Engine.load(path, 64, notices::add);
             Lfm2Model cpuModel = Lfm2Model.load(reference, 1)) {
            assertTrue(notices.contains("lfm4j: no GPU kernel for Q5_0 weights; repacked them as Q8_0 for the GPU"),
                    notices.toString());
            Session cpu = cpuModel.newSession(64, F32, F32);
            TornadoSession s = gpu.session();
            double[] rel = new double[prompt.length];
            for (int i = 0; i < prompt.length; i++) rel[i] = EngineVsCpuTest.relative(cpu.decode(prompt[i]), s.decode(prompt[i]));
            EngineVsCpuTest.assertAgree(rel, EngineVsCpuTest.QUANTIZED_TOLERANCE, 0, "tiny-mixed");
            EngineVsCpuTest.greedyAgrees(cpu, s, prompt[0], 16, true, "tiny-mixed");
        }
    }
}
