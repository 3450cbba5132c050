package io.github.lfm4j.tornadovm.kernels;

import io.github.lfm4j.model.gguf.GGMLType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

import java.util.Random;

import static io.github.lfm4j.tornadovm.kernels.OneTask.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The K-quant decode the kernels inline ({@link KQuantBlocks}) and the host decode of the twins
 * ({@link DeviceMatrix}), run as plain Java, against the model module's decoder on random super-blocks: the weights
 * bit for bit (all three follow ggml's operation order), the per-unit int8 product against float64.
 */
class KQuantBlocksTest {
    private final Random random = new Random();

    @ParameterizedTest
    @EnumSource(value = GGMLType.class, names = {"Q4_K", "Q5_K", "Q6_K"})
    void decodesAsTheModelModule(GGMLType type) {
        int rows = 7, cols = 768;
        TestWeights tw = TestWeights.random(random, type, rows, cols);
        DeviceMatrix m = tw.device();
        float[] ref = tw.reference();
        int layout = MatMulKernels.layoutCode(m.layout());
        assertEquals(type.byteSize(KQuantBlocks.WEIGHTS), KQuantBlocks.blockBytes(layout));
        assertEquals(type.byteSize((long) rows * cols), m.deviceBytes(), "device bytes = the file's bytes");
        boolean negativeScale = false;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int unit = c >> 5, sb = KQuantBlocks.superBlock(r, cols, unit, layout);
                float w = ref[r * cols + c];
                assertEquals(w, m.value(r, c), 0f, type + " host decode at " + r + "," + c);
                assertEquals(w, KQuantBlocks.weight(m.quants(), sb, unit & 7, c & 31, layout), 0f,
                        type + " kernel decode at " + r + "," + c);
                negativeScale |= m.subScale(r, c) < 0;
            }
        }
        // Q6_K's signed scales: the data must reach the sign bit, or the check above says nothing about it
        if (type == GGMLType.Q6_K) assertTrue(negativeScale, "no negative Q6_K scale in the random data");
    }

    @ParameterizedTest
    @EnumSource(value = GGMLType.class, names = {"Q4_K", "Q5_K", "Q6_K"})
    void unitProductsMatchFloat64(GGMLType type) {
        int rows = 5, cols = 512;
        TestWeights tw = TestWeights.random(random, type, rows, cols);
        DeviceMatrix m = tw.device();
        float[] ref = tw.reference();
        int layout = MatMulKernels.layoutCode(m.layout());
        FloatArray x = random(random, cols, 3f);
        Int8Input xq = Int8InputKernels.quantizeCpu(x);
        for (int r = 0; r < rows; r++) {
            for (int u = 0; u < cols / 32; u++) {
                double expected = 0;
                for (int l = 0; l < 32; l++) {
                    int c = 32 * u + l;
                    expected += (double) ref[r * cols + c] * xq.scales().get(u) * xq.quants().get(c);
                }
                float got = type == GGMLType.Q6_K ? KQuantBlocks.dotQ6K(m.quants(), r, cols, u, xq.quants(), xq.scales().get(u))
                        : KQuantBlocks.dotWithMin(m.quants(), r, cols, u, xq.quants(), xq.scales().get(u), layout);
                // a few float roundings of terms up to 32·|w|·|x|: 1e-5 of that scale
                double scale = 0;
                for (int l = 0; l < 32; l++) scale += Math.abs(ref[r * cols + 32 * u + l] * x.get(32 * u + l));
                assertEquals(expected, got, 1e-5 * Math.max(1, scale), type + " row " + r + " unit " + u);
            }
        }
    }
}
