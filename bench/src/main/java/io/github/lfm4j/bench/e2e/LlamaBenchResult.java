package io.github.lfm4j.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.ArrayList;
import java.util.List;

/**
 * One test of {@code llama-bench -o json}: the fields the comparison needs, as llama-bench names them.
 *
 * @param nPrompt tokens prefilled in the timed part (0 for a tg test)
 * @param nGen    tokens generated in the timed part (0 for a pp test)
 * @param nDepth  tokens already in the context (absent in older llama-bench versions: 0)
 * @param typeK   the KV cache's key type ({@code type_k}; f16, llama.cpp's default, where absent)
 * @param typeV   its value type ({@code type_v})
 */
public record LlamaBenchResult(String modelFilename, String backends, int nThreads, int nPrompt, int nGen, int nDepth,
                               double avgTs, double stddevTs, String typeK, String typeV) {

    /** With llama.cpp's default f16 cache. */
    public LlamaBenchResult(String modelFilename, String backends, int nThreads, int nPrompt, int nGen, int nDepth,
                            double avgTs, double stddevTs) {
        this(modelFilename, backends, nThreads, nPrompt, nGen, nDepth, avgTs, stddevTs, "f16", "f16");
    }

    /** True when this is the llama.cpp measurement of our {@code test} at {@code threads} (any cache type). */
    public boolean matches(TestSpec test, int threads) {
        return nThreads == threads && nPrompt == test.nPrompt() && nGen == test.nGen() && nDepth == test.depth();
    }

    /** True when this is the llama.cpp measurement of our {@code test} at {@code threads} with these cache types. */
    public boolean matches(TestSpec test, int threads, String keys, String values) {
        return matches(test, threads) && typeK.equals(keys) && typeV.equals(values);
    }

    /** Parses llama-bench's JSON output: an array of test objects. */
    public static List<LlamaBenchResult> parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("llama-bench output is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) throw new IllegalArgumentException("llama-bench JSON output is not an array");
        List<LlamaBenchResult> results = new ArrayList<>();
        for (JsonNode t : root) {
            if (!t.isObject()) throw new IllegalArgumentException("llama-bench JSON array holds a non-object: " + t);
            results.add(new LlamaBenchResult(text(t, "model_filename"), t.path("backends").asText(""),
                    integer(t, "n_threads"), integer(t, "n_prompt"), integer(t, "n_gen"),
                    t.has("n_depth") ? integer(t, "n_depth") : 0, number(t, "avg_ts"), number(t, "stddev_ts"),
                    t.path("type_k").asText("f16"), t.path("type_v").asText("f16")));
        }
        return results;
    }

    private static JsonNode field(JsonNode t, String name) {
        JsonNode v = t.get(name);
        if (v == null || v.isNull()) throw new IllegalArgumentException("llama-bench JSON test has no '" + name + "'");
        return v;
    }

    private static String text(JsonNode t, String name) {
        JsonNode v = field(t, name);
        if (!v.isTextual()) throw new IllegalArgumentException("llama-bench JSON '" + name + "' is not a string: " + v);
        return v.asText();
    }

    private static int integer(JsonNode t, String name) {
        JsonNode v = field(t, name);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("llama-bench JSON '" + name + "' is not an integer: " + v);
        }
        return v.intValue();
    }

    private static double number(JsonNode t, String name) {
        JsonNode v = field(t, name);
        if (!v.isNumber()) throw new IllegalArgumentException("llama-bench JSON '" + name + "' is not a number: " + v);
        return v.doubleValue();
    }
}
