package io.github.lfm4j.bench.e2e;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One model loaded on one device with one conversation state: what the benchmark drives. The CPU engine wraps
 * {@code Lfm2Model} + {@code Session}; a GPU engine (TornadoVM) plugs in through an {@link EngineProvider} and
 * implements the same token-level operations, so every benchmark runs unchanged on it.
 *
 * <p>Like a session, an engine is driven by one thread; it may parallelise inside.
 */
public interface InferenceEngine extends AutoCloseable {

    Device device();

    /** CPU worker threads the engine uses (for a GPU engine: host threads, usually 1). */
    int threads();

    int vocabularySize();

    /** Tokens the engine's state holds at most. */
    int context();

    /** Tokens processed since the last {@link #reset()}. */
    int position();

    /** Forgets the conversation (position 0). */
    void reset();

    /** Processes {@code tokens} at the current position; returns the logits of the last one (engine-owned buffer). */
    float[] prefill(int[] tokens);

    /** Processes one token; returns the logits for the next (engine-owned buffer). */
    float[] decode(int token);

    /** Moves back to {@code position}: 0, the current position, or where an earlier {@link #prefill} ended. */
    void rewind(int position);

    /**
     * Time spent preparing device code (TornadoVM task-graph planning and kernel JIT) so far; empty where there is
     * no such step (the CPU engine's code is compiled by the JVM as it runs).
     */
    OptionalDouble compileSeconds();

    /** Accelerator memory in use; empty for the CPU. */
    OptionalLong deviceMemoryBytes();

    /** Host memory the engine holds: mapped weights plus the heap its state uses (caches and activations). */
    long hostMemoryBytes();

    @Override
    void close();
}
