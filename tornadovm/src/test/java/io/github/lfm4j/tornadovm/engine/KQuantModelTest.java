package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.lfm2.Lfm2Weights;
import io.github.lfm4j.tornadovm.kernels.DeviceMatrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * K-quant files go onto the device as they are: no Q8_0 re-encoding (and so no notice), every matrix in its file
 * type's layout, and the device holds exactly the file's tensor bytes (a re-encoded Q4_K matrix would take 1.9x:
 * 34 bytes per 32 weights instead of 144 per 256). The numerics against the CPU engine are in EngineVsCpuTest and
 * PrefillTest, which run these models too.
 */
class KQuantModelTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny-k-q4_k.gguf", "tiny-k-q5_k.gguf", "tiny-k-q6_k.gguf", "tiny-k-mixed.gguf"})
    void weightsKeepTheirFileLayoutAndSize(String name) {
        try (GGUFFile f = GGUFFile.open(EngineVsCpuTest.fixture(name))) {
            Lfm2Config c = Lfm2Config.from(f);
            List<String> notices = new ArrayList<>();
            DeviceWeights w = new DeviceWeights(c, Lfm2Weights.load(f, c), notices::add);
            assertEquals(List.of(), notices, name + ": nothing re-encoded");
            int kQuantMatrices = 0;
            for (GGUFTensorInfo t : f.tensorInfos()) if (t.type().blockSize == 256) kQuantMatrices++;
            assertTrue(kQuantMatrices >= 6 * 3, name + ": only " + kQuantMatrices + " K-quant matrices");
            // every weight array on the device together: the file's tensor bytes (1-D weights are F32 in both)
            assertEquals(expectedDeviceBytes(f), w.bytes(), name + ": device weight bytes vs the file's tensors");
            assertLayout(f, "token_embd.weight", w.embedding);
            for (int i = 0; i < c.layers(); i++) {
                DeviceWeights.Layer l = w.layers[i];
                String b = "blk." + i + ".";
                assertLayout(f, b + "ffn_gate.weight", l.gate());
                assertLayout(f, b + "ffn_up.weight", l.up());
                assertLayout(f, b + "ffn_down.weight", l.down());
                if (l.attention()) {
                    assertLayout(f, b + "attn_v.weight", l.wv());
                    assertLayout(f, b + "attn_output.weight", l.wo());
                } else {
                    assertLayout(f, b + "shortconv.in_proj.weight", l.inProj());
                    assertLayout(f, b + "shortconv.out_proj.weight", l.outProj());
                }
            }
        }
        // the engine counts the same bytes as its weights
        TornadoLfm2Engine gpu = (TornadoLfm2Engine) EngineVsCpuTest.engine(name);
        try (GGUFFile f = GGUFFile.open(EngineVsCpuTest.fixture(name))) {
            long weights = expectedDeviceBytes(f);
            assertEquals(weights, gpu.loadInfo().weightBytes(), name);
            assertTrue(gpu.loadInfo().deviceBytes() > weights, name);
        }
    }

    /**
     * The file's tensor bytes, except that Q8_0 (the mixed model's one legacy matrix) widens its f16 block scales to
     * floats on the device (PoCL has no fp16): 36 bytes per 32 weights instead of 34.
     */
    private static long expectedDeviceBytes(GGUFFile f) {
        long bytes = 0;
        for (GGUFTensorInfo t : f.tensorInfos()) {
            bytes += t.type() == GGMLType.Q8_0 ? t.elementCount() / 32 * 36 : t.byteSize();
        }
        return bytes;
    }

    private static void assertLayout(GGUFFile f, String tensor, DeviceMatrix m) {
        GGMLType type = f.tensorInfo(tensor).type();
        assertEquals(type.name(), m.layout().name(), tensor);
    }
}
