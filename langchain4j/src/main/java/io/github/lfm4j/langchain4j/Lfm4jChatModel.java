package io.github.lfm4j.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.lfm4j.runner.api.LanguageModel;

import java.util.List;

/**
 * An LFM2 / LFM2.5 model run by lfm4j, in-process, as a LangChain4j {@link ChatModel}:
 *
 * <pre>{@code
 * ChatModel model = Lfm4jChatModel.builder().modelPath(Path.of("LFM2.5-1.2B-Thinking-Q4_0.gguf")).build();
 * Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(new MyTools()).build();
 * }</pre>
 *
 * <p>The answer is {@code AiMessage.text()}, the thinking trace {@code AiMessage.thinking()} (never in the text),
 * tool calls {@code AiMessage.toolExecutionRequests()} (ids {@code call_...}, arguments a JSON object). Token usage
 * is an {@link Lfm4jTokenUsage}, which also counts the prompt tokens taken from the engine's cache.
 *
 * <p>Thread-safe: concurrent calls each get an engine session of the model's pool (on the GPU, which holds one
 * session, they take turns). Close it to free the model it loaded; a model given with
 * {@link Lfm4jModelBuilder#model} stays open.
 */
public final class Lfm4jChatModel implements ChatModel, AutoCloseable {
    private final ChatEngine engine;
    private final ChatRequestParameters defaultRequestParameters;
    private final List<ChatModelListener> listeners;

    private Lfm4jChatModel(Builder b) {
        this.defaultRequestParameters = b.defaultRequestParameters();
        this.listeners = b.listeners();
        this.engine = b.engine();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        ChatEngine.Prepared prepared = engine.prepare(request);
        return engine.toResponse(engine.generate(prepared, null), List.of());
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

    /** The lfm4j model underneath (e.g. to share it with a {@link Lfm4jStreamingChatModel}). */
    public LanguageModel languageModel() {
        return engine.model();
    }

    @Override
    public void close() {
        engine.close();
    }

    public static final class Builder extends Lfm4jModelBuilder<Builder> {
        private Builder() {}

        public Lfm4jChatModel build() {
            return new Lfm4jChatModel(this);
        }
    }
}
