package io.github.lfm4j.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.sampling.TokenLogprob;

import java.util.List;

/**
 * The parts of {@code lfm4j generate --json}'s object that its token mode and its text mode share, so the two
 * print the same fields the same way. Fields come out in the order they are put.
 */
final class GenerateJson {
    private GenerateJson() {}

    /** A new object holding {@code prompt_tokens}, {@code tokens} and {@code text}. */
    static ObjectNode start(int[] prompt, int[] tokens, String text) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        ArrayNode p = root.putArray("prompt_tokens");
        for (int t : prompt) p.add(t);
        ArrayNode g = root.putArray("tokens");
        for (int t : tokens) g.add(t);
        root.put("text", text);
        return root;
    }

    /** Puts {@code timings} with the prompt and decode counts and speeds; returned for mode-specific extras. */
    static ObjectNode putTimings(ObjectNode root, int promptTokens, double promptTokensPerSecond, int decodeTokens,
                                 double decodeTokensPerSecond) {
        ObjectNode timings = root.putObject("timings");
        timings.put("prompt_tokens", promptTokens);
        timings.put("prompt_tokens_per_second", promptTokensPerSecond);
        timings.put("decode_tokens", decodeTokens);
        timings.put("decode_tokens_per_second", decodeTokensPerSecond);
        return timings;
    }

    /** Puts {@code top_logprobs}: per generated position, the most likely tokens with their log-probabilities. */
    static void putTopLogprobs(ObjectNode root, List<TokenLogprob[]> logprobs) {
        ArrayNode all = root.putArray("top_logprobs");
        for (TokenLogprob[] position : logprobs) {
            ArrayNode a = all.addArray();
            for (TokenLogprob lp : position) a.addObject().put("token", lp.token()).put("logprob", lp.logprob());
        }
    }
}
