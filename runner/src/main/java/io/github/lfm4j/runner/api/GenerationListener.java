package io.github.lfm4j.runner.api;

/**
 * Receives the events of a streamed generation on the generating thread. Keep it quick: generation waits for it.
 */
@FunctionalInterface
public interface GenerationListener {

    /**
     * @return true to go on; false to cancel the generation (e.g. the HTTP client disconnected): it stops before the
     *     next token, with {@link FinishReason#CANCELLED}, and a {@link GenerationEvent.Done} event still follows.
     *     The return value of the {@code Done} event itself is ignored
     */
    boolean onEvent(GenerationEvent event);
}
