package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the server refuses, carried to the response as OpenAI's error body
 * {@code {"error": {"message", "type", "param", "code"}}} with an HTTP status. Messages are one line and say what
 * to change; they never contain a stack trace.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    /** Seconds for a {@code Retry-After} header, or 0 for none. */
    private final int retryAfterSeconds;

    public ApiError(int status, String type, String message, String param, String code, int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: the request is well-formed HTTP but a field is missing, of the wrong type or out of range. */
    public static ApiError invalid(String message, String param) {
        return new ApiError(400, "invalid_request_error", message, param, null, 0);
    }

    /** 400 for a prompt that does not fit the context (OpenAI's code for it). */
    public static ApiError contextExceeded(String message) {
        return new ApiError(400, "invalid_request_error", message, "messages", "context_length_exceeded", 0);
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, "authentication_error", message, null, "invalid_api_key", 0);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", message, null, "not_found", 0);
    }

    public static ApiError modelNotFound(String message) {
        return new ApiError(404, "invalid_request_error", message, "model", "model_not_found", 0);
    }

    public static ApiError methodNotAllowed(String message) {
        return new ApiError(405, "invalid_request_error", message, null, "method_not_allowed", 0);
    }

    public static ApiError tooLarge(String message) {
        return new ApiError(413, "invalid_request_error", message, null, "request_too_large", 0);
    }

    public static ApiError overloaded(String message, int retryAfterSeconds) {
        return new ApiError(503, "server_overloaded", message, null, "server_overloaded", retryAfterSeconds);
    }

    public static ApiError internal(String message) {
        return new ApiError(500, "server_error", message, null, null, 0);
    }

    public int status() {
        return status;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The OpenAI error body. */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", getMessage());
        e.put("type", type);
        if (param == null) e.putNull("param"); else e.put("param", param);
        if (code == null) e.putNull("code"); else e.put("code", code);
        return root;
    }
}
