package io.github.lfm4j.model.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

/**
 * The synthetic byte-level BPE vocabulary of the shared test fixtures (3272 tokens in LFM2's layout: the same 16
 * special tokens at the same ids, {@code <|im_end|>} = 7 as EOS), shipped as a gzipped JSON resource, optionally
 * padded with {@code <|reserved_N|>} control tokens to a model's vocabulary size (real LFM2 vocabularies are padded
 * the same way).
 */
public record SyntheticVocabulary(String[] tokens, int[] tokenTypes, String[] merges, int bosId, int eosId, int padId) {

    /** llama.cpp token type ids (llama_token_type). */
    public static final int NORMAL = 1, CONTROL = 3;

    private static final String RESOURCE = "vocab-synthetic.json.gz";

    /** The vocabulary as shipped (3272 tokens). */
    public static SyntheticVocabulary load() {
        try (InputStream raw = SyntheticVocabulary.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) throw new IllegalStateException("missing resource " + RESOURCE);
            JsonNode root = new ObjectMapper().readTree(new GZIPInputStream(raw));
            JsonNode t = root.get("tokens"), ty = root.get("token_types"), m = root.get("merges");
            String[] tokens = new String[t.size()];
            int[] types = new int[ty.size()];
            String[] merges = new String[m.size()];
            for (int i = 0; i < tokens.length; i++) tokens[i] = t.get(i).asText();
            for (int i = 0; i < types.length; i++) types[i] = ty.get(i).asInt();
            for (int i = 0; i < merges.length; i++) merges[i] = m.get(i).asText();
            return new SyntheticVocabulary(tokens, types, merges, root.get("bos_token_id").asInt(),
                    root.get("eos_token_id").asInt(), root.get("padding_token_id").asInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int size() {
        return tokens.length;
    }

    /** This vocabulary extended to {@code vocabSize} tokens with {@code <|reserved_N|>} CONTROL tokens (N = id - size()). */
    public SyntheticVocabulary paddedTo(int vocabSize) {
        if (vocabSize < tokens.length) {
            throw new IllegalArgumentException("vocabulary size " + vocabSize + " is smaller than the synthetic vocabulary ("
                    + tokens.length + " tokens)");
        }
        String[] t = java.util.Arrays.copyOf(tokens, vocabSize);
        int[] ty = java.util.Arrays.copyOf(tokenTypes, vocabSize);
        for (int i = tokens.length; i < vocabSize; i++) {
            t[i] = "<|reserved_" + (i - tokens.length) + "|>";
            ty[i] = CONTROL;
        }
        return new SyntheticVocabulary(t, ty, merges, bosId, eosId, padId);
    }
}
