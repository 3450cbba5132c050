package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Reading request bodies within a size limit and writing JSON, text and error responses. */
final class Exchanges {
    private Exchanges() {}

    /**
     * Reads the body, refusing it with 413 as soon as it is known to exceed {@code maxBytes} (from
     * {@code Content-Length} before reading, or while reading a chunked body), so a huge upload is never buffered.
     */
    static byte[] readBody(HttpExchange ex, long maxBytes) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        try (InputStream in = ex.getRequestBody()) {
            if (declared != null) {
                long n;
                try {
                    n = Long.parseLong(declared.trim());
                } catch (NumberFormatException e) {
                    throw ApiError.invalid("bad Content-Length header: " + declared, null);
                }
                if (n > maxBytes) {
                    drain(in);
                    throw tooLarge(n + " bytes", maxBytes);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int r;
            while ((r = in.read(buf)) > 0) {
                if (out.size() + (long) r > maxBytes) {
                    drain(in);
                    throw tooLarge("more than " + maxBytes + " bytes", maxBytes);
                }
                out.write(buf, 0, r);
            }
            return out.toByteArray();
        }
    }

    /** Most bytes of a refused body read and thrown away before answering 413. */
    private static final long DRAIN_LIMIT = 16L << 20;

    /**
     * Reads and discards what the client is still sending (up to {@link #DRAIN_LIMIT}), so that it gets to read the
     * 413 instead of a connection reset for writing into a socket the server closed. Nothing is buffered.
     */
    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        long left = DRAIN_LIMIT;
        int r;
        while (left > 0 && (r = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) left -= r;
    }

    private static ApiError tooLarge(String size, long maxBytes) {
        return ApiError.tooLarge("request body of " + size + " exceeds the limit of " + maxBytes
                + " bytes (--max-body)");
    }

    /** Parses a body that must be one JSON object. */
    static ObjectNode parseObject(ObjectMapper mapper, byte[] body) {
        if (body.length == 0) throw ApiError.invalid("the request body is empty; expected a JSON object", null);
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            var loc = e.getLocation();
            throw ApiError.invalid("the request body is not valid JSON: " + firstLine(msg)
                    + (loc != null ? " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")" : ""), null);
        } catch (IOException e) {
            throw ApiError.invalid("the request body is not valid JSON: " + firstLine(e.getMessage()), null);
        }
        if (node == null || node.isMissingNode()) throw ApiError.invalid("the request body is empty; expected a JSON object", null);
        if (!node.isObject()) throw ApiError.invalid("the request body must be a JSON object, got " + JsonFields.describe(node), null);
        return (ObjectNode) node;
    }

    static void sendJson(HttpExchange ex, int status, ObjectMapper mapper, JsonNode body) throws IOException {
        send(ex, status, "application/json", mapper.writeValueAsBytes(body));
    }

    static void sendText(HttpExchange ex, int status, String contentType, String body) throws IOException {
        send(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    static void sendError(HttpExchange ex, ObjectMapper mapper, ApiError error) throws IOException {
        if (error.retryAfterSeconds() > 0) {
            ex.getResponseHeaders().set("Retry-After", Integer.toString(error.retryAfterSeconds()));
        }
        if (error.status() == 401) ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        sendJson(ex, error.status(), mapper, error.toJson(mapper));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
