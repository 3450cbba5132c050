package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lfm4j.model.chat.ChatMessage;
import io.github.lfm4j.runner.api.GenerationOptions;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.LanguageModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The server as the README shows it being used: with curl (skipped, with the reason, where curl is missing). */
@Timeout(60)
class ServerCurlTest {
    static LanguageModel model;
    static OpenAiServer server;
    static boolean curlAvailable;

    @BeforeAll
    static void start() throws IOException {
        curlAvailable = run(List.of("curl", "--version")).exit == 0;
        model = TestModel.shared();
        server = OpenAiServer.start(model, "tiny", ServerConfig.defaults().withPort(0).withApiKey("k"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    record Result(int exit, String out) {}

    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.getMessage()); // no such program
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Result curl(String... args) {
        assumeTrue(curlAvailable, "curl is not installed: the curl checks are skipped");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    static final String BODY = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],"
            + "\"temperature\":0,\"max_tokens\":12";

    @Test
    void chatCompletion() throws IOException {
        Result r = curl(url(OpenAiServer.CHAT), "-H", "Authorization: Bearer k", "-H", "Content-Type: application/json",
                "-d", BODY + "}");
        assertEquals(0, r.exit, r.out);
        JsonNode j = Http.JSON.readTree(r.out);
        GenerationResult expected = model.chatCompletion(List.of(ChatMessage.user("Hello")), List.of(),
                GenerationOptions.greedy().withMaxTokens(12));
        assertEquals(expected.content(), j.at("/choices/0/message/content").asText());
        assertEquals("chat.completion", j.get("object").asText());
    }

    @Test
    void streamingChatCompletion() throws IOException {
        Result r = curl("-N", url(OpenAiServer.CHAT), "-H", "Authorization: Bearer k", "-d",
                BODY + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertEquals(0, r.exit, r.out);
        List<String> events = Http.events(r.out);
        assertEquals("[DONE]", events.getLast());
        JsonNode usage = Http.JSON.readTree(events.get(events.size() - 2));
        assertTrue(usage.get("choices").isEmpty());
        assertTrue(usage.at("/usage/total_tokens").asInt() > 0, usage.toString());
    }

    @Test
    void errorsAndHeaders() throws IOException {
        Result unauthorized = curl("-w", "\n%{http_code}", url(OpenAiServer.CHAT), "-d", BODY + "}");
        assertTrue(unauthorized.out.endsWith("\n401"), unauthorized.out);
        Result bad = curl("-w", "\n%{http_code}", url(OpenAiServer.CHAT), "-H", "Authorization: Bearer k", "-d", "{nope");
        assertTrue(bad.out.endsWith("\n400"), bad.out);
        JsonNode err = Http.JSON.readTree(bad.out.substring(0, bad.out.lastIndexOf('\n')));
        assertEquals("invalid_request_error", err.at("/error/type").asText());
        Result health = curl(url(OpenAiServer.HEALTH));
        assertEquals("ok", Http.JSON.readTree(health.out).get("status").asText());
    }

    @Test
    void largeBodiesGoThroughExpectContinue() throws IOException {
        // curl sends "Expect: 100-continue" for bodies over 1 KiB and waits for the server's go-ahead
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + " ".repeat(4000)
                + "\"max_tokens\":2}"; // big, but few tokens: the tiny model's context is small
        Result r = curl("-v", url(OpenAiServer.CHAT), "-H", "Authorization: Bearer k", "-H", "Expect: 100-continue",
                "-d", body);
        assertEquals(0, r.exit, r.out);
        assertTrue(r.out.contains("HTTP/1.1 100 Continue"), r.out);
        assertTrue(r.out.contains("HTTP/1.1 200"), r.out);
        String json = r.out.substring(r.out.lastIndexOf('\n') + 1);
        assertEquals(2, Http.JSON.readTree(json).at("/usage/completion_tokens").asInt(), r.out);
    }
}
