package io.github.lfm4j.runner.cli;

import io.github.lfm4j.kernels.cache.KvCacheType;
import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.runner.api.Device;
import io.github.lfm4j.runner.api.ModelOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The model file, device and worker threads, shared by the commands that load a model for inference ({@code @Mixin}). */
final class EngineOptions {

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF model file, or a Hugging Face checkpoint directory (config.json, *.safetensors, tokenizer.json).")
    Path model;

    @Mixin
    HubOptions hub = new HubOptions();

    private Path resolved;

    /** The model's local path: {@code -m}, or {@code -hf}'s download (once). */
    Path model() {
        if (resolved == null) resolved = hub.modelPath(model);
        return resolved;
    }

    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "0",
            description = "Worker threads; 0 = all processors (default).")
    int threads;

    // The CPU unless asked: the GPU engine needs TornadoVM's JVM arguments (the launcher adds them only for
    // --device gpu|auto) and spends seconds compiling kernels at load, which a quick command should not pay for.
    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu",
            description = "cpu (default), gpu (the best device: a GPU first), or auto (a GPU or accelerator device "
                    + "when the GPU engine offers one, else the CPU).")
    String device;

    @Option(names = "--repack", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "CPU engine: copy Q4_0 matrices into an interleaved layout at load (same results, ~1.2x "
                    + "faster decoding, ~20 MB more memory; default). --no-repack keeps all weights memory-mapped "
                    + "as stored.")
    boolean repack;

    @Option(names = {"-ctk", "--cache-type-k"}, paramLabel = "TYPE",
            description = "KV cache type for keys: f32, f16 or q8_0 (default: f16 on the CPU, f32 on the GPU engine).")
    String cacheTypeK;

    @Option(names = {"-ctv", "--cache-type-v"}, paramLabel = "TYPE",
            description = "KV cache type for values: f32, f16 or q8_0 (default: as for keys).")
    String cacheTypeV;

    @Option(names = "--quantize", paramLabel = "TYPE",
            description = "CPU engine: quantize a float model's matrices (e.g. a BF16 checkpoint) at load, in memory: "
                    + "q8_0 or q4_0 (as lfm4j convert --type would write them).")
    String quantize;

    /** The parsed --device (a one-line error for an unknown name). */
    Device device() {
        return Device.parse(device);
    }

    /** Device, threads, repacking and KV cache types from these options, with a context of {@code context} tokens. */
    ModelOptions modelOptions(int context) {
        GGMLType q = null;
        if (quantize != null) {
            q = switch (quantize.toLowerCase(java.util.Locale.ROOT)) {
                case "q8_0" -> GGMLType.Q8_0;
                case "q4_0" -> GGMLType.Q4_0;
                default -> throw new IllegalArgumentException("--quantize takes q8_0 or q4_0, not '" + quantize + "'");
            };
        }
        return new ModelOptions(device(), threads, context, repack, cacheType(cacheTypeK), cacheType(cacheTypeV))
                .withQuantize(q);
    }

    /** A parsed cache type, null (the engine's default) when not given. */
    static KvCacheType cacheType(String name) {
        return name == null ? null : KvCacheType.parse(name);
    }
}
