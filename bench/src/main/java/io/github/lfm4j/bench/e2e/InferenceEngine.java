package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.kernels.cache.KvCacheType;
import io.github.lfm4j.runner.api.Device;
import io.github.lfm4j.runner.api.LoadedEngine;
import io.github.lfm4j.runner.api.ModelOptions;
import io.github.lfm4j.runner.engine.EngineSession;
import io.github.lfm4j.runner.engine.Session;
import io.github.lfm4j.runner.engine.spi.GpuEngines;
import io.github.lfm4j.runner.engine.spi.GpuModel;
import io.github.lfm4j.runner.engine.spi.GpuSession;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One model loaded on one device with one conversation state: what the benchmark drives. A thin layer over the
 * runner's {@link LoadedEngine} and its {@link EngineSession}, so the CPU and GPU engines run the same benchmark
 * code; what only one of them has (device memory, kernel compile time) comes from the engine underneath.
 *
 * <p>Like a session, an engine is driven by one thread; it may parallelise inside.
 */
public final class InferenceEngine implements AutoCloseable {
    private final LoadedEngine engine;
    private final EngineSession session;
    private final int threads;

    private InferenceEngine(LoadedEngine engine, int threads) {
        this.engine = engine;
        this.session = engine.newSession();
        this.threads = threads;
    }

    /**
     * Loads {@code model} on {@code device} with a session of {@code context} tokens. Never falls back to another
     * device: GPU numbers must come from a GPU.
     *
     * @param threads CPU worker threads, at least 1 (the GPU engine drives the device from the calling thread)
     * @param repack  let the CPU engine repack matrices into faster layouts ({@link ModelOptions#repack()})
     */
    public static InferenceEngine open(Device device, Path model, int threads, int context, boolean repack) {
        return open(device, model, threads, context, repack, null, null);
    }

    /** Like {@link #open(Device, Path, int, int, boolean)} with the KV cache's types (null: the engine's default). */
    public static InferenceEngine open(Device device, Path model, int threads, int context, boolean repack,
                                       KvCacheType keys, KvCacheType values) {
        if (device == Device.AUTO) throw new IllegalArgumentException("benchmark devices are cpu or gpu, not auto");
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        ModelOptions options = new ModelOptions(device, threads, context, repack, keys, values);
        LoadedEngine e = LoadedEngine.load(model, options, System.err::println);
        try {
            return new InferenceEngine(e, device == Device.GPU ? 1 : threads);
        } catch (RuntimeException | Error ex) {
            e.close();
            throw ex;
        }
    }

    /**
     * Checks that {@code device} can be benchmarked in this JVM before any work is done: for the GPU, that the build
     * includes a GPU engine and the JVM can run it (a one-line IllegalStateException saying what is missing).
     */
    public static void requireAvailable(Device device) {
        if (device == Device.GPU) GpuEngines.require();
    }

    public Device device() {
        return engine.device();
    }

    /** CPU worker threads the engine uses (the GPU engine: 1, the thread that drives the device). */
    public int threads() {
        return threads;
    }

    /** How the cache stores keys and values, e.g. {@code f16}. */
    public KvCacheType cacheTypeK() {
        return engine.cacheTypeK();
    }

    public KvCacheType cacheTypeV() {
        return engine.cacheTypeV();
    }

    public int vocabularySize() {
        return engine.config().vocabSize();
    }

    /** Tokens the engine's state holds at most. */
    public int context() {
        return session.context();
    }

    /** Tokens processed since the last {@link #reset()}. */
    public int position() {
        return session.position();
    }

    /** Forgets the conversation (position 0). */
    public void reset() {
        session.reset();
    }

    /** Processes {@code tokens} at the current position; returns the logits of the last one (engine-owned buffer). */
    public float[] prefill(int[] tokens) {
        return session.prefill(tokens);
    }

    /** Processes one token; returns the logits for the next (engine-owned buffer). */
    public float[] decode(int token) {
        return session.decode(token);
    }

    /** Moves back to {@code position}: 0, the current position, or (on the CPU) where an earlier prefill ended. */
    public void rewind(int position) {
        session.rewind(position);
    }

    /** Whether {@link #rewind} to {@code position} is possible. */
    public boolean canRewindTo(int position) {
        return session.canRewindTo(position);
    }

    /**
     * Time spent preparing device code (planning and kernel compilation, with the first weight upload) while loading;
     * empty on the CPU, whose code the JVM compiles as it runs.
     */
    public OptionalDouble compileSeconds() {
        return engine.gpuModel().map(g -> OptionalDouble.of(g.compileSeconds())).orElse(OptionalDouble.empty());
    }

    /**
     * Device counters over {@code tokens} greedy decode steps from an empty state, after one unprofiled warm-up
     * step; leaves the state dirty (callers reset). Empty on the CPU, or when the GPU engine has no profiler or the
     * context holds too few tokens.
     */
    public Optional<DeviceStepProfile> profileGreedySteps(int firstToken, int tokens) {
        Optional<GpuModel> gpu = engine.gpuModel();
        if (gpu.isEmpty() || !(session instanceof GpuSession s) || tokens < 1 || tokens + 1 > s.context()) {
            return Optional.empty();
        }
        s.reset();
        int next = s.decodeGreedy(firstToken);
        gpu.get().profile(true);
        try {
            for (int i = 0; i < tokens; i++) next = s.decodeGreedy(next);
            return gpu.get().profileTotals()
                    .map(p -> new DeviceStepProfile(tokens, p.kernelNanos(), p.bytesIn(), p.bytesOut()));
        } finally {
            gpu.get().profile(false);
        }
    }

    /** Accelerator memory in use; empty for the CPU. */
    public OptionalLong deviceMemoryBytes() {
        return engine.gpuModel().map(g -> OptionalLong.of(g.deviceMemoryBytes())).orElse(OptionalLong.empty());
    }

    /**
     * Host memory the engine holds. CPU: the weights (the file's size: each weight is held once, either mapped or,
     * for a repacked matrix, copied off the heap with its mapped pages released) plus the heap its session uses
     * (caches, activations).
     * GPU: the weights live on the device, so the Java heap in use stands for the host side.
     */
    public long hostMemoryBytes() {
        if (session instanceof Session cpu) return engine.file().fileSize() + cpu.heapBytes();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The device in words. */
    public String deviceName() {
        return engine.deviceName();
    }

    @Override
    public void close() {
        engine.close();
    }
}
