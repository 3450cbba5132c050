package io.github.lfm4j.runner.engine.spi;

import java.util.Optional;
import java.util.ServiceLoader;

/** Finds the GPU engine on the class path, if the build includes one. */
public final class GpuEngines {
    private GpuEngines() {}

    /** The first {@link GpuEngineProvider} registered with ServiceLoader, or empty when none is on the class path. */
    public static Optional<GpuEngineProvider> provider() {
        return ServiceLoader.load(GpuEngineProvider.class).findFirst();
    }

    /**
     * The GPU engine, ready to use, or an IllegalStateException whose one-line message says what is missing: a build
     * with the engine (Maven profile {@code tornadovm}, switched on by {@code TORNADOVM_HOME}) or a JVM started with
     * its arguments (the {@code ./lfm4j} launcher adds them for {@code --device gpu|auto} when it finds the SDK).
     */
    public static GpuEngineProvider require() {
        GpuEngineProvider p = provider().orElseThrow(() -> new IllegalStateException(
                "GPU engine needs TornadoVM, which this build does not include (build with TORNADOVM_HOME set to a "
                        + "TornadoVM SDK)"));
        if (!p.available()) throw new IllegalStateException(p.unavailableReason());
        return p;
    }
}
