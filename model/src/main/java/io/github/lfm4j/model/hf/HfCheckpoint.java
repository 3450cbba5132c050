package io.github.lfm4j.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.gguf.GGUFValue;
import io.github.lfm4j.model.gguf.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A Hugging Face LFM2 checkpoint directory opened as a {@link GGUFFile} view: {@code config.json}, the
 * {@code *.safetensors} shard(s) (through {@code model.safetensors.index.json} when there are several),
 * {@code tokenizer.json}, {@code tokenizer_config.json} and {@code chat_template.jinja}. The shards are
 * memory-mapped and their tensors presented under llama.cpp's names and dims, in their own F32/F16/BF16 type, with
 * the metadata llama.cpp's converter would write; so the engines, {@code info} and {@code convert} read a
 * checkpoint exactly as they read the GGUF made from it, without a copy of the weights.
 */
public final class HfCheckpoint {
    private HfCheckpoint() {}

    public static final String CONFIG = "config.json";
    private static final String INDEX = "model.safetensors.index.json";

    /** True when {@code dir} looks like a checkpoint (a directory with a config.json). */
    public static boolean isCheckpoint(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(CONFIG));
    }

    /** Opens {@code dir}; every problem is a one-line {@link CheckpointException} naming the file. */
    public static GGUFFile open(Path dir) {
        if (!Files.isDirectory(dir)) throw new CheckpointException(dir + ": not a directory");
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new CheckpointException(dir + ": no config.json (not a Hugging Face model directory)");
        }
        HfConfig config = HfConfig.parse(json(configFile), configFile);
        Path tokFile = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokFile)) throw new CheckpointException(dir + ": no tokenizer.json");
        Path tokConfigFile = dir.resolve("tokenizer_config.json");
        JsonNode tokConfig = Files.isRegularFile(tokConfigFile) ? json(tokConfigFile) : null;
        Map<String, GGUFValue> tokenizer = HfTokenizer.metadata(json(tokFile), tokConfig, config, tokFile);
        Path jinja = dir.resolve("chat_template.jinja");
        String template = HfTokenizer.chatTemplate(Files.isRegularFile(jinja) ? text(jinja) : null, tokConfig);

        List<Path> shards = shards(dir);
        Arena arena = Arena.ofShared();
        try {
            long bytes = 0;
            Map<String, SafetensorsFile.Entry> all = new LinkedHashMap<>();
            for (Path shard : shards) {
                SafetensorsFile f = SafetensorsFile.open(shard, arena);
                bytes += f.size();
                for (SafetensorsFile.Entry e : f.entries().values()) {
                    if (all.put(e.name(), e) != null) throw SafetensorsFile.fail(shard, "tensor '" + e.name() + "' is also in another shard");
                }
            }
            List<Tensor> tensors = tensors(dir, all, config);
            Map<String, GGUFValue> md = new LinkedHashMap<>();
            md.put("general.architecture", GGUFValue.string("lfm2"));
            md.put("general.type", GGUFValue.string("model"));
            md.put("general.name", GGUFValue.string(modelName(dir)));
            md.putAll(config.metadata());
            md.put("general.file_type", GGUFValue.uint32(fileType(tensors)));
            md.putAll(tokenizer);
            if (template != null) md.put("tokenizer.chat_template", GGUFValue.string(template));
            return GGUFFile.assembled(dir, arena, md, tensors, bytes);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * The directory's name, or NAME for a huggingface_hub snapshot ({@code models--ORG--NAME/snapshots/COMMIT}),
     * whose own name is a commit hash.
     */
    static String modelName(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        if (d.getNameCount() >= 3 && d.getParent().getFileName().toString().equals("snapshots")) {
            String repo = d.getParent().getParent().getFileName().toString();
            if (repo.startsWith("models--") && repo.indexOf("--", 8) > 0) return repo.substring(repo.indexOf("--", 8) + 2);
        }
        return d.getFileName() == null ? "model" : d.getFileName().toString();
    }

    /** The index's shards, else model.safetensors, else every *.safetensors file, in name order. */
    static List<Path> shards(Path dir) {
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            JsonNode map = json(index).path("weight_map");
            if (!map.isObject() || map.isEmpty()) throw SafetensorsFile.fail(index, "no weight_map");
            TreeSet<String> files = new TreeSet<>();
            for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) files.add(it.next().asText());
            List<Path> out = new ArrayList<>();
            for (String f : files) {
                Path p = dir.resolve(f).normalize();
                if (!p.startsWith(dir.normalize()) || !Files.isRegularFile(p)) {
                    throw SafetensorsFile.fail(index, "shard '" + f + "' is missing");
                }
                out.add(p);
            }
            return out;
        }
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) return List.of(single);
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = s.filter(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p))
                    .sorted().toList();
            if (out.isEmpty()) throw new CheckpointException(dir + ": no *.safetensors weights");
            return out;
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot list (" + e.getMessage() + ")");
        }
    }

    private static List<Tensor> tensors(Path dir, Map<String, SafetensorsFile.Entry> all, HfConfig config) {
        List<Tensor> out = new ArrayList<>();
        boolean hasHead = all.containsKey("lm_head.weight");
        if (!config.tiedEmbeddings() && !hasHead) {
            throw new CheckpointException(dir + ": tie_word_embeddings is false but there is no lm_head.weight");
        }
        for (SafetensorsFile.Entry e : all.values()) {
            String name = HfTensorNames.toGguf(e.name());
            if (name == null) {
                if (HfTensorNames.ignorable(e.name())) continue;
                throw new CheckpointException(dir + ": tensor '" + e.name() + "' is not an LFM2 weight");
            }
            // A tied model computes logits with the embedding; a saved copy of it under lm_head is not used.
            if (name.equals("output.weight") && config.tiedEmbeddings()) continue;
            long[] dims = HfTensorNames.ggufDims(name, e.shape());
            out.add(new Tensor(new GGUFTensorInfo(name, dims, e.type(), 0), e.data()));
        }
        return out;
    }

    /** llama.cpp's general.file_type of the matrices' type: 0 F32, 1 F16 ("mostly"), 32 BF16. */
    private static int fileType(List<Tensor> tensors) {
        GGMLType t = tensors.stream().filter(x -> x.dims().length == 2 && !x.name().endsWith("conv.weight"))
                .map(Tensor::type).findFirst().orElse(GGMLType.F32);
        return switch (t) {
            case F16 -> 1;
            case BF16 -> 32;
            default -> 0;
        };
    }

    static JsonNode json(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw SafetensorsFile.fail(file, "not valid JSON (" + msg + ")");
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw SafetensorsFile.fail(file, "cannot read (" + e.getMessage() + ")");
        }
    }
}
