package io.github.lfm4j.runner.api;

/**
 * Chooses the next token from the model's logits. Normally the sampler built from
 * {@link GenerationOptions#sampling()} does this; a custom selector can replace it (constrained decoding, or tests
 * that script the model's answer token by token).
 */
@FunctionalInterface
public interface TokenSelector {

    /**
     * @param logits        the model's raw logits for the next token (do not keep: the buffer is reused)
     * @param history       the tokens so far (prompt, then generated), valid in {@code [0, historyLength)}
     * @param historyLength number of valid entries in {@code history}
     * @return a token id in {@code [0, logits.length)}
     */
    int select(float[] logits, int[] history, int historyLength);
}
