package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.lfm2.Lfm2Config;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the report says about the model: a name like llama-bench's model_type, tensor bytes and parameter count.
 *
 * @param name      {@code general.name} (or the file name) and the type holding most of the weight bytes
 * @param sizeBytes bytes of all tensors (llama-bench's model_size)
 * @param params    elements of all tensors (llama-bench's model_n_params)
 * @param contextLength the trained context (the most tokens an engine's state may hold)
 */
public record ModelInfo(Path file, String name, long sizeBytes, long params, int contextLength) {

    public static ModelInfo read(Path file) {
        try (GGUFFile f = GGUFFile.open(file)) {
            int context = Lfm2Config.from(f).contextLength();
            long size = 0, params = 0;
            Map<GGMLType, Long> bytesByType = new EnumMap<>(GGMLType.class);
            for (GGUFTensorInfo t : f.tensorInfos()) {
                size += t.byteSize();
                params += t.elementCount();
                bytesByType.merge(t.type(), t.byteSize(), Long::sum);
            }
            String type = bytesByType.entrySet().stream().max(Map.Entry.comparingByValue())
                    .map(e -> e.getKey().name()).orElse("no tensors");
            String base = f.getString("general.name", file.getFileName().toString());
            return new ModelInfo(file, base + " " + type, size, params, context);
        }
    }
}
