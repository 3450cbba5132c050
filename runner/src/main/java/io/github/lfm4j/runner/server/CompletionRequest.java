package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code POST /v1/completions} body, validated: {@code prompt} is a string (or an array holding exactly one
 * string), completed as raw text after the BOS token, without a chat template. {@code max_tokens} defaults to 16
 * as in OpenAI's API.
 */
record CompletionRequest(String prompt, GenerationSettings settings) {
    static final int DEFAULT_MAX_TOKENS = 16;

    static CompletionRequest parse(ObjectNode body) {
        JsonNode p = body.get("prompt");
        String prompt;
        if (p == null || p.isNull()) throw ApiError.invalid("'prompt' is required", "prompt");
        if (p.isTextual()) {
            prompt = p.textValue();
        } else if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
            prompt = p.get(0).textValue();
        } else if (p.isArray()) {
            throw ApiError.invalid("'prompt' must be a string or an array of exactly one string (batches and token"
                    + " arrays are not supported)", "prompt");
        } else {
            throw ApiError.invalid("'prompt' must be a string, got " + JsonFields.describe(p), "prompt");
        }
        if (prompt.isEmpty()) throw ApiError.invalid("'prompt' is empty", "prompt");
        GenerationSettings s = GenerationSettings.parse(body, false);
        if (s.maxTokens() == null) {
            s = s.withMaxTokens(DEFAULT_MAX_TOKENS);
        }
        return new CompletionRequest(prompt, s);
    }
}
