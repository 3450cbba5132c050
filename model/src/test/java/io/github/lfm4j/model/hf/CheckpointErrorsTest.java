package io.github.lfm4j.model.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.ModelFiles;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken checkpoint directories: each is refused with one line that names the file and the problem. */
class CheckpointErrorsTest {
    @TempDir
    Path tmp;

    /** A copy of the hf-tiny checkpoint to break. */
    Path copy() throws Exception {
        Path src = HfTinyFixtureTest.fixture("checkpoint");
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        try (var s = Files.list(src)) {
            for (Path p : s.toList()) Files.copy(p, dir.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    static String error(Path dir, String... expected) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelFiles.open(dir).close());
        String msg = e.getMessage();
        assertFalse(msg.contains("\n"), msg);
        for (String s : expected) assertTrue(msg.contains(s), "'" + msg + "' should contain '" + s + "'");
        return msg;
    }

    void editConfig(Path dir, Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
        edit.accept(c);
        json.writeValue(dir.resolve("config.json").toFile(), c);
    }

    @Test
    void missingFiles() throws Exception {
        Path dir = copy();
        Files.delete(dir.resolve("tokenizer.json"));
        error(dir, "no tokenizer.json");
        Files.delete(dir.resolve("model.safetensors"));
        Files.copy(HfTinyFixtureTest.fixture("checkpoint/tokenizer.json"), dir.resolve("tokenizer.json"));
        error(dir, "no *.safetensors");
        Files.delete(dir.resolve("config.json"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.requireExists(dir));
        assertTrue(e.getMessage().contains("without config.json"), e.getMessage());
        error(dir, "no config.json");
    }

    @Test
    void badConfig() throws Exception {
        Path dir = copy();
        editConfig(dir, c -> c.put("model_type", "llama"));
        error(dir, "config.json", "model_type 'llama' is not supported");
        editConfig(dir, c -> { c.put("model_type", "lfm2"); c.remove("hidden_size"); });
        error(dir, "missing 'hidden_size'");
        editConfig(dir, c -> { c.put("hidden_size", 64); c.putArray("layer_types").add("conv"); });
        error(dir, "layer_types must list 6 layers");
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": ");
        error(dir, "config.json", "not valid JSON");
    }

    @Test
    void ffnSizeThatDisagreesWithTheWeightsNamesTheTensor() throws Exception {
        Path dir = copy();
        editConfig(dir, c -> c.put("block_auto_adjust_ff_dim", false)); // 384 instead of the weights' 256
        try (GGUFFile f = ModelFiles.open(dir)) {
            var e = assertThrows(RuntimeException.class, () -> io.github.lfm4j.model.lfm2.Lfm2Weights.load(f,
                    io.github.lfm4j.model.lfm2.Lfm2Config.from(f)));
            assertTrue(e.getMessage().contains("blk.0.ffn_gate.weight") && e.getMessage().contains("[64, 384]"), e.getMessage());
        }
    }

    @Test
    void truncatedAndCorruptSafetensors() throws Exception {
        Path dir = copy();
        Path st = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(st);
        Files.write(st, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        error(dir, "model.safetensors", "truncated");
        Files.write(st, new byte[]{(byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 1, 2});
        error(dir, "model.safetensors", "not a safetensors file");
        Files.write(st, java.util.Arrays.copyOf(bytes, 5));
        error(dir, "not a safetensors file");
    }

    @Test
    void unknownTensorAndUnsupportedDtype() throws Exception {
        Path dir = copy();
        Files.delete(dir.resolve("model.safetensors"));
        new SafetensorsWriter().add("model.vision_tower.weight", GGMLType.F32, new long[]{2}, new float[2]).write(dir.resolve("a.safetensors"));
        error(dir, "'model.vision_tower.weight' is not an LFM2 weight");
        String header = "{\"x\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        byte[] h = header.getBytes();
        var buf = java.nio.ByteBuffer.allocate(8 + h.length + 2).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
        Files.write(dir.resolve("a.safetensors"), buf.array());
        error(dir, "a.safetensors", "dtype I8");
    }

    @Test
    void indexNamingAMissingShard() throws Exception {
        Path dir = copy();
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\":{},\"weight_map\":{\"model.embed_tokens.weight\":\"model-00001-of-00002.safetensors\"}}");
        error(dir, "model.safetensors.index.json", "shard 'model-00001-of-00002.safetensors' is missing");
    }

    @Test
    void untiedWithoutLmHead() throws Exception {
        Path dir = copy();
        editConfig(dir, c -> c.put("tie_word_embeddings", false));
        error(dir, "tie_word_embeddings is false but there is no lm_head.weight");
    }

    @Test
    void unsupportedTokenizer() throws Exception {
        Path dir = copy();
        Path tj = dir.resolve("tokenizer.json");
        Files.writeString(tj, Files.readString(tj).replace("\"ignore_merges\": true", "\"ignore_merges\": false")
                .replace("\"ignore_merges\":true", "\"ignore_merges\":false"));
        error(dir, "tokenizer.json", "ignore_merges false");
        Files.copy(HfTinyFixtureTest.fixture("checkpoint/tokenizer.json"), tj, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(tj, Files.readString(tj).replace("\\\\p{N}{1,3}", "\\\\p{N}"));
        error(dir, "tokenizer.json", "pre-tokenizer not supported");
    }

    @Test
    void shardedCheckpointReadsLikeTheSingleFile() throws Exception {
        Path dir = copy();
        // Re-shard: the layers' tensors in one file, the rest in another, with the index transformers writes.
        Path st = dir.resolve("model.safetensors");
        java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined();
        SafetensorsFile whole = SafetensorsFile.open(st, arena);
        SafetensorsWriter a = new SafetensorsWriter(), b = new SafetensorsWriter();
        ObjectNode index = new ObjectMapper().createObjectNode();
        index.putObject("metadata").put("total_size", whole.size());
        ObjectNode map = index.putObject("weight_map");
        for (SafetensorsFile.Entry e : whole.entries().values()) {
            boolean layer = e.name().startsWith("model.layers.");
            (layer ? a : b).add(e.name(), e.type(), e.shape(), e.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            map.put(e.name(), layer ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        arena.close();
        a.write(dir.resolve("model-00001-of-00002.safetensors"));
        b.write(dir.resolve("model-00002-of-00002.safetensors"));
        Files.delete(st);
        new ObjectMapper().writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        try (GGUFFile sharded = ModelFiles.open(dir); GGUFFile single = ModelFiles.open(HfTinyFixtureTest.fixture("checkpoint"))) {
            assertEquals(single.tensorInfos().size(), sharded.tensorInfos().size());
            for (var t : single.tensorInfos()) {
                assertEquals(single.tensor(t.name()).data().mismatch(sharded.tensor(t.name()).data()), -1L, t.name());
            }
        }
    }
}
