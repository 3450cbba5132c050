package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.github.lfm4j.runner.api.FinishReason;
import io.github.lfm4j.runner.api.GenerationEvent;
import io.github.lfm4j.runner.api.GenerationListener;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.LanguageModel;
import io.github.lfm4j.runner.api.Usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: parse the request, wait for a slot, generate
 * through the library API ({@link LanguageModel#chatCompletion}, {@link LanguageModel#complete}) on a generation
 * thread, and answer as one JSON body or as server-sent events.
 *
 * <p>A slot here is a permit to generate; the conversation state (KV cache) behind it is the library's: each call
 * takes the idle engine session that shares the longest prefix with its prompt, so a client continuing a
 * conversation only pays for the new tokens.
 */
final class GenerationEndpoints {
    private final ObjectMapper mapper;
    private final String modelId;
    private final LanguageModel model;
    private final SlotPool<Integer> slots;
    private final ExecutorService generationThreads;
    private final ServerMetrics metrics;
    private final UnaryOperator<GenerationOptions> optionsHook;

    GenerationEndpoints(ObjectMapper mapper, LanguageModel model, String modelId, SlotPool<Integer> slots,
                        ExecutorService generationThreads, ServerMetrics metrics,
                        UnaryOperator<GenerationOptions> optionsHook) {
        this.mapper = mapper;
        this.model = model;
        this.modelId = modelId;
        this.slots = slots;
        this.generationThreads = generationThreads;
        this.metrics = metrics;
        this.optionsHook = optionsHook;
    }

    /** One generation through the library API, streaming its events to a listener. */
    @FunctionalInterface
    private interface Run {
        GenerationResult on(GenerationOptions options, GenerationListener listener);
    }

    int chat(HttpExchange ex, byte[] body) throws IOException {
        ChatCompletionRequest req = ChatCompletionRequest.parse(Exchanges.parseObject(mapper, body));
        GenerationSettings s = req.settings();
        Run run = (options, listener) -> model.chatCompletion(req.messages(), req.tools(),
                req.toolCallRequired() ? ToolCallForcing.apply(options, model.tokenizer()) : options, listener);
        ResponseJson json = new ResponseJson(mapper, "chatcmpl-", s.stream() ? "chat.completion.chunk" : "chat.completion", modelId);
        if (!s.stream()) {
            GenerationResult r = generate(run, s, event -> true);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < r.toolCalls().size(); i++) ids.add(ResponseJson.toolCallId());
            Exchanges.sendJson(ex, 200, mapper, json.chatCompletion(r, ids));
            return 200;
        }
        return stream(ex, run, s, new StreamWriter() {
            int toolIndex;

            @Override
            public ObjectNode first() {
                return json.chatChunkRole();
            }

            @Override
            public ObjectNode event(GenerationEvent e) {
                return switch (e) {
                    case GenerationEvent.Reasoning r -> r.text().isEmpty() ? null : json.chatChunkReasoning(r.text());
                    case GenerationEvent.Content c -> c.text().isEmpty() ? null : json.chatChunkContent(c.text());
                    case GenerationEvent.ToolCallReady t -> json.chatChunkToolCall(t.call(), ResponseJson.toolCallId(), toolIndex++);
                    case GenerationEvent.Done d -> null;
                };
            }

            @Override
            public ObjectNode finish(GenerationResult r) {
                return json.chatChunkFinish(r);
            }

            @Override
            public ObjectNode usage(Usage u) {
                return json.usageChunk(u);
            }
        });
    }

    int complete(HttpExchange ex, byte[] body) throws IOException {
        CompletionRequest req = CompletionRequest.parse(Exchanges.parseObject(mapper, body));
        GenerationSettings s = req.settings();
        Run run = (options, listener) -> model.complete(req.prompt(), options, listener);
        ResponseJson json = new ResponseJson(mapper, "cmpl-", "text_completion", modelId);
        if (!s.stream()) {
            Exchanges.sendJson(ex, 200, mapper, json.textCompletion(generate(run, s, event -> true)));
            return 200;
        }
        return stream(ex, run, s, new StreamWriter() {
            @Override
            public ObjectNode first() {
                return null;
            }

            @Override
            public ObjectNode event(GenerationEvent e) {
                return switch (e) {
                    case GenerationEvent.Content c -> c.text().isEmpty() ? null : json.textChunk(c.text(), null);
                    case GenerationEvent.Reasoning r -> r.text().isEmpty() ? null : json.textChunk(r.text(), null);
                    default -> null;
                };
            }

            @Override
            public ObjectNode finish(GenerationResult r) {
                return json.textChunk("", r.finishReason().openAiName());
            }

            @Override
            public ObjectNode usage(Usage u) {
                return json.usageChunk(u);
            }
        });
    }

    /** Turns generation events into SSE chunks (null: nothing to send for this event). */
    private interface StreamWriter {
        ObjectNode first();

        ObjectNode event(GenerationEvent e);

        ObjectNode finish(GenerationResult r);

        ObjectNode usage(Usage u);
    }

    /**
     * Streams a generation. The response starts (200 and the first chunk) only with the first event, so a request
     * the model refuses before generating, such as a prompt longer than the context, still gets a proper 400.
     */
    private int stream(HttpExchange ex, Run run, GenerationSettings s, StreamWriter writer) throws IOException {
        try (EventStream events = new EventStream(ex, mapper)) {
            boolean[] opened = {false};
            GenerationListener listener = event -> {
                if (!opened[0]) {
                    opened[0] = true;
                    if (!events.open()) return false;
                    ObjectNode first = writer.first();
                    if (first != null && !events.send(first)) return false;
                }
                if (event instanceof GenerationEvent.Done) return true;
                ObjectNode chunk = writer.event(event);
                return chunk == null ? !events.broken() : events.send(chunk);
            };
            GenerationResult r;
            try {
                r = generate(run, s, listener);
            } catch (RuntimeException e) {
                if (!opened[0]) throw e; // nothing sent yet: an ordinary error response
                // the 200 is out; tell the client in-band (as OpenAI does) instead of cutting the stream silently
                ApiError err = e instanceof ApiError ae ? ae
                        : ApiError.internal("generation failed: " + Exchanges.firstLine(e.getMessage()));
                events.send(err.toJson(mapper));
                events.done();
                return 500;
            }
            if (!opened[0]) {
                if (!events.open()) return 499;
                ObjectNode first = writer.first();
                if (first != null) events.send(first);
            }
            if (events.broken()) return 499;
            events.send(writer.finish(r));
            if (s.includeUsage()) events.send(writer.usage(r.usage()));
            events.done();
            return events.broken() ? 499 : 200;
        }
    }

    /** Waits for a slot, runs the generation on a generation thread, and gives the slot back. */
    private GenerationResult generate(Run run, GenerationSettings s, GenerationListener listener) {
        GenerationOptions options = optionsHook.apply(s.toOptions());
        Integer slot;
        try {
            slot = slots.acquire();
        } catch (SlotPool.QueueFullException e) {
            throw ApiError.overloaded(e.getMessage(), OpenAiServer.RETRY_AFTER_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.overloaded("the server is shutting down", OpenAiServer.RETRY_AFTER_SECONDS);
        }
        try {
            Future<GenerationResult> f = generationThreads.submit(() -> run.on(options, listener));
            GenerationResult r;
            try {
                r = f.get();
            } catch (InterruptedException e) { // only at shutdown, which stops the generation threads too
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw ApiError.overloaded("the server is shutting down", OpenAiServer.RETRY_AFTER_SECONDS);
            }
            Usage u = r.usage();
            metrics.generation(u.prefilledTokens(), u.completionTokens(), u.promptNanos() / 1e9, u.decodeNanos() / 1e9,
                    u.decodeTokensPerSecond(), r.finishReason() == FinishReason.CANCELLED);
            return r;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) throw inputError(iae);
            if (cause instanceof ApiError ae) throw ae;
            if (cause instanceof RuntimeException re) throw re;
            throw new IllegalStateException(cause);
        } finally {
            slots.release(slot);
        }
    }

    /** Engine and library messages about a prompt too long say "... the context of N tokens". */
    private static final Pattern CONTEXT_OVERFLOW = Pattern.compile("context of \\d+ tokens");

    /** A prompt the model cannot take: 400, tagged as a context overflow when that is what it is. */
    private static ApiError inputError(IllegalArgumentException e) {
        String msg = Exchanges.firstLine(e.getMessage());
        if (CONTEXT_OVERFLOW.matcher(msg).find()) return ApiError.contextExceeded(msg);
        return ApiError.invalid(msg, null);
    }
}
