package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.lfm4j.runner.api.LanguageModel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The OpenAI-compatible HTTP server behind {@code lfm4j serve}: {@code POST /v1/chat/completions},
 * {@code POST /v1/completions}, {@code GET /v1/models} (and {@code /v1/models/{id}}), {@code GET /health},
 * {@code GET /metrics}.
 *
 * <p>Built on the JDK's own {@code com.sun.net.httpserver}: it does HTTP/1.1 keep-alive and chunked responses
 * (all that server-sent events need), takes any {@link java.util.concurrent.Executor} (here one virtual thread per
 * request, so a request waiting in the queue costs no platform thread), and adds no dependency to the runtime.
 * What it lacks (HTTP/2, TLS) belongs in a reverse proxy in front anyway.
 *
 * <p>Generations run on {@code parallel} platform threads of their own rather than on the request's virtual
 * thread: they are CPU-bound for seconds, and a virtual thread never yields its carrier while computing, so a few
 * of them would starve every other request (even {@code /health}) of carriers.
 *
 * <p>Each generation holds one of {@code --parallel} slots from a {@link SlotPool} while it runs (the conversation
 * state behind it, the KV cache, is the library's: {@link LanguageModel#chatCompletion} reuses the idle session
 * sharing the longest prefix with the prompt). When all slots are busy, requests queue up to {@code --queue},
 * beyond which they get 503 with {@code Retry-After}. A streaming client that disconnects is noticed on the next
 * write and its generation is cancelled, freeing the slot. The server never serves files and binds to loopback
 * unless told otherwise.
 *
 * <p>Known limits: a non-streaming client that disconnects is not noticed (nothing is written until the answer is
 * done; {@code max_tokens} bounds the waste), nor is a streaming client that stops reading without closing the
 * connection (its slot stays busy while the socket buffers are full).
 */
public final class OpenAiServer implements AutoCloseable {
    static final String CHAT = "/v1/chat/completions", COMPLETIONS = "/v1/completions", MODELS = "/v1/models",
            HEALTH = "/health", METRICS = "/metrics";
    /** Seconds a refused client is told to wait; a generation takes seconds, so sooner would only refuse again. */
    static final int RETRY_AFTER_SECONDS = 2;

    private final ObjectMapper mapper = new ObjectMapper();
    private final ServerConfig config;
    private final LanguageModel model;
    private final String modelId;
    private final SlotPool<Integer> slots;
    private final ServerMetrics metrics;
    private final ExecutorService requestThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService generationThreads;
    private final HttpServer http;
    private final GenerationEndpoints generation;
    private final byte[] expectedAuthorization;

    /**
     * Binds the port and starts serving; close to stop. The model stays open (the caller owns it).
     *
     * @param modelId the name {@code /v1/models} lists and responses carry
     * @throws IOException when the address cannot be bound (e.g. the port is taken)
     */
    public static OpenAiServer start(LanguageModel model, String modelId, ServerConfig config) throws IOException {
        return new OpenAiServer(model, modelId, config);
    }

