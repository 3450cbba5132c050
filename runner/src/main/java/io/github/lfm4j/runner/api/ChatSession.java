package io.github.lfm4j.runner.api;

import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.model.chat.tools.ToolDefinition;
import io.github.lfm4j.runner.generation.CachedSession;
import io.github.lfm4j.runner.generation.PromptRenderer;
import io.github.lfm4j.runner.generation.TextGenerator;

import java.util.ArrayList;
import java.util.List;

/**
 * A multi-turn conversation with a {@link LanguageModel}: the system prompt, the tools on offer, the messages so
 * far, and the engine state (KV cache) of the tokens already processed. Each {@link #send} renders the whole
 * conversation through the chat template but only processes what is new: the cached tokens are kept up to the last
 * point they agree with the new prompt (earlier assistant turns are re-rendered without their thinking, so this is
 * normally the end of the previous prompt) and the rest is prefilled. The answer is the same as a fresh session
 * over the whole conversation would give.
 *
 * <p>Tool calling: when a result has {@link FinishReason#TOOL_CALLS}, run the tools and {@link #send(List,
 * GenerationListener)} their results as {@link ChatMessage#tool} messages; the model then answers with them.
 *
 * <p>On a GPU model, whose device holds one session, the conversation borrows that session for each turn and gives
 * it back afterwards (other conversations and stateless calls take turns with it); it keeps its prefix when no one
 * else used the device in between, and is otherwise processed again from the start.
 *
 * <p>Not thread-safe: one thread at a time; {@link #cancel()} is the exception and may be called from any thread.
 */
public final class ChatSession implements AutoCloseable {
    private final LanguageModel model;
    private final String systemPrompt;
    private final List<ToolDefinition> tools;
    private final List<ChatMessage> messages = new ArrayList<>();
    /** This conversation's own engine session, or null when it borrows the model's shared one per turn (GPU). */
    private final CachedSession own;
    private int lastCachedTokens;
    private GenerationOptions options = GenerationOptions.defaults();
    private volatile boolean cancelRequested;

    ChatSession(LanguageModel model, String systemPrompt, List<ToolDefinition> tools) {
        this.model = model;
        this.systemPrompt = systemPrompt;
        this.tools = List.copyOf(tools);
        this.own = model.sharesSessions() ? null : model.newEngineSession();
        if (systemPrompt != null) messages.add(ChatMessage.system(systemPrompt));
    }

    /** Sends a user message and returns the assistant's answer (which is added to the conversation). */
    public GenerationResult send(String userMessage) {
        return send(List.of(ChatMessage.user(userMessage)), null);
    }

    /** {@link #send(String)} streaming events to {@code listener} (which may cancel by returning false). */
    public GenerationResult send(String userMessage, GenerationListener listener) {
        return send(List.of(ChatMessage.user(userMessage)), listener);
    }

    /**
     * Adds {@code newMessages} (user messages, tool results, ...) to the conversation and generates the assistant's
     * answer, which is added too, also when cut short (token limit, cancellation). If generation cannot start (e.g.
     * the conversation no longer fits the context: a one-line IllegalArgumentException) the conversation is left
     * as it was.
     *
     * @param listener receives the streamed events; may be null
     */
    public GenerationResult send(List<ChatMessage> newMessages, GenerationListener listener) {
        long start = System.nanoTime();
        cancelRequested = false;
        List<ChatMessage> conversation = new ArrayList<>(messages);
        conversation.addAll(newMessages);
        PromptRenderer.Rendered prompt = model.renderer().render(conversation, tools);
        CachedSession cache = own != null ? own : model.acquire(prompt.tokens());
        GenerationResult r;
        try {
            r = new TextGenerator(cache, model.tokenizer(), TextGenerator.Mode.CHAT,
                    prompt.opensThinking(), options, listener, () -> cancelRequested).run(prompt.tokens(), start);
        } finally {
            lastCachedTokens = cache.length();
            if (own == null) model.release(cache);
        }
        messages.addAll(newMessages);
        messages.add(ChatMessage.assistantToolCalls(r.reasoning().isEmpty() ? null : r.reasoning(), r.toolCalls(),
                r.content()));
        return r;
    }

    /** Stops the generation in progress (from any thread); it ends with {@link FinishReason#CANCELLED}. */
    public void cancel() {
        cancelRequested = true;
    }

    /** The generation options used by {@link #send}; {@link GenerationOptions#defaults()} at first. */
    public GenerationOptions options() {
        return options;
    }

    public void setOptions(GenerationOptions options) {
        if (options == null) throw new IllegalArgumentException("generation options are required");
        this.options = options;
    }

    /** The conversation so far (system prompt first if any), including the assistant's answers. */
    public List<ChatMessage> messages() {
        return List.copyOf(messages);
    }

    public List<ToolDefinition> tools() {
        return tools;
    }

    /**
     * Tokens held in the engine cache (reused by the next turn where the prompt agrees). On a GPU model: the tokens
     * the shared session held when this conversation's last turn ended.
     */
    public int cachedTokens() {
        return lastCachedTokens;
    }

    /** Starts the conversation over (keeping the system prompt and tools) and clears the cache. */
    public void reset() {
        messages.clear();
        if (systemPrompt != null) messages.add(ChatMessage.system(systemPrompt));
        releaseCache();
    }

    /** Releases the session's cache; the model stays open. */
    @Override
    public void close() {
        releaseCache();
    }

    /** Frees our own session's cache; a borrowed session is not ours to clear (the next prompt rewinds it). */
    private void releaseCache() {
        if (own != null) own.reset();
        lastCachedTokens = 0;
    }
}
