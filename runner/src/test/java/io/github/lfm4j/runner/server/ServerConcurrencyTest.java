package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lfm4j.runner.api.LanguageModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slots, the queue and cancellation, on servers whose generations are slowed down by a test selector (one fixed
 * token every few milliseconds) so that "busy" lasts long enough to observe.
 */
@Timeout(60)
class ServerConcurrencyTest {
    static LanguageModel model;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void load() {
        model = TestModel.shared();
    }

    /**
     * A server whose tokens come {@code pauseMillis} apart. Long-running requests ask for more tokens than the
     * context holds, so they run for about (context - prompt) x pause: ~10 s at 20 ms, ample time to observe
     * them on a loaded machine, and they are cancelled long before.
     */
    static OpenAiServer slowServer(int parallel, int queue, long pauseMillis) throws IOException {
        return OpenAiServer.start(model, "tiny", ServerConfig.defaults().withPort(0).withParallel(parallel)
                .withQueue(queue).withOptionsHook(o -> o.withSelector(TestModel.slow(model, pauseMillis))));
    }

    static String chat(int maxTokens, boolean stream) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"Count\"}],\"loop_guard\":false,\"max_tokens\":"
                + maxTokens + ",\"stream\":" + stream + "}";
    }

    static CompletableFuture<HttpResponse<String>> postAsync(Http h, String body) {
        return CLIENT.sendAsync(HttpRequest.newBuilder(h.uri(OpenAiServer.CHAT)).timeout(Http.TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void parallelSlotsGenerateAtTheSameTime() throws Exception {
        try (OpenAiServer s = slowServer(2, 0, 5)) {
            Http h = new Http(s.port());
            var a = postAsync(h, chat(200, false)); // >= 1 s each, so they overlap even if one starts late
            var b = postAsync(h, chat(200, false));
            h.awaitHealth("slots_processing", 2); // both at once, not one after the other
            for (var f : java.util.List.of(a, b)) {
                HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), r.body());
                JsonNode j = Http.json(r);
                assertEquals(200, j.at("/usage/completion_tokens").asInt());
                assertEquals("length", j.at("/choices/0/finish_reason").asText());
            }
            h.awaitHealth("slots_processing", 0);
        }
    }

    @Test
    void beyondTheQueueRequestsGet503WithRetryAfter() throws Exception {
        try (OpenAiServer s = slowServer(1, 1, 20)) {
            Http h = new Http(s.port());
            try (Http.RawStream running = h.new RawStream(OpenAiServer.CHAT, chat(4000, true))) {
                running.readUntil("data: ");
                h.awaitHealth("slots_processing", 1);
                var queued = postAsync(h, chat(3, false));
                h.awaitHealth("queued", 1);

                HttpResponse<String> refused = h.post(OpenAiServer.CHAT, chat(3, false));
                assertEquals(503, refused.statusCode(), refused.body());
                assertEquals("2", refused.headers().firstValue("Retry-After").orElse(null));
                JsonNode err = Http.json(refused).get("error");
                assertEquals("server_overloaded", err.get("type").asText());
                assertTrue(err.get("message").asText().contains("queued"), err.toString());
                Http.eventually(() -> s.metrics().render().contains("lfm4j_requests_rejected_total 1"),
                        "the refusal counted"); // counted just after the response is sent

                running.close(); // the client hangs up: the running generation stops and the queued one gets the slot
                HttpResponse<String> r = queued.get(20, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(3, Http.json(r).at("/usage/completion_tokens").asInt());
            }
        }
    }

    @Test
    void aClientThatDisconnectsMidStreamFreesItsSlot() throws Exception {
        try (OpenAiServer s = slowServer(1, 0, 20)) {
            Http h = new Http(s.port());
            Http.RawStream stream = h.new RawStream(OpenAiServer.CHAT, chat(4000, true));
            String head = stream.readUntil("\"delta\"");
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            h.awaitHealth("slots_processing", 1);
            long closedAt = System.nanoTime();
            stream.close();
            h.awaitHealth("slots_processing", 0);
            double freedAfterMs = (System.nanoTime() - closedAt) / 1e6;
            assertTrue(freedAfterMs < 2000, "slot freed " + freedAfterMs + " ms after the disconnect");

            String metrics = s.metrics().render();
            assertEquals(1, OpenAiServerTest.metricValue(metrics, "lfm4j_generations_cancelled_total"));
            long generated = OpenAiServerTest.metricValue(metrics, "lfm4j_generated_tokens_total");
            assertTrue(generated < 4000, "generation stopped early: " + generated + " tokens");

            HttpResponse<String> next = h.post(OpenAiServer.CHAT, chat(2, false)); // the slot is usable again
            assertEquals(200, next.statusCode(), next.body());
        }
    }

    @Test
    void aGenerationFailingMidStreamEndsWithAnErrorEvent() throws IOException {
        int token = model.tokenizer().encode("a", false, false)[0];
        try (OpenAiServer s = OpenAiServer.start(model, "tiny", ServerConfig.defaults().withPort(0)
                .withOptionsHook(o -> o.withSelector(new io.github.lfm4j.runner.api.TokenSelector() {
                    int calls;

                    @Override
                    public int select(float[] logits, int[] history, int n) {
                        if (++calls > 3) throw new IllegalStateException("the selector broke");
                        return token;
                    }
                })))) {
            Http h = new Http(s.port());
            HttpResponse<String> r = h.post(OpenAiServer.CHAT, chat(50, true));
            assertEquals(200, r.statusCode(), "the stream had started");
            java.util.List<String> events = Http.events(r.body());
            assertEquals("[DONE]", events.getLast());
            JsonNode error = Http.JSON.readTree(events.get(events.size() - 2)).get("error");
            assertTrue(error.get("message").asText().contains("the selector broke"), error.toString());
            assertEquals("server_error", error.get("type").asText());

            HttpResponse<String> plain = h.post(OpenAiServer.CHAT, chat(50, false));
            assertEquals(500, plain.statusCode(), plain.body());
            assertTrue(Http.json(plain).at("/error/message").asText().contains("the selector broke"), plain.body());
            h.awaitHealth("slots_processing", 0);
        }
    }
}
