package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.model.ModelFiles;
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
 * @param name      {@code general.name} (or the file name) and the file's quantization: the K-quant mix its
 *                  {@code general.file_type} names when the file mixes quantized types (Q4_K_M, Q5_K_M, ...),
 *                  else the type holding most of the weight bytes
 * @param sizeBytes bytes of all tensors (llama-bench's model_size)
 * @param params    elements of all tensors (llama-bench's model_n_params)
 * @param contextLength the trained context (the most tokens an engine's state may hold)
 */
public record ModelInfo(Path file, String name, long sizeBytes, long params, int contextLength) {

    /** llama.h's llama_ftype values of the K-quant presets, which mix types (Q4_K_M: Q4_K and Q6_K). */
    private static final Map<Integer, String> K_MIXES = Map.of(10, "Q2_K", 11, "Q3_K_S", 12, "Q3_K_M", 13, "Q3_K_L",
            14, "Q4_K_S", 15, "Q4_K_M", 16, "Q5_K_S", 17, "Q5_K_M", 18, "Q6_K");

    public static ModelInfo read(Path file) {
        try (GGUFFile f = ModelFiles.open(file)) {
            int context = Lfm2Config.from(f).contextLength();
            long size = 0, params = 0;
            Map<GGMLType, Long> bytesByType = new EnumMap<>(GGMLType.class);
            for (GGUFTensorInfo t : f.tensorInfos()) {
                size += t.byteSize();
                params += t.elementCount();
                bytesByType.merge(t.type(), t.byteSize(), Long::sum);
            }
            String largest = bytesByType.entrySet().stream().max(Map.Entry.comparingByValue())
                    .map(e -> e.getKey().name()).orElse("no tensors");
            // a mix's name only for a file that mixes quantized types (a file of Q4_K matrices alone is labelled
            // Q4_K_S by its writer, the nearest llama_ftype, but it is not llama-quantize's Q4_K_S mix)
            long quantizedTypes = bytesByType.keySet().stream().filter(GGMLType::isQuantized).count();
            String type = quantizedTypes > 1 ? K_MIXES.getOrDefault(f.getInt("general.file_type", -1), largest) : largest;
            String base = f.getString("general.name", file.getFileName().toString());
            return new ModelInfo(file, base + " " + type, size, params, context);
        }
    }
}
