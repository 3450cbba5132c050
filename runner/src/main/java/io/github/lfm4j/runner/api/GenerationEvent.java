package io.github.lfm4j.runner.api;

import io.github.lfm4j.model.chat.tools.ToolCall;

/**
 * One step of a streamed generation, delivered to a {@link GenerationListener} in output order. Text deltas are
 * whole characters (never half a UTF-8 sequence) and never contain part of a stop string or tool-call markup;
 * concatenating all {@link Reasoning} deltas gives {@link GenerationResult#reasoning()}, all {@link Content}
 * deltas {@link GenerationResult#content()}.
 */
public sealed interface GenerationEvent {

    /** More of the thinking trace. */
    record Reasoning(String text) implements GenerationEvent {}

    /** More of the answer (raw completions deliver all their text this way). */
    record Content(String text) implements GenerationEvent {}

    /** A complete tool call, parsed as soon as its {@code <|tool_call_end|>} was generated. */
    record ToolCallReady(ToolCall call) implements GenerationEvent {}

    /** The last event: the generation's result. */
    record Done(GenerationResult result) implements GenerationEvent {}
}
