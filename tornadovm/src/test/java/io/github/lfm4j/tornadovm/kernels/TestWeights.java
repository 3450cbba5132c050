package io.github.lfm4j.tornadovm.kernels;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.quant.Dequantizer;
import io.github.lfm4j.model.quant.Quantizer;

import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * A random weight matrix encoded in a ggml type, as the kernels get it ({@link #device}) and as the model module's
 * own decoder ({@code Dequantizer}, ggml's dequantize_row_* order) reads it ({@link #reference}): the decoded weights
 * the tests' float64 references use, independent of {@link DeviceMatrix}'s host decode and of the kernels.
 *
 * <p>Each row gets its own offset and spread, so that K-quant sub-blocks have non-zero mins and different scales
 * (a zero-mean Gaussian would leave Q4_K's min term nearly constant).
 */
record TestWeights(GGMLType type, byte[] encoded, int rows, int cols) {

    /** Weights of about unit size: each row offset by N(0, 0.3) with a spread of 0.5 to 1.5. */
    static TestWeights random(Random random, GGMLType type, int rows, int cols) {
        return random(random, type, rows, cols, 1f);
    }

    /** As {@link #random(Random, GGMLType, int, int)}, every weight times {@code scale}. */
    static TestWeights random(Random random, GGMLType type, int rows, int cols, float scale) {
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            float offset = scale * 0.3f * (float) random.nextGaussian(), spread = scale * (0.5f + random.nextFloat());
            for (int c = 0; c < cols; c++) w[r * cols + c] = offset + spread * (float) random.nextGaussian();
        }
        return new TestWeights(type, Quantizer.quantize(type, w), rows, cols);
    }

    DeviceMatrix device() {
        return DeviceMatrix.of(type, MemorySegment.ofArray(encoded), rows, cols, "test");
    }

    /** The weights decoded by the model module, row-major. */
    float[] reference() {
        float[] w = new float[rows * cols];
        Dequantizer.dequantize(type, MemorySegment.ofArray(encoded), 0, w, 0, w.length);
        return w;
    }
}
