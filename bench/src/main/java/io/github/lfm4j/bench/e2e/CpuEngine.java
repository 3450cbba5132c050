package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.runner.engine.Lfm2Model;
import io.github.lfm4j.runner.engine.Session;

import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** The CPU engine (Vector API kernels on memory-mapped weights) behind the benchmark's engine interface. */
public final class CpuEngine implements InferenceEngine {
    private final Lfm2Model model;
    private final Session session;

    private CpuEngine(Lfm2Model model, Session session) {
        this.model = model;
        this.session = session;
    }

    public static CpuEngine open(Path file, int threads, int context) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        Lfm2Model m = Lfm2Model.load(file, threads);
        try {
            return new CpuEngine(m, m.newSession(context));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Registered with ServiceLoader like any other provider. */
    public static final class Provider implements EngineProvider {
        @Override
        public Device device() {
            return Device.CPU;
        }

        @Override
        public InferenceEngine open(Path model, int threads, int context) {
            return CpuEngine.open(model, threads, context);
        }
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public int threads() {
        return model.threads();
    }

    @Override
    public int vocabularySize() {
        return model.config().vocabSize();
    }

    @Override
    public int context() {
        return session.context();
    }

    @Override
    public int position() {
        return session.position();
    }

    @Override
    public void reset() {
        session.reset();
    }

    @Override
    public float[] prefill(int[] tokens) {
        return session.prefill(tokens);
    }

    @Override
    public float[] decode(int token) {
        return session.decode(token);
    }

    @Override
    public void rewind(int position) {
        session.rewind(position);
    }

    @Override
    public OptionalDouble compileSeconds() {
        return OptionalDouble.empty();
    }

    @Override
    public OptionalLong deviceMemoryBytes() {
        return OptionalLong.empty();
    }

    @Override
    public long hostMemoryBytes() {
        return model.file().fileSize() + session.heapBytes();
    }

    @Override
    public void close() {
        model.close();
    }
}
