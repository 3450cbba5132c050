package io.github.lfm4j.model.gguf;

import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.lfm2.Lfm2Weights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Structurally valid GGUF files that are not usable LFM2 models: the fixture re-written with one thing changed,
 * loaded the way the engine loads a model ({@link Lfm2Config#from} then {@link Lfm2Weights#load}).
 */
class Lfm2FileErrorsTest {

    @TempDir
    Path dir;

    /** One tensor to write: name, type, dims and bytes. */
    record T(String name, GGMLType type, long[] dims, byte[] bytes) {}

    /** The tiny F32 fixture re-written after {@code edit} changed its metadata and/or tensors. */
    private Path variant(Consumer<Map<String, GGUFValue>> editMetadata, Consumer<java.util.List<T>> editTensors)
            throws IOException, URISyntaxException {
        Path src = Path.of(Lfm2FileErrorsTest.class.getResource("/fixtures/tiny-f32.gguf").toURI());
        Map<String, GGUFValue> md;
        java.util.List<T> tensors = new java.util.ArrayList<>();
        try (GGUFFile f = GGUFFile.open(src)) {
            md = new java.util.LinkedHashMap<>(f.metadata());
            for (GGUFTensorInfo t : f.tensorInfos()) {
                tensors.add(new T(t.name(), t.type(), t.dims(), f.tensor(t.name()).data().toArray(ValueLayout.JAVA_BYTE)));
            }
        }
        editMetadata.accept(md);
        editTensors.accept(tensors);
        GGUFWriter w = new GGUFWriter().putAll(md);
        for (T t : tensors) w.addTensor(t.name, t.type, t.dims, t.bytes);
        Path out = dir.resolve("variant.gguf");
        w.write(out);
        return out;
    }

    private static String loadError(Path p) {
        GGUFFormatException e = assertThrows(GGUFFormatException.class, () -> {
            try (GGUFFile f = GGUFFile.open(p)) {
                Lfm2Weights.load(f, Lfm2Config.from(f));
            }
        });
        assertEquals(-1, e.getMessage().indexOf('\n'));
        return e.getMessage();
    }

    @Test
    void theUnchangedFixtureLoads() throws Exception {
        Path p = variant(m -> { }, t -> { });
        try (GGUFFile f = GGUFFile.open(p)) {
            Lfm2Weights w = Lfm2Weights.load(f, Lfm2Config.from(f));
            assertEquals(6, w.layers().length);
        }
    }

    @Test
    void missingTensor() throws Exception {
        Path p = variant(m -> { }, t -> t.removeIf(x -> x.name.equals("blk.4.attn_k.weight")));
        assertEquals(p + ": missing tensor 'blk.4.attn_k.weight'", loadError(p));
    }

    @Test
    void misShapedTensor() throws Exception {
        Path p = variant(m -> { }, t -> t.replaceAll(x -> x.name.equals("blk.1.ffn_up.weight")
                ? new T(x.name, x.type, new long[]{128, 64}, x.bytes) : x));
        assertEquals(p + ": tensor 'blk.1.ffn_up.weight' has shape [128, 64], expected [64, 128]", loadError(p));
    }

    @Test
    void wrongArchitecture() throws Exception {
        Path p = variant(m -> m.put("general.architecture", GGUFValue.string("llama")), t -> { });
        assertEquals(p + ": architecture 'llama' is not supported (lfm4j runs 'lfm2')", loadError(p));
        Path none = variant(m -> m.remove("general.architecture"), t -> { });
        assertEquals(none + ": missing metadata 'general.architecture'", loadError(none));
    }

    @Test
    void unsupportedTensorType() throws Exception {
        // the same values as float64: a type ggml knows but lfm4j does not compute with
        Path p = variant(m -> { }, t -> t.replaceAll(x -> x.name.equals("blk.0.ffn_norm.weight")
                ? new T(x.name, GGMLType.F64, x.dims, new byte[x.bytes.length * 2]) : x));
        assertEquals(p + ": tensor 'blk.0.ffn_norm.weight' has type F64, which lfm4j does not support (supported: "
                + "F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, BF16)", loadError(p));
    }

    @Test
    void inconsistentHyperparameters() throws Exception {
        Path kv = variant(m -> m.put("lfm2.attention.head_count_kv", GGUFValue.array(GGUFValueType.INT32, new int[]{0, 2})), t -> { });
        assertEquals(kv + ": lfm2.attention.head_count_kv has 2 entries for 6 layers", loadError(kv));
        Path heads = variant(m -> m.put("lfm2.attention.head_count", GGUFValue.uint32(3)), t -> { });
        assertEquals(heads + ": invalid KV head count 2 for 3 heads", loadError(heads));
        Path dim = variant(m -> m.put("lfm2.embedding_length", GGUFValue.uint64(1L << 40)), t -> { });
        assertEquals(dim + ": metadata 'lfm2.embedding_length' is out of range: 1099511627776", loadError(dim));
        Path big = variant(m -> m.put("lfm2.embedding_length", GGUFValue.uint32(100_000)), t -> { });
        assertEquals(big + ": metadata 'lfm2.embedding_length' = 100000 is out of range [1, 65536]", loadError(big));
        Path type = variant(m -> m.put("lfm2.block_count", GGUFValue.string("six")), t -> { });
        assertEquals(type + ": metadata 'lfm2.block_count' should be an integer, is STRING", loadError(type));
    }
}
