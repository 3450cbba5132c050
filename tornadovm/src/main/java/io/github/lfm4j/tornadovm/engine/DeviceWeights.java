package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.Tensor;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.lfm2.Lfm2Weights;
import io.github.lfm4j.model.quant.Dequantizer;
import io.github.lfm4j.tornadovm.kernels.DeviceMatrix;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Every LFM2 weight copied out of the mapped file into the arrays TornadoVM transfers to the device: matrices
 * repacked by {@link DeviceMatrix} (types without a GPU kernel become Q8_0, announced in one line), vectors
 * dequantized to floats.
 */
final class DeviceWeights {

    record Layer(boolean attention, FloatArray attnNorm, FloatArray ffnNorm, DeviceMatrix gate, DeviceMatrix up,
                 DeviceMatrix down,
                 // attention layers
                 DeviceMatrix wq, DeviceMatrix wk, DeviceMatrix wv, DeviceMatrix wo, FloatArray qNorm,
                 FloatArray kNorm, int kvHeads, int cacheIndex,
                 // conv layers: taps[c · convCache + j]
                 DeviceMatrix inProj, DeviceMatrix outProj, FloatArray convTaps, int stateIndex) {}

    final DeviceMatrix embedding, output;
    final FloatArray outputNorm;
    final Layer[] layers;
    final boolean tiedOutput;
    /** Device arrays of the embedding, of each layer, and of the head (output norm, untied output matrix). */
    private final List<Object> embeddingArrays = new ArrayList<>(), headArrays = new ArrayList<>();
    private final List<List<Object>> layerArrays = new ArrayList<>();
    private List<Object> target = embeddingArrays;
    private long bytes, largestArray;

    DeviceWeights(Lfm2Config c, Lfm2Weights w, Consumer<String> notices) {
        TreeSet<String> repacked = new TreeSet<>();
        embedding = matrix(w.tokenEmbedding(), repacked);
        tiedOutput = w.tiedOutput();
        target = headArrays;
        output = tiedOutput ? embedding : matrix(w.output(), repacked);
        outputNorm = vector(w.outputNorm());
        layers = new Layer[c.layers()];
        int cacheIndex = 0, stateIndex = 0;
        for (int i = 0; i < layers.length; i++) {
            Lfm2Weights.Layer l = w.layers()[i];
            target = new ArrayList<>();
            layerArrays.add(target);
            FloatArray attnNorm = vector(l.attnNorm()), ffnNorm = vector(l.ffnNorm());
            DeviceMatrix gate = matrix(l.ffnGate(), repacked), up = matrix(l.ffnUp(), repacked),
                    down = matrix(l.ffnDown(), repacked);
            if (l.isAttention()) {
                layers[i] = new Layer(true, attnNorm, ffnNorm, gate, up, down, matrix(l.wq(), repacked),
                        matrix(l.wk(), repacked), matrix(l.wv(), repacked), matrix(l.wo(), repacked),
                        vector(l.qNorm()), vector(l.kNorm()), c.kvHeads()[i], cacheIndex++, null, null, null, -1);
            } else {
                layers[i] = new Layer(false, attnNorm, ffnNorm, gate, up, down, null, null, null, null, null, null,
                        0, -1, matrix(l.convInProj(), repacked), matrix(l.convOutProj(), repacked),
                        vector(l.conv()), stateIndex++);
            }
        }
        if (!repacked.isEmpty()) {
            notices.accept("lfm4j: no GPU kernel for " + String.join(", ", repacked)
                    + " weights; repacked them as Q8_0 for the GPU");
        }
    }

    private DeviceMatrix matrix(Tensor t, TreeSet<String> repacked) {
        GGMLType type = t.type();
        if (DeviceMatrix.layoutFor(type) == DeviceMatrix.Layout.Q8_0 && type != GGMLType.Q8_0) repacked.add(type.name());
        DeviceMatrix m = DeviceMatrix.of(t);
        target.addAll(List.of(GraphBuilder.arrays(m)));
        bytes += m.deviceBytes();
        largestArray = Math.max(largestArray, m.largestArrayBytes());
        return m;
    }

    private FloatArray vector(Tensor t) {
        FloatArray a = FloatArray.fromArray(Dequantizer.dequantizeAll(t));
        target.add(a);
        bytes += a.getNumBytesOfSegment();
        return a;
    }

    Object[] embeddingArrays() {
        return embeddingArrays.toArray();
    }

    /** The device arrays of layer {@code i}'s weights, for the transfer declaration of its graph. */
    Object[] layerArrays(int i) {
        return layerArrays.get(i).toArray();
    }

    /** The output norm and (when not tied to the embedding) the output matrix: uploaded by the head graph. */
    Object[] headArrays() {
        return headArrays.toArray();
    }

    /** Bytes of the largest single weight array. */
    long largestArrayBytes() {
        return largestArray;
    }

    /** Bytes of all weights on the device. */
    long bytes() {
        return bytes;
    }
}
