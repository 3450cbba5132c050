package io.github.lfm4j.runner.api;

import io.github.lfm4j.model.ModelFiles;
import io.github.lfm4j.kernels.cache.KvCacheType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.runner.engine.EngineSession;
import io.github.lfm4j.runner.engine.Lfm2Model;
import io.github.lfm4j.runner.engine.spi.DeviceChoice;
import io.github.lfm4j.runner.engine.spi.GpuDevice;
import io.github.lfm4j.runner.engine.spi.GpuEngineProvider;
import io.github.lfm4j.runner.engine.spi.GpuEngines;
import io.github.lfm4j.runner.engine.spi.GpuModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A GGUF model loaded on a device, at the token level: the one place that turns {@link ModelOptions#device()} into
 * an engine, used by {@link LanguageModel}, the CLI's token mode and the benchmarks.
 *
 * <ul>
 *   <li>{@link Device#CPU}: the CPU engine ({@link Lfm2Model}); any number of sessions, each allocating its KV cache
 *       as it grows.</li>
 *   <li>{@link Device#GPU}: the GPU engine found by {@link GpuEngines#require()} (a one-line error when the build or
 *       the JVM lacks it) on its best device ({@link DeviceChoice#best}: a GPU first, a CPU OpenCL device when it
 *       is the only one). The device holds ONE session, sized for the context when loading.</li>
 *   <li>{@link Device#AUTO}: the GPU engine when it offers a GPU or accelerator device ({@link DeviceChoice#forAuto});
 *       the CPU engine otherwise: silently when there is no usable GPU engine, with one notice line when it offers
 *       only CPU devices (where the CPU engine is faster).</li>
 * </ul>
 *
 * The GGUF file is also mapped on the host ({@link #file()}), for the tokenizer, chat template and metadata.
 */
public final class LoadedEngine implements AutoCloseable {
    /**
     * Context when none is asked for on the GPU: its KV cache is allocated on the device up front, so the trained
     * context (128k tokens for LFM2.5) would take gigabytes that a typical conversation never uses.
     */
    public static final int GPU_DEFAULT_CONTEXT = 8192;

    private final Lfm2Model cpu;
    private final GpuModel gpu;
    private final GGUFFile file;
    private final int context;
    private final KvCacheType cacheTypeK, cacheTypeV;
    private boolean gpuSessionTaken;

    private LoadedEngine(Lfm2Model cpu, GpuModel gpu, GGUFFile file, int context, ModelOptions options) {
        this.cpu = cpu;
        this.gpu = gpu;
        this.file = file;
        this.context = context;
        KvCacheType engineDefault = cpu != null ? KvCacheType.DEFAULT : KvCacheType.F32;
        this.cacheTypeK = options.cacheTypeK() != null ? options.cacheTypeK() : engineDefault;
        this.cacheTypeV = options.cacheTypeV() != null ? options.cacheTypeV() : engineDefault;
    }

    /**
     * Loads {@code path} as {@code options} say. One-line notices from the GPU engine (e.g. weights repacked) go to
     * {@code notices}.
     *
     * @throws IllegalArgumentException (one line) for a missing or invalid file or a context beyond the trained one
     * @throws IllegalStateException    (one line) for {@link Device#GPU} without a usable GPU engine or device
     */
    public static LoadedEngine load(Path path, ModelOptions options, Consumer<String> notices) {
        ModelFiles.requireExists(path);
        return switch (options.device()) {
            case CPU -> loadCpu(path, options);
            case GPU -> {
                GpuEngineProvider p = GpuEngines.require();
                GpuDevice d = DeviceChoice.best(p.devices())
                        .orElseThrow(() -> new IllegalStateException("GPU engine " + p.name() + " found no device"));
                yield loadGpu(p, d, path, options, notices);
            }
            case AUTO -> {
                Optional<GpuEngineProvider> p = GpuEngines.provider();
                Optional<GpuDevice> d = autoDevice(p, notices);
                yield d.isPresent() ? loadGpu(p.get(), d.get(), path, options, notices) : loadCpu(path, options);
            }
        };
    }

    /**
     * The device {@link Device#AUTO} loads onto: one {@link DeviceChoice#forAuto} accepts, of a GPU engine that is on
     * the class path and usable in this JVM; empty means the CPU engine (with a notice when the engine offered only
     * CPU devices).
     */
    static Optional<GpuDevice> autoDevice(Optional<GpuEngineProvider> provider, Consumer<String> notices) {
        if (provider.isEmpty() || !provider.get().available()) return Optional.empty();
        List<GpuDevice> devices;
        try {
            devices = provider.get().devices();
        } catch (RuntimeException e) {
            return Optional.empty(); // AUTO means "the GPU if it works": a runtime that cannot list devices does not
        }
        DeviceChoice.autoFallbackNotice(provider.get().name(), devices).ifPresent(notices);
        return DeviceChoice.forAuto(devices);
    }

    private static LoadedEngine loadCpu(Path path, ModelOptions options) {
        Lfm2Model m = Lfm2Model.load(path, options.threads(), options.repack(), options.quantize());
        try {
            int context = resolveContext(options.contextSize(), m.config().contextLength(), m.config().contextLength());
            return new LoadedEngine(m, null, m.file(), context, options);
        } catch (RuntimeException | Error e) {
            m.close();
            throw e;
        }
    }

    private static LoadedEngine loadGpu(GpuEngineProvider provider, GpuDevice device, Path path, ModelOptions options,
                                        Consumer<String> notices) {
        if (options.quantize() != null) {
            notices.accept("lfm4j: --quantize applies to the CPU engine; the GPU engine keeps F16 and re-encodes BF16 as Q8_0 itself");
        }
        GGUFFile file = ModelFiles.open(path);
        try {
            int trained = Lfm2Config.from(file).contextLength();
            int context = resolveContext(options.contextSize(), trained, Math.min(trained, GPU_DEFAULT_CONTEXT));
            return new LoadedEngine(null, provider.load(path, device.id(), context, options.cacheTypeK(),
                    options.cacheTypeV(), notices), file, context, options);
        } catch (RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    private static int resolveContext(int asked, int trained, int byDefault) {
        if (asked > trained) {
            throw new IllegalArgumentException("context of " + asked + " tokens exceeds the model's trained context of "
                    + trained + " tokens");
        }
        return asked > 0 ? asked : byDefault;
    }

    /** Where the model runs: {@link Device#CPU} or {@link Device#GPU} (AUTO is resolved when loading). */
    public Device device() {
        return gpu != null ? Device.GPU : Device.CPU;
    }

    /** The device in words, e.g. "cpu (8 threads)" or the GPU's name. */
    public String deviceName() {
        return gpu != null ? gpu.device() : "cpu (" + cpu.threads() + " threads)";
    }

    public Lfm2Config config() {
        return gpu != null ? gpu.config() : cpu.config();
    }

    /** The GGUF file mapped on the host (tokenizer, chat template, metadata). */
    public GGUFFile file() {
        return file;
    }

    /** Tokens one session holds. */
    public int context() {
        return context;
    }

    /** How the KV cache stores keys. */
    public KvCacheType cacheTypeK() {
        return cacheTypeK;
    }

    /** How the KV cache stores values. */
    public KvCacheType cacheTypeV() {
        return cacheTypeV;
    }

    /** Sessions that can exist at once: 1 on the GPU (the device holds one KV cache), unbounded on the CPU. */
    public int maxSessions() {
        return gpu != null ? 1 : Integer.MAX_VALUE;
    }

    /**
     * A session of {@link #context()} tokens, at position 0. On the GPU this is the device's one session, which
     * can be taken once; a second call is an IllegalStateException.
     */
    public synchronized EngineSession newSession() {
        if (gpu == null) return cpu.newSession(context, cacheTypeK, cacheTypeV);
        if (gpuSessionTaken) throw new IllegalStateException("the GPU model holds one session, which is in use");
        gpuSessionTaken = true;
        EngineSession s = gpu.session();
        s.reset();
        return s;
    }

    /** The CPU engine, when the model runs on the CPU. */
    public Optional<Lfm2Model> cpuModel() {
        return Optional.ofNullable(cpu);
    }

    /** The GPU engine, when the model runs on the GPU. */
    public Optional<GpuModel> gpuModel() {
        return Optional.ofNullable(gpu);
    }

    /** Frees the engine (device memory, worker threads) and unmaps the file; sessions must not be used afterwards. */
    @Override
    public void close() {
        if (cpu != null) {
            cpu.close(); // unmaps the file too
            return;
        }
        try {
            gpu.close();
        } finally {
            file.close();
        }
    }
}
