package io.github.lfm4j.langchain4j;

import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.github.lfm4j.runner.api.GenerationEvent;
import io.github.lfm4j.runner.api.GenerationListener;

import java.util.ArrayList;
import java.util.List;

import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.onCompleteToolCall;
import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.onPartialResponse;
import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.onPartialThinking;

/**
 * lfm4j's generation events as LangChain4j's streaming callbacks, in output order: thinking deltas as partial
 * thinking, answer deltas as partial responses, each tool call as a complete tool call as soon as its
 * {@code <|tool_call_end|>} is generated (LFM2 writes a call as one Python-style expression, so there are no
 * meaningful partial tool calls to report). An exception thrown by a callback goes to {@code onError}, and the
 * generation goes on, as LangChain4j's own providers do.
 *
 * <p>It is also the {@link StreamingHandle} the callbacks get: {@link #cancel()} stops the generation before the next
 * token, and nothing more is delivered (neither a complete response nor an error).
 */
final class StreamingBridge implements GenerationListener, StreamingHandle {
    private final StreamingChatResponseHandler handler;
    private final List<String> toolCallIds = new ArrayList<>();
    private volatile boolean cancelled;

    StreamingBridge(StreamingChatResponseHandler handler) {
        this.handler = handler;
    }

    @Override
    public boolean onEvent(GenerationEvent event) {
        if (cancelled) return false;
        switch (event) {
            case GenerationEvent.Reasoning r -> onPartialThinking(handler, r.text(), this);
            case GenerationEvent.Content c -> onPartialResponse(handler, c.text(), this);
            case GenerationEvent.ToolCallReady t -> {
                String id = ChatEngine.newToolCallId();
                int index = toolCallIds.size();
                toolCallIds.add(id);
                onCompleteToolCall(handler, new CompleteToolCall(index, ChatEngine.toRequest(t.call(), id)));
            }
            case GenerationEvent.Done d -> { }
        }
        return !cancelled;
    }

    /** The ids handed out with the complete tool calls, by index, for the final response to repeat. */
    List<String> toolCallIds() {
        return toolCallIds;
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }
}
