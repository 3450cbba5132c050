package io.github.lfm4j.model.quant;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.gguf.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quantized fixtures are the F32 fixture's tensors run through ggml-compatible quantization (Q8_0 / Q4_0 for
 * matrices, 1-D norms and the conv kernel kept F32). Re-quantizing the F32 tensors must reproduce them byte for byte.
 */
class FixtureQuantizationParityTest {

    static Path fixture(String name) {
        try {
            return Path.of(FixtureQuantizationParityTest.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-q8_0.gguf", "tiny-q4_0.gguf"})
    void requantizingTheF32FixtureReproducesTheQuantizedFixture(String quantized) {
        try (GGUFFile f32 = GGUFFile.open(fixture("tiny-f32.gguf")); GGUFFile q = GGUFFile.open(fixture(quantized))) {
            int compared = 0;
            for (GGUFTensorInfo info : q.tensorInfos()) {
                Tensor t = q.tensor(info.name());
                Tensor src = f32.tensor(info.name());
                assertEquals(GGMLType.F32, src.type());
                byte[] expected = t.data().toArray(ValueLayout.JAVA_BYTE);
                byte[] actual = Quantizer.quantize(t.type(), Dequantizer.dequantizeAll(src));
                assertArrayEquals(expected, actual, info.name() + " as " + t.type());
                if (t.type() != GGMLType.F32) compared++;
            }
            assertTrue(compared >= 30, "expected the fixture's matrices to be quantized, compared " + compared);
        }
    }
}
