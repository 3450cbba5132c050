package io.github.lfm4j.runner.api;

import io.github.lfm4j.model.chat.ChatFormatter;
import io.github.lfm4j.model.chat.ChatFormatters;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.tokenizer.Tokenizer;
import io.github.lfm4j.runner.generation.CachedSession;
import io.github.lfm4j.runner.generation.PromptRenderer;
import io.github.lfm4j.runner.generation.SessionPool;
import io.github.lfm4j.runner.generation.TextGenerator;
import io.github.lfm4j.runner.hub.HubModels;
import io.github.lfm4j.runner.hub.HubSettings;
import io.github.lfm4j.runner.hub.RepoRef;

import java.nio.file.Path;
import java.util.List;

/**
 * An LFM2 / LFM2.5 model loaded from a GGUF file, a Hugging Face checkpoint directory or the Hub by name, ready
 * to chat and complete text. The entry point of the library:
 *
 * <pre>{@code
 * try (LanguageModel model = LanguageModel.load(Path.of("LFM2.5-1.2B-Thinking-Q4_0.gguf"));
 *      ChatSession chat = model.newChat("You are a helpful assistant.", List.of())) {
 *     GenerationResult r = chat.send("What is the capital of France?");
 *     System.out.println(r.content());
 * }
 * }</pre>
 *
 * <p>Thread-safety: a model is shared by any number of threads and sessions. {@link #complete} and
 * {@link #chatCompletion} may be called concurrently (each call uses its own engine session from a small pool of
 * idle ones, reusing the one whose cached tokens share the longest prefix with the new prompt). A
 * {@link ChatSession} is used by one thread at a time.
 *
 * <p>Devices ({@link ModelOptions#device()}, resolved by {@link LoadedEngine}): on the CPU every conversation has
 * its own engine session. A GPU model holds ONE session on the device, so the pool has size 1 there: concurrent
 * calls take turns (each waits for the previous generation to finish), and a {@link ChatSession} borrows the
 * session for each turn instead of owning one. The tokenizer and chat template always come from the GGUF file on
 * the host.
 *
 * <p>Errors a caller can cause (missing or corrupt file, a prompt longer than the context, bad options) are
 * {@link IllegalArgumentException}s or {@link IllegalStateException}s with one-line messages.
 */
public final class LanguageModel implements AutoCloseable {
    /** Idle engine sessions kept for stateless calls (one per recent conversation). */
    private static final int POOL_SIZE = 4;

    private final LoadedEngine engine;
    private final Tokenizer tokenizer;
    private final PromptRenderer renderer;
    private final SessionPool pool;

    private LanguageModel(LoadedEngine engine) {
        this.engine = engine;
        this.tokenizer = Tokenizer.fromGGUF(engine.file());
        String template = engine.file().getString("tokenizer.chat_template", null);
        this.renderer = new PromptRenderer(tokenizer, ChatFormatters.forTemplate(template));
        int idle = Math.min(POOL_SIZE, engine.maxSessions());
        this.pool = new SessionPool(idle, engine.maxSessions(), this::newEngineSession);
    }

    /** Loads a model with {@link ModelOptions#defaults()}. */
    public static LanguageModel load(Path path) {
        return load(path, ModelOptions.defaults());
    }

    /**
     * Maps and validates the GGUF file at {@code path} and loads it on the device {@code options} ask for (see
     * {@link LoadedEngine#load}); the GPU engine's one-line notices go to standard error.
     *
     * @throws IllegalArgumentException (one line) for a missing or invalid file or a context beyond the trained one
     * @throws IllegalStateException    (one line) for {@link Device#GPU} without a usable GPU engine
     */
    public static LanguageModel load(Path path, ModelOptions options) {
        LoadedEngine engine = LoadedEngine.load(path, options, System.err::println);
        try {
            return new LanguageModel(engine);
        } catch (RuntimeException | Error e) {
            engine.close();
            throw e;
        }
    }

    /**
     * Loads a model named on the Hugging Face Hub ({@code ORG/NAME[:QUANT]}, as {@code lfm4j pull} takes it),
     * downloading it into the huggingface_hub cache unless it is there. {@code hub} says where the Hub and the cache
     * are ({@link HubSettings#fromEnvironment}: HF_ENDPOINT, HF_HOME, HF_TOKEN, HF_HUB_OFFLINE); download progress
     * goes to {@code progress} (a line per 10 %), or nowhere when it is null.
     *
     * @throws IllegalStateException (one line) when the download fails or the model is neither cached nor reachable
     */
    public static LanguageModel load(RepoRef model, HubSettings hub, java.io.PrintStream progress, ModelOptions options) {
        return load(new HubModels(hub, progress, false).resolve(model), options);
    }

    /** A conversation with no system prompt and no tools, generating with {@link GenerationOptions#defaults()}. */
    public ChatSession newChat() {
        return newChat(null, List.of());
    }

