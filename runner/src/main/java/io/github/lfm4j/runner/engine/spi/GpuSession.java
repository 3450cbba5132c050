package io.github.lfm4j.runner.engine.spi;

/**
 * The conversation state of a {@link GpuModel}, shaped like the CPU engine's {@code Session}: logits come back in
 * a session-owned buffer valid until the next call; the greedy variants return only the argmax token, computed on
 * the device. Rewinding is possible to 0 and to the current position. Not thread-safe.
 */
public interface GpuSession {

    /** Tokens processed so far (the position of the next token). */
    int position();

    /** Maximum number of tokens. */
    int context();

    /** Processes one token; returns the logits for the next (session-owned buffer). */
    float[] decode(int token);

    /** Processes one token; returns the most likely next token (lowest id on ties). */
    int decodeGreedy(int token);

    /** Processes tokens; returns the logits after the last one (session-owned buffer). */
    float[] prefill(int[] tokens);

    /** Processes tokens; returns the most likely token after the last one. */
    int prefillGreedy(int[] tokens);

    void reset();

    boolean canRewindTo(int pos);

    /** The largest position at most {@code pos} that {@link #rewind} accepts (the current position or 0). */
    int rewindPointAtOrBefore(int pos);

    /** Moves back to {@code pos} (0 or the current position); otherwise an IllegalArgumentException. */
    void rewind(int pos);

    /** IllegalArgumentException (one line) when {@code promptTokens + toGenerate} more tokens do not fit. */
    void checkCapacity(int promptTokens, int toGenerate);
}
