package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent-events response ({@code text/event-stream}, chunked): one {@code data: JSON} event per call, each
 * flushed at once so tokens reach the client as they are generated, and {@code data: [DONE]} at the end, as
 * OpenAI's streaming API does.
 *
 * <p>A client that went away shows up as an IOException on write (broken pipe / connection reset, usually on the
 * first or second write after the close). From then on every send returns false, which is the generation's signal
 * to cancel and free its slot.
 */
final class EventStream implements AutoCloseable {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpExchange exchange;
    private final ObjectMapper mapper;
    private OutputStream out;
    private boolean broken;

    EventStream(HttpExchange exchange, ObjectMapper mapper) {
        this.exchange = exchange;
        this.mapper = mapper;
    }

    /** Sends the 200 status and SSE headers; the body is chunked. False if the client is gone already. */
    boolean open() {
        var h = exchange.getResponseHeaders();
        h.set("Content-Type", "text/event-stream; charset=utf-8");
        h.set("Cache-Control", "no-cache");
        h.set("X-Accel-Buffering", "no"); // proxies such as nginx must not hold events back
        try {
            exchange.sendResponseHeaders(200, 0);
            out = exchange.getResponseBody();
            return true;
        } catch (IOException e) {
            broken = true;
            return false;
        }
    }

    /** Sends one event; false when the client has disconnected. */
    boolean send(JsonNode event) {
        if (broken) return false;
        try {
            byte[] json = mapper.writeValueAsBytes(event);
            byte[] framed = new byte[json.length + 8];
            System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, framed, 0, 6);
            System.arraycopy(json, 0, framed, 6, json.length);
            framed[framed.length - 2] = '\n';
            framed[framed.length - 1] = '\n';
            return write(framed);
        } catch (IOException e) {
            broken = true;
            return false;
        }
    }

    /** Sends {@code data: [DONE]}. */
    boolean done() {
        return !broken && write(DONE);
    }

    boolean broken() {
        return broken;
    }

    private boolean write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            broken = true;
            return false;
        }
    }

    @Override
    public void close() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException ignored) {
            // the client is gone; nothing left to tell it
        }
    }
}
