package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Small HTTP helpers for the server tests: java.net.http for ordinary calls, a raw socket to hang up mid-stream. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;

    Http(int port) {
        this.port = port;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return send(b.build());
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return send(b.build());
    }

    HttpResponse<String> method(String method, String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request to " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (status " + r.statusCode() + "): " + r.body(), e);
        }
    }

    /** The {@code data:} payloads of a server-sent-events body, in order ({@code [DONE]} included as text). */
    static List<String> events(String body) {
        List<String> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) continue;
            if (!block.startsWith("data: ")) throw new AssertionError("not an SSE data event: " + block);
            out.add(block.substring(6));
        }
        return out;
    }

    /** Waits (at most 10 s) until {@code condition} holds. */
    static void eventually(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Polls {@code /health} until {@code field} has {@code value}; fails after 10 s. */
    void awaitHealth(String field, int value) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = json(get("/health")).path(field).asInt(-1);
            if (last == value) return;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("/health " + field + " stayed " + last + ", expected " + value);
    }

    /**
     * A raw HTTP/1.1 POST over a socket, so a test can read part of a streamed answer and then hang up the way a
     * browser tab being closed does.
     */
    final class RawStream implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        RawStream(String path, String body) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            in = socket.getInputStream();
        }

        /** Reads until {@code marker} has appeared in the response; returns what was read. */
        String readUntil(String marker) throws IOException {
            StringBuilder sb = new StringBuilder();
            byte[] buf = new byte[4096];
            while (!sb.toString().contains(marker)) {
                int n = in.read(buf);
                if (n < 0) throw new AssertionError("connection closed before '" + marker + "': " + sb);
                sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
