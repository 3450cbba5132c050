package io.github.lfm4j.runner.engine.spi;

import io.github.lfm4j.kernels.cache.KvCacheType;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A GPU engine plugged in at run time (found with {@link java.util.ServiceLoader}; see {@link GpuEngines}), so that
 * the runner does not depend on the GPU runtime. The TornadoVM module implements it; builds without that module
 * simply find none.
 */
public interface GpuEngineProvider {

    /** Short name, e.g. "tornadovm". */
    String name();

    /**
     * Whether the GPU runtime can be used in this JVM (for TornadoVM: started with the SDK's JVM arguments). When
     * false, {@link #unavailableReason()} says why in one line.
     */
    boolean available();

    /** One line: why {@link #available()} is false (empty when it is true). */
    String unavailableReason();

    /** The devices the engine can run on; an IllegalStateException (one line) when the runtime is unavailable. */
    List<GpuDevice> devices();

    /**
     * Loads a GGUF model onto the device {@code deviceId} (a {@link GpuDevice#id()} of {@link #devices()}) with room
     * for {@code context} tokens. One-line notices (such as weights repacked into another format) go to
     * {@code notices}. Failures are exceptions with one-line messages (IllegalArgumentException for bad input or an
     * unknown device, IllegalStateException for device problems such as too little memory).
     */
    GpuModel load(Path model, String deviceId, int context, Consumer<String> notices);

    /**
     * {@link #load(Path, String, int, Consumer)} with the KV cache storing keys as {@code keys} and values as
     * {@code values} (null: the engine's default). An engine that keeps only f32 refuses other types with a
     * one-line IllegalArgumentException.
     */
    default GpuModel load(Path model, String deviceId, int context, KvCacheType keys, KvCacheType values,
                          Consumer<String> notices) {
        if ((keys != null && keys != KvCacheType.F32) || (values != null && values != KvCacheType.F32)) {
            throw new IllegalArgumentException("the " + name() + " engine keeps its KV cache in f32 only: use "
                    + "--cache-type-k f32 --cache-type-v f32");
        }
        return load(model, deviceId, context, notices);
    }

    /** {@link #load(Path, String, int, Consumer)} onto the {@link DeviceChoice#best best} device. */
    default GpuModel load(Path model, int context, Consumer<String> notices) {
        GpuDevice device = DeviceChoice.best(devices())
                .orElseThrow(() -> new IllegalStateException(name() + " found no device"));
        return load(model, device.id(), context, notices);
    }
}
