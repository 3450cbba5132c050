package io.github.lfm4j.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import io.github.lfm4j.runner.api.Device;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.LanguageModel;
import io.github.lfm4j.runner.api.ModelOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * The settings both {@link Lfm4jChatModel} and {@link Lfm4jStreamingChatModel} take, in LangChain4j's builder style.
 * Either {@link #modelPath} (the chat model loads the GGUF file and closes it with itself) or {@link #model} (an
 * already loaded {@link LanguageModel}, shared by any number of chat models and threads, closed by its owner).
 */
public abstract class Lfm4jModelBuilder<B extends Lfm4jModelBuilder<B>> {
    private Path modelPath;
    private LanguageModel model;
    private ModelOptions modelOptions = ModelOptions.defaults();
    private ChatRequestParameters defaultRequestParameters = DefaultChatRequestParameters.EMPTY;
    private GenerationOptions generationOptions;
    private Boolean thinking;
    private Integer thinkingBudget;
    private List<ChatModelListener> listeners = List.of();

    Lfm4jModelBuilder() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The GGUF file to load (LFM2 / LFM2.5). */
    public B modelPath(Path path) {
        this.modelPath = path;
        return self();
    }

    /** An already loaded model to share: load it once, build as many chat models on it as needed. */
    public B model(LanguageModel model) {
        this.model = model;
        return self();
    }

    /** Everything about loading at once (device, threads, context, repacking, KV cache types); with {@link #modelPath}. */
    public B modelOptions(ModelOptions options) {
        this.modelOptions = options == null ? ModelOptions.defaults() : options;
        return self();
    }

    /** {@link Device#CPU}, {@link Device#GPU} (TornadoVM) or {@link Device#AUTO} (the default); with {@link #modelPath}. */
    public B device(Device device) {
        this.modelOptions = modelOptions.withDevice(device);
        return self();
    }

    /** CPU worker threads; 0 (the default) means all available processors. With {@link #modelPath}. */
    public B threads(int threads) {
        this.modelOptions = modelOptions.withThreads(threads);
        return self();
    }

    /** Tokens one conversation can hold; 0 (the default) means the model's trained context. With {@link #modelPath}. */
    public B contextSize(int tokens) {
        this.modelOptions = modelOptions.withContextSize(tokens);
        return self();
    }

    /** Request parameters (temperature, maxOutputTokens, tools, ...) a request's own parameters override. */
    public B defaultRequestParameters(ChatRequestParameters parameters) {
        this.defaultRequestParameters = parameters == null ? DefaultChatRequestParameters.EMPTY : parameters;
        return self();
    }

    /**
     * lfm4j's own generation options under the request parameters: what LangChain4j has no parameter for (seed,
     * min-p, repetition penalty, loop guard, a custom {@link io.github.lfm4j.runner.api.TokenSelector} for constrained
     * decoding). Without it, each request starts from {@link GenerationOptions#defaults()} with a fresh seed.
     */
    public B generationOptions(GenerationOptions options) {
        this.generationOptions = options;
        return self();
    }

    /** False skips the thinking trace (the model answers at once); on by default. */
    public B thinking(boolean on) {
        this.thinking = on;
        return self();
    }

    /** Reasoning tokens after which {@code </think>} is forced in, so the model answers; unlimited by default. */
    public B thinkingBudget(int tokens) {
        this.thinkingBudget = tokens;
        return self();
    }

    public B listeners(List<ChatModelListener> listeners) {
        this.listeners = listeners == null ? List.of() : List.copyOf(listeners);
        return self();
    }

    ChatRequestParameters defaultRequestParameters() {
        return defaultRequestParameters;
    }

    List<ChatModelListener> listeners() {
        return listeners;
    }

    /** Loads the model when given a path; one-line IllegalArgumentException for a missing or invalid setting. */
    ChatEngine engine() {
        if ((model == null) == (modelPath == null)) {
            throw new IllegalArgumentException("give exactly one of modelPath(...) and model(...)");
        }
        if (thinkingBudget != null && thinkingBudget < 0) {
            throw new IllegalArgumentException("thinkingBudget must be >= 0, got " + thinkingBudget);
        }
        GenerationOptions fixed = generationOptions;
        Boolean think = thinking;
        Integer budget = thinkingBudget;
        Supplier<GenerationOptions> base = () -> {
            GenerationOptions o = fixed != null ? fixed : GenerationOptions.defaults();
            if (think != null) o = o.withThinking(think);
            if (budget != null) o = o.withThinkingBudget(budget);
            return o;
        };
        if (model != null) return new ChatEngine(model, false, base);
        return new ChatEngine(LanguageModel.load(modelPath, modelOptions), true, base);
    }
}
