package io.github.lfm4j.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.LanguageModel;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.withLoggingExceptions;

/**
 * An LFM2 / LFM2.5 model run by lfm4j as a LangChain4j {@link StreamingChatModel}: the same mapping as
 * {@link Lfm4jChatModel}, with the answer streamed as partial responses, the thinking trace as partial thinking
 * and each tool call as a complete tool call the moment the model has written it, then the complete response.
 *
 * <p>{@link #chat} returns at once; the generation runs on a thread of the {@link Builder#executor executor}, by
 * default a new platform thread per request (a computing virtual thread would pin its carrier). A request that
 * cannot be mapped (an unsupported feature, a bad parameter) throws from {@code chat} itself; errors while
 * generating (e.g. a conversation longer than the context) go to {@code onError}. Cancelling through the
 * {@code StreamingHandle} of any partial callback stops the generation before its next token; no further callback
 * follows.
 */
public final class Lfm4jStreamingChatModel implements StreamingChatModel, AutoCloseable {
    private static final ThreadFactory THREADS = Thread.ofPlatform().daemon().name("lfm4j-stream-", 0).factory();

    private final ChatEngine engine;
    private final ChatRequestParameters defaultRequestParameters;
    private final List<ChatModelListener> listeners;
    private final Executor executor;

    private Lfm4jStreamingChatModel(Builder b) {
        this.defaultRequestParameters = b.defaultRequestParameters();
        this.listeners = b.listeners();
        this.executor = b.executor != null ? b.executor : task -> THREADS.newThread(task).start();
        this.engine = b.engine();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        ChatEngine.Prepared prepared = engine.prepare(request);
        executor.execute(() -> run(prepared, handler));
    }

    private void run(ChatEngine.Prepared prepared, StreamingChatResponseHandler handler) {
        StreamingBridge bridge = new StreamingBridge(handler);
        GenerationResult result;
        try {
            result = engine.generate(prepared, bridge);
        } catch (RuntimeException e) {
            withLoggingExceptions(() -> handler.onError(e));
            return;
        }
        if (bridge.isCancelled()) return;
        ChatResponse response = engine.toResponse(result, bridge.toolCallIds());
        try {
            handler.onCompleteResponse(response);
        } catch (RuntimeException e) {
            withLoggingExceptions(() -> handler.onError(e));
        }
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return defaultRequestParameters;
    }

    @Override
    public List<ChatModelListener> listeners() {
        return listeners;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** The lfm4j model underneath (e.g. to share it with a {@link Lfm4jChatModel}). */
    public LanguageModel languageModel() {
        return engine.model();
    }

    @Override
    public void close() {
        engine.close();
    }

    public static final class Builder extends Lfm4jModelBuilder<Builder> {
        private Executor executor;

        private Builder() {}

        /** Where generations run; by default a new daemon platform thread per request. */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        public Lfm4jStreamingChatModel build() {
            return new Lfm4jStreamingChatModel(this);
        }
    }
}
