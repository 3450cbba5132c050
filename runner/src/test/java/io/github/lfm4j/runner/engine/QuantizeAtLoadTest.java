package io.github.lfm4j.runner.engine;

import io.github.lfm4j.model.ModelFiles;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFConverter;
import io.github.lfm4j.model.gguf.GGUFFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --quantize} at load: a BF16 checkpoint quantized in memory runs as the file {@code lfm4j convert --type}
 * writes (same quantizers, so the same logits), at the quantized size.
 */
class QuantizeAtLoadTest {
    @TempDir
    Path tmp;

    @Test
    void quantizedInMemoryRunsLikeTheConvertedFile() throws Exception {
        Path ckpt = CheckpointConvertTest.CKPT;
        for (GGMLType type : new GGMLType[]{GGMLType.Q8_0, GGMLType.Q4_0}) {
            Path file = tmp.resolve("tiny-" + type + ".gguf");
            try (GGUFFile src = ModelFiles.open(ckpt)) {
                GGUFConverter.convert(src, type, file);
            }
            float[] fromFile, inMemory;
            long bf16Bytes;
            try (Lfm2Model m = Lfm2Model.load(file, 1)) {
                fromFile = m.newSession(64).prefill(CheckpointConvertTest.PROMPT);
            }
            try (Lfm2Model plain = Lfm2Model.load(ckpt, 1)) {
                bf16Bytes = plain.weights().weightBytes();
            }
            try (Lfm2Model m = Lfm2Model.load(ckpt, 1, true, type)) {
                assertEquals(type, m.weights().layers()[3].convInProj().type());
                assertEquals(type, m.weights().tokenEmbedding().type());
                assertTrue(m.weights().weightBytes() < bf16Bytes * (type == GGMLType.Q8_0 ? 0.6 : 0.4), type + ": " + m.weights().weightBytes());
                assertFalse(m.weights().tokenEmbedding().data().isMapped()); // in memory, not the file's pages
                inMemory = m.newSession(64).prefill(CheckpointConvertTest.PROMPT);
            }
            for (int i = 0; i < fromFile.length; i++) assertEquals(fromFile[i], inMemory[i], 1e-5, type + " token " + i);
        }
    }

    @Test
    void anAlreadyQuantizedModelIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> Lfm2Model.load(Fixtures.model("tiny-q8_0.gguf"), 1, true, GGMLType.Q4_0));
        assertTrue(e.getMessage().contains("already quantized"), e.getMessage());
    }
}
