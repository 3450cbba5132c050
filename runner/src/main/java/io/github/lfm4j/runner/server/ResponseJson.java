package io.github.lfm4j.runner.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.chat.tools.ToolCall;
import io.github.lfm4j.runner.api.GenerationResult;
import io.github.lfm4j.runner.api.Usage;

import java.security.SecureRandom;
import java.util.List;

/**
 * The JSON bodies of OpenAI's chat-completion and completion responses, whole and streamed
 * ({@code chat.completion}, {@code chat.completion.chunk}, {@code text_completion}). Reasoning goes into
 * {@code reasoning_content} (the field llama.cpp and DeepSeek use), tool arguments into a JSON string as OpenAI
 * sends them, and the server's own timings into a {@code timings} object next to {@code usage}.
 */
final class ResponseJson {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private final ObjectMapper mapper;
    private final String id, model, object;
    private final long created;

    /** One response (one id and creation time for all its chunks). */
    ResponseJson(ObjectMapper mapper, String idPrefix, String object, String model) {
        this.mapper = mapper;
        this.id = idPrefix + randomId(24);
        this.object = object;
        this.model = model;
        this.created = System.currentTimeMillis() / 1000;
    }

    /** A tool-call id: {@code call_} and 24 random letters and digits, as OpenAI's look. */
    static String toolCallId() {
        return "call_" + randomId(24);
    }

    static String randomId(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        return new String(c);
    }

    // ---- chat.completion ----

    ObjectNode chatCompletion(GenerationResult r, List<String> toolCallIds) {
        ObjectNode root = head();
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        // OpenAI sends content null when the turn is only tool calls
        if (r.content().isEmpty() && r.hasToolCalls()) message.putNull("content");
        else message.put("content", r.content());
        if (!r.reasoning().isEmpty()) message.put("reasoning_content", r.reasoning());
        if (r.hasToolCalls()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (int i = 0; i < r.toolCalls().size(); i++) calls.add(toolCall(r.toolCalls().get(i), toolCallIds.get(i), null));
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", r.finishReason().openAiName());
        root.set("usage", usage(r.usage()));
        root.set("timings", timings(r.usage()));
        intervention(root, r);
        return root;
    }

    /** What the thinking supervisor did (budget reached, loop cut), when it did something. */
    private static void intervention(ObjectNode root, GenerationResult r) {
        if (r.intervention() != null && !r.intervention().isEmpty()) root.put("intervention", r.intervention());
    }

    ObjectNode chatChunkRole() {
        ObjectNode root = chunkHead();
        ObjectNode delta = firstChoiceDelta(root);
        delta.put("role", "assistant");
        delta.put("content", "");
        return root;
    }

    ObjectNode chatChunkContent(String text) {
        ObjectNode root = chunkHead();
        firstChoiceDelta(root).put("content", text);
        return root;
    }

    ObjectNode chatChunkReasoning(String text) {
        ObjectNode root = chunkHead();
        firstChoiceDelta(root).put("reasoning_content", text);
        return root;
    }

    /** A complete tool call in one delta (name and all arguments), with its position among the turn's calls. */
    ObjectNode chatChunkToolCall(ToolCall call, String callId, int index) {
        ObjectNode root = chunkHead();
        firstChoiceDelta(root).putArray("tool_calls").add(toolCall(call, callId, index));
        return root;
    }

    ObjectNode chatChunkFinish(GenerationResult r) {
        ObjectNode root = chunkHead();
        ObjectNode choice = (ObjectNode) root.get("choices").get(0);
        choice.put("finish_reason", r.finishReason().openAiName());
        root.set("timings", timings(r.usage()));
        intervention(root, r);
        return root;
    }

    /** {@code stream_options.include_usage}: the last chunk, with usage and no choices. */
    ObjectNode usageChunk(Usage u) {
        ObjectNode root = head();
        root.put("object", object);
        root.putArray("choices");
        root.set("usage", usage(u));
        return root;
    }

    private ObjectNode toolCall(ToolCall call, String callId, Integer index) {
        ObjectNode c = mapper.createObjectNode();
        if (index != null) c.put("index", index);
        c.put("id", callId);
        c.put("type", "function");
        ObjectNode fn = c.putObject("function");
        fn.put("name", call.name());
        fn.put("arguments", call.arguments().toString());
        return c;
    }

    // ---- text_completion ----

    ObjectNode textCompletion(GenerationResult r) {
        ObjectNode root = head();
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("text", r.content());
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.put("finish_reason", r.finishReason().openAiName());
        root.set("usage", usage(r.usage()));
        root.set("timings", timings(r.usage()));
        return root;
    }

    ObjectNode textChunk(String text, String finishReason) {
        ObjectNode root = head();
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("text", text);
        choice.put("index", 0);
        choice.putNull("logprobs");
        if (finishReason == null) choice.putNull("finish_reason"); else choice.put("finish_reason", finishReason);
        return root;
    }

    // ---- shared ----

    private ObjectNode head() {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        root.put("system_fingerprint", "lfm4j");
        return root;
    }

    private ObjectNode chunkHead() {
        ObjectNode root = head();
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return root;
    }

    private static ObjectNode firstChoiceDelta(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0).get("delta");
    }

    private ObjectNode usage(Usage u) {
        ObjectNode n = mapper.createObjectNode();
        n.put("prompt_tokens", u.promptTokens());
        n.put("completion_tokens", u.completionTokens());
        n.put("total_tokens", u.totalTokens());
        n.putObject("prompt_tokens_details").put("cached_tokens", u.cachedPromptTokens());
        n.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        return n;
    }

    private ObjectNode timings(Usage u) {
        ObjectNode n = mapper.createObjectNode();
        n.put("prompt_n", u.prefilledTokens());
        n.put("prompt_ms", u.promptNanos() / 1e6);
        n.put("prompt_per_second", u.promptTokensPerSecond());
        n.put("predicted_n", u.completionTokens());
        n.put("predicted_ms", u.decodeNanos() / 1e6);
        n.put("predicted_per_second", u.decodeTokensPerSecond());
        n.put("time_to_first_token_ms", u.timeToFirstTokenMillis());
        return n;
    }
}
