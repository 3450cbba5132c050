package io.github.lfm4j.runner.engine;

/**
 * The state of one conversation on some engine, as the generation loop drives it: process tokens at the current
 * position, get the logits for the next one, and move back to reuse a shared prefix. The CPU engine's
 * {@link Session} and a GPU engine's {@link io.github.lfm4j.runner.engine.spi.GpuSession} implement it, so
 * everything above the engine (the library, the CLI, the server, the benchmarks) runs unchanged on either.
 *
 * <p>Logits come back in a buffer owned by the session that stays valid until the next call; copy it to keep it.
 * Engines differ in where they can rewind to (the CPU session: where any recent prefill ended; the GPU session: 0
 * and the current position), which is why callers ask {@link #rewindPointAtOrBefore} instead of assuming.
 * Not thread-safe: one thread drives a session at a time.
 */
public interface EngineSession {

    /** Tokens processed so far (the position the next token takes). */
    int position();

    /** Maximum number of tokens the session holds. */
    int context();

    /** Processes {@code tokens} (at least one) at the current position; returns the logits after the last one. */
    float[] prefill(int[] tokens);

    /** Processes one token at the current position; returns the logits for the next. */
    float[] decode(int token);

    /** Forgets the conversation: position 0. */
    void reset();

    /** True when {@link #rewind} to {@code pos} is possible. */
    boolean canRewindTo(int pos);

    /**
     * The largest position at most {@code pos} that {@link #rewind} accepts: where a caller reusing a shared prefix
     * of {@code pos} tokens should rewind to (and then prefill the rest).
     */
    int rewindPointAtOrBefore(int pos);

    /** Moves back to {@code pos}, forgetting the tokens after it; an IllegalArgumentException where not possible. */
    void rewind(int pos);

    /**
     * An IllegalArgumentException with a one-line message when {@code promptTokens} more tokens plus
     * {@code toGenerate} generated ones do not fit in the context from the current position.
     */
    void checkCapacity(int promptTokens, int toGenerate);
}
