package io.github.lfm4j.runner.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Counters for {@code GET /metrics}, rendered in the Prometheus text exposition format (version 0.0.4). Counters
 * only grow; rates (tokens per second over a window) are left to the scraper, which is how Prometheus expects it,
 * and the decode speed of the latest generation is a gauge for a quick look without one.
 */
final class ServerMetrics {
    private record RequestKey(String endpoint, int status) {}

    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder promptTokens = new LongAdder(), completionTokens = new LongAdder();
    private final LongAdder generations = new LongAdder(), cancelled = new LongAdder(), rejected = new LongAdder();
    private final DoubleAdder decodeSeconds = new DoubleAdder(), promptSeconds = new DoubleAdder();
    private volatile double lastDecodeTokensPerSecond;
    private final IntSupplier queued, active;
    private final int slots;

    ServerMetrics(int slots, IntSupplier queued, IntSupplier active) {
        this.slots = slots;
        this.queued = queued;
        this.active = active;
    }

    /** Counts a finished HTTP request; {@code endpoint} is the path for known endpoints, "other" otherwise. */
    void request(String endpoint, int status) {
        requests.computeIfAbsent(new RequestKey(endpoint, status), k -> new LongAdder()).increment();
    }

    /** Records one finished (or cancelled) generation. */
    void generation(int prompt, int completion, double promptSecs, double decodeSecs, double decodeTokensPerSecond,
                    boolean wasCancelled) {
        generations.increment();
        promptTokens.add(prompt);
        completionTokens.add(completion);
        promptSeconds.add(promptSecs);
        decodeSeconds.add(decodeSecs);
        if (decodeTokensPerSecond > 0) lastDecodeTokensPerSecond = decodeTokensPerSecond;
        if (wasCancelled) cancelled.increment();
    }

    void rejected() {
        rejected.increment();
    }

    long requestCount(String endpoint, int status) {
        LongAdder a = requests.get(new RequestKey(endpoint, status));
        return a == null ? 0 : a.sum();
    }

    String render() {
        StringBuilder sb = new StringBuilder(2048);
        header(sb, "lfm4j_http_requests_total", "counter", "HTTP requests answered, by endpoint and status code.");
        Map<RequestKey, LongAdder> sorted = new TreeMap<>((a, b) -> a.endpoint.equals(b.endpoint)
                ? Integer.compare(a.status, b.status) : a.endpoint.compareTo(b.endpoint));
        sorted.putAll(requests);
        sorted.forEach((k, v) -> sb.append("lfm4j_http_requests_total{endpoint=\"").append(escape(k.endpoint))
                .append("\",status=\"").append(k.status).append("\"} ").append(v.sum()).append('\n'));
        counter(sb, "lfm4j_generations_total", "Generations run (finished or cancelled).", generations.sum());
        counter(sb, "lfm4j_generations_cancelled_total", "Generations stopped because the client went away.", cancelled.sum());
        counter(sb, "lfm4j_requests_rejected_total", "Requests refused with 503 because the queue was full.", rejected.sum());
        counter(sb, "lfm4j_prompt_tokens_total", "Prompt tokens processed.", promptTokens.sum());
        counter(sb, "lfm4j_generated_tokens_total", "Tokens generated.", completionTokens.sum());
        counter(sb, "lfm4j_prompt_seconds_total", "Seconds spent in prompt processing.", promptSeconds.sum());
        counter(sb, "lfm4j_decode_seconds_total", "Seconds spent generating tokens.", decodeSeconds.sum());
        gauge(sb, "lfm4j_decode_tokens_per_second", "Decode speed of the most recent generation.", lastDecodeTokensPerSecond);
        gauge(sb, "lfm4j_queue_length", "Requests waiting for a generation slot.", queued.getAsInt());
        gauge(sb, "lfm4j_slots_active", "Generation slots in use.", active.getAsInt());
        gauge(sb, "lfm4j_slots_total", "Generation slots (--parallel).", slots);
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, double value) {
        header(sb, name, "counter", help);
        sb.append(name).append(' ').append(number(value)).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, double value) {
        header(sb, name, "gauge", help);
        sb.append(name).append(' ').append(number(value)).append('\n');
    }

    private static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
