package io.github.lfm4j.runner.engine.spi;

import io.github.lfm4j.runner.engine.EngineSession;

/**
 * The conversation state of a {@link GpuModel}: an {@link EngineSession} (rewinding is possible to 0 and to the
 * current position only) with greedy variants of decode and prefill that return just the argmax token, computed on
 * the device, instead of copying the logits back. Not thread-safe.
 */
public interface GpuSession extends EngineSession {

    /** Processes one token; returns the most likely next token (lowest id on ties). */
    int decodeGreedy(int token);

    /** Processes tokens; returns the most likely token after the last one. */
    int prefillGreedy(int[] tokens);
}