    private OpenAiServer(LanguageModel model, String modelId, ServerConfig config) throws IOException {
        this.config = config;
        this.model = model;
        this.modelId = modelId;
        // bind first: a taken port fails before any thread is started
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < config.parallel(); i++) ids.add(i);
        this.slots = new SlotPool<>(ids, config.queue());
        this.metrics = new ServerMetrics(config.parallel(), slots::queued, slots::active);
        AtomicInteger n = new AtomicInteger();
        this.generationThreads = Executors.newFixedThreadPool(config.parallel(), r -> {
            Thread t = new Thread(r, "lfm4j-generation-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.generation = new GenerationEndpoints(mapper, model, modelId, slots, generationThreads, metrics,
                config.optionsHook());
        this.expectedAuthorization = config.apiKey() == null ? null
                : ("Bearer " + config.apiKey()).getBytes(StandardCharsets.UTF_8);
        http.setExecutor(requestThreads);
        http.createContext("/", this::handle);
        http.start();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    public String host() {
        return config.host();
    }

    private void handle(HttpExchange ex) {
        long start = System.nanoTime();
        String path = ex.getRequestURI().getPath();
        String endpoint = switch (path) {
            case CHAT, COMPLETIONS, MODELS, HEALTH, METRICS -> path;
            default -> path.startsWith(MODELS + "/") ? MODELS + "/{id}" : "other";
        };
        int status;
        try {
            status = route(ex, path);
        } catch (ApiError e) {
            status = e.status();
            if (status == 503) metrics.rejected();
            trySendError(ex, e);
        } catch (IOException e) {
            status = 499; // the client went away while we answered (nginx's code for it)
        } catch (RuntimeException e) {
            status = 500;
            if (System.getenv("LFM4J_DEBUG") != null) e.printStackTrace();
            trySendError(ex, ApiError.internal("internal error: " + Exchanges.firstLine(
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
        } finally {
            ex.close();
        }
        metrics.request(endpoint, status);
        if (config.requestLog() != null) {
            config.requestLog().accept(String.format("%s %s %d %.0f ms", ex.getRequestMethod(), path, status,
                    (System.nanoTime() - start) / 1e6));
        }
    }

    /** Answers one request; returns the status sent. */
    private int route(HttpExchange ex, String path) throws IOException {
        String method = ex.getRequestMethod();
        if (!HEALTH.equals(path)) checkAuthorization(ex);
        return switch (path) {
            case CHAT -> {
                requireMethod(method, "POST", path);
                yield generation.chat(ex, Exchanges.readBody(ex, config.maxBodyBytes()));
            }
            case COMPLETIONS -> {
                requireMethod(method, "POST", path);
                yield generation.complete(ex, Exchanges.readBody(ex, config.maxBodyBytes()));
            }
            case MODELS -> {
                requireMethod(method, "GET", path);
                Exchanges.sendJson(ex, 200, mapper, modelsJson());
                yield 200;
            }
            case HEALTH -> {
                requireMethod(method, "GET", path);
                ObjectNode h = mapper.createObjectNode();
                h.put("status", "ok");
                h.put("slots_idle", slots.size() - slots.active());
                h.put("slots_processing", slots.active());
                h.put("queued", slots.queued());
                Exchanges.sendJson(ex, 200, mapper, h);
                yield 200;
            }
            case METRICS -> {
                requireMethod(method, "GET", path);
                Exchanges.sendText(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
                yield 200;
            }
            default -> {
                if (!path.startsWith(MODELS + "/")) throw unknownEndpoint(method, path);
                requireMethod(method, "GET", path);
                String id = path.substring(MODELS.length() + 1);
                if (!id.equals(modelId)) {
                    throw ApiError.modelNotFound("the model '" + id + "' does not exist; this server has '" + modelId + "'");
                }
                Exchanges.sendJson(ex, 200, mapper, modelJson());
                yield 200;
            }
        };
    }

    private static ApiError unknownEndpoint(String method, String path) {
        return ApiError.notFound("unknown endpoint " + method + " " + path + "; this server has POST "
                + CHAT + ", POST " + COMPLETIONS + ", GET " + MODELS + ", GET " + MODELS + "/{id}, GET " + HEALTH
                + ", GET " + METRICS);
    }

    private static void requireMethod(String method, String allowed, String path) {
        if (!allowed.equals(method)) {
            throw ApiError.methodNotAllowed(path + " takes " + allowed + ", not " + method);
        }
    }

    private void checkAuthorization(HttpExchange ex) {
        if (expectedAuthorization == null) return;
        String given = ex.getRequestHeaders().getFirst("Authorization");
        if (given == null) {
            throw ApiError.unauthorized("missing API key: send the header 'Authorization: Bearer KEY'");
        }
        // constant-time comparison, so the key cannot be guessed byte by byte from response times
        if (!MessageDigest.isEqual(given.strip().getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
            throw ApiError.unauthorized("invalid API key");
        }
    }

    private ObjectNode modelsJson() {
        ObjectNode root = mapper.createObjectNode();
        root.put("object", "list");
        root.putArray("data").add(modelJson());
        return root;
    }

    private ObjectNode modelJson() {
        ObjectNode m = mapper.createObjectNode();
        m.put("id", modelId);
        m.put("object", "model");
        m.put("created", STARTED_AT);
        m.put("owned_by", "lfm4j");
        m.putObject("meta").put("n_ctx", model.contextSize()).put("slots", slots.size());
        return m;
    }

    private static final long STARTED_AT = System.currentTimeMillis() / 1000;

    private void trySendError(HttpExchange ex, ApiError e) {
        try {
            if (ex.getResponseCode() != -1) return; // headers already sent (a stream that failed midway)
            Exchanges.sendError(ex, mapper, e);
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    /** For tests and /metrics: the counters. */
    ServerMetrics metrics() {
        return metrics;
    }

    SlotPool<Integer> slots() {
        return slots;
    }

    /** Stops accepting requests and ends those in flight (their clients see the connection close). */
    @Override
    public void close() {
        http.stop(0);
        generationThreads.shutdownNow();
        requestThreads.shutdownNow();
    }
}