    /**
     * A conversation.
     *
     * @param systemPrompt the system message, or null for none
     * @param tools        tools the model may call (their definitions go into the system turn); may be empty
     */
    public ChatSession newChat(String systemPrompt, List<ToolDefinition> tools) {
        return new ChatSession(this, systemPrompt, tools);
    }

    /**
     * Raw text completion (OpenAI {@code /v1/completions}): {@code prompt} is tokenized with BOS and with special
     * tokens recognised (the caller controls the whole prompt), and continued. No chat template, thinking split or
     * tool-call parsing; stop strings and the token limit apply.
     */
    public GenerationResult complete(String prompt, GenerationOptions options) {
        return complete(prompt, options, null);
    }

    /** {@link #complete(String, GenerationOptions)} streaming {@link GenerationEvent.Content} events to {@code listener}. */
    public GenerationResult complete(String prompt, GenerationOptions options, GenerationListener listener) {
        int[] tokens = tokenizer.encode(prompt, true, true);
        return generate(tokens, TextGenerator.Mode.COMPLETION, false, options, listener);
    }

    /**
     * Stateless chat completion (OpenAI {@code /v1/chat/completions}): renders {@code messages} through the
     * model's chat template with {@code tools} on offer and generates the assistant's answer.
     */
    public GenerationResult chatCompletion(List<ChatMessage> messages, List<ToolDefinition> tools, GenerationOptions options) {
        return chatCompletion(messages, tools, options, null);
    }

    /**
     * {@link #chatCompletion(List, List, GenerationOptions)} streaming events to {@code listener}, which can cancel
     * by returning false.
     */
    public GenerationResult chatCompletion(List<ChatMessage> messages, List<ToolDefinition> tools,
                                           GenerationOptions options, GenerationListener listener) {
        PromptRenderer.Rendered prompt = renderer.render(messages, tools);
        return generate(prompt.tokens(), TextGenerator.Mode.CHAT, prompt.opensThinking(), options, listener);
    }

    /**
     * {@link #chatCompletion(List, List, GenerationOptions)} as an iterator of events; close the stream to cancel.
     */
    public GenerationStream streamChatCompletion(List<ChatMessage> messages, List<ToolDefinition> tools,
                                                 GenerationOptions options) {
        PromptRenderer.Rendered prompt = renderer.render(messages, tools); // template errors surface here, not later
        return new GenerationStream(listener ->
                generate(prompt.tokens(), TextGenerator.Mode.CHAT, prompt.opensThinking(), options, listener));
    }

    private GenerationResult generate(int[] prompt, TextGenerator.Mode mode, boolean opensThinking,
                                      GenerationOptions options, GenerationListener listener) {
        long start = System.nanoTime();
        CachedSession session = pool.acquire(prompt);
        try {
            return new TextGenerator(session, tokenizer, mode, opensThinking, options, listener, null).run(prompt, start);
        } finally {
            pool.release(session);
        }
    }

    /** The token ids a chat prompt renders to (what {@link #chatCompletion} would process), e.g. to count tokens. */
    public int[] chatPromptTokens(List<ChatMessage> messages, List<ToolDefinition> tools) {
        return renderer.render(messages, tools).tokens();
    }

    /** The text a chat prompt renders to. */
    public String chatPromptText(List<ChatMessage> messages, List<ToolDefinition> tools) {
        return renderer.render(messages, tools).text();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The chat formatter in use (the GGUF's template, or the built-in LFM2.5 layout when it has none). */
    public ChatFormatter chatFormatter() {
        return renderer.formatter();
    }

    public Lfm2Config config() {
        return engine.config();
    }

    /** The model's name from its metadata ({@code general.name}), or the empty string. */
    public String name() {
        return engine.file().getString("general.name", "");
    }

    /** Tokens one conversation can hold. */
    public int contextSize() {
        return engine.context();
    }

    /** The device the model runs on: CPU or GPU (AUTO is resolved when loading). */
    public Device device() {
        return engine.device();
    }

    /** The engine underneath, for token-level use (its {@link LoadedEngine#cpuModel()} / {@link LoadedEngine#gpuModel()}). */
    public LoadedEngine engine() {
        return engine;
    }

    PromptRenderer renderer() {
        return renderer;
    }

    /** Whether conversations borrow pooled sessions per turn (an engine with few sessions: the GPU). */
    boolean sharesSessions() {
        return engine.maxSessions() != Integer.MAX_VALUE;
    }

    /** A session of the pool able to keep the most of {@code prompt} cached; give it back with {@link #release}. */
    CachedSession acquire(int[] prompt) {
        return pool.acquire(prompt);
    }

    void release(CachedSession session) {
        pool.release(session);
    }

    CachedSession newEngineSession() {
        return new CachedSession(engine.newSession());
    }

    /** Releases the model (worker threads or device memory, file mapping); its sessions must not be used afterwards. */
    @Override
    public void close() {
        pool.clear();
        engine.close();
    }
}
