package io.github.lfm4j.runner.server;

import io.github.lfm4j.runner.api.GenerationOptions;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * How the server listens and how much work it takes on.
 *
 * @param host           address to bind; loopback unless the operator asks for more
 * @param port           TCP port; 0 picks a free one (tests)
 * @param parallel       generations run at the same time, each in its own slot (conversation state)
 * @param queue          requests that may wait for a slot; more are refused with 503 and {@code Retry-After}
 * @param apiKey         when not null, every endpoint but {@code /health} needs {@code Authorization: Bearer KEY}
 * @param maxBodyBytes   largest request body accepted (413 beyond)
 * @param optionsHook    applied to every request's generation options before generating; the identity in
 *                       production, a scripted {@link io.github.lfm4j.runner.api.TokenSelector} in tests
 * @param requestLog     receives one line per answered request ({@code POST /v1/chat/completions 200 812 ms}),
 *                       or null for none
 */
public record ServerConfig(String host, int port, int parallel, int queue, String apiKey, long maxBodyBytes,
                           UnaryOperator<GenerationOptions> optionsHook, Consumer<String> requestLog) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_QUEUE = 64;
    public static final long DEFAULT_MAX_BODY = 8L << 20;

    public ServerConfig {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("--host must not be empty");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        if (parallel < 1 || parallel > 256) throw new IllegalArgumentException("--parallel must be in [1, 256], got " + parallel);
        if (queue < 0) throw new IllegalArgumentException("--queue must be >= 0, got " + queue);
        if (apiKey != null && apiKey.isBlank()) throw new IllegalArgumentException("--api-key must not be blank");
        if (maxBodyBytes < 1024) throw new IllegalArgumentException("--max-body must be at least 1024 bytes, got " + maxBodyBytes);
        if (optionsHook == null) optionsHook = UnaryOperator.identity();
    }

    /** Loopback, port 8080, one slot, 64 queued, no key, 8 MiB bodies. */
    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, 1, DEFAULT_QUEUE, null, DEFAULT_MAX_BODY, null, null);
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(h, port, parallel, queue, apiKey, maxBodyBytes, optionsHook, requestLog);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, parallel, queue, apiKey, maxBodyBytes, optionsHook, requestLog);
    }

    public ServerConfig withParallel(int n) {
        return new ServerConfig(host, port, n, queue, apiKey, maxBodyBytes, optionsHook, requestLog);
    }

    public ServerConfig withQueue(int n) {
        return new ServerConfig(host, port, parallel, n, apiKey, maxBodyBytes, optionsHook, requestLog);
    }

    public ServerConfig withApiKey(String key) {
        return new ServerConfig(host, port, parallel, queue, key, maxBodyBytes, optionsHook, requestLog);
    }

    public ServerConfig withMaxBodyBytes(long n) {
        return new ServerConfig(host, port, parallel, queue, apiKey, n, optionsHook, requestLog);
    }

    public ServerConfig withRequestLog(Consumer<String> log) {
        return new ServerConfig(host, port, parallel, queue, apiKey, maxBodyBytes, optionsHook, log);
    }

    public ServerConfig withOptionsHook(UnaryOperator<GenerationOptions> hook) {
        return new ServerConfig(host, port, parallel, queue, apiKey, maxBodyBytes, hook, requestLog);
    }
}
