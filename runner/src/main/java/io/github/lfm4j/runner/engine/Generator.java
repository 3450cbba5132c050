package io.github.lfm4j.runner.engine;

import io.github.lfm4j.model.sampling.Sampler;

import java.util.Arrays;

/**
 * The token-level generation loop: prefill a prompt at the session's current position, then sample and decode one
 * token at a time until a stop token, the token limit, or the listener says stop. Text, chat templates and thinking
 * are layered on top by callers through the {@link TokenListener}.
 */
public final class Generator {
    private Generator() {}

    /** Why generation ended. */
    public enum StopReason { MAX_TOKENS, STOP_TOKEN, LISTENER }

    /** Sees every sampled token as it is chosen. */
    @FunctionalInterface
    public interface TokenListener {
        /**
         * @param token  the sampled token (a stop token is reported too, before generation ends)
         * @param logits the raw logits it was sampled from (session-owned; copy to keep)
         * @return false to stop after this token
         */
        boolean onToken(int token, float[] logits);
    }

    /**
     * What a generation produced.
     *
     * @param tokens       the generated tokens, without a final stop token
     * @param stopToken    the stop token that ended generation, or -1
     * @param promptTokens tokens prefilled
     * @param promptNanos  time spent in prefill
     * @param decodeSteps  tokens run through {@link EngineSession#decode}
     * @param decodeNanos  time spent in decode steps
     */
    public record Result(int[] tokens, StopReason stopReason, int stopToken, int promptTokens, long promptNanos,
                         int decodeSteps, long decodeNanos) {
        public double promptTokensPerSecond() {
            return promptNanos == 0 ? 0 : promptTokens * 1e9 / promptNanos;
        }

        public double decodeTokensPerSecond() {
            return decodeNanos == 0 ? 0 : decodeSteps * 1e9 / decodeNanos;
        }
    }

    /**
     * Generates up to {@code maxTokens} tokens after {@code prompt}. The session stays positioned after the prompt
     * and every generated token except the last one sampled (which was never fed back), so a caller continuing the
     * conversation prefills from {@link EngineSession#position()}.
     *
     * @param stopTokens tokens that end generation (not included in {@link Result#tokens()})
     * @param listener   may be null
     */
    public static Result generate(EngineSession session, int[] prompt, Sampler sampler, int maxTokens, int[] stopTokens,
                                  TokenListener listener) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (maxTokens < 0) throw new IllegalArgumentException("the number of tokens to generate must be >= 0, got " + maxTokens);
        session.checkCapacity(prompt.length, maxTokens);
        int[] history = Arrays.copyOf(prompt, prompt.length + maxTokens);
        int historyLength = prompt.length;

        long t0 = System.nanoTime();
        float[] logits = session.prefill(prompt);
        long promptNanos = System.nanoTime() - t0;

        int[] out = new int[maxTokens];
        int produced = 0, decodeSteps = 0, stopToken = -1;
        long decodeNanos = 0;
        StopReason reason = StopReason.MAX_TOKENS;
        while (produced < maxTokens) {
            int token = sampler.sample(logits, history, historyLength);
            boolean more = listener == null || listener.onToken(token, logits);
            if (contains(stopTokens, token)) {
                stopToken = token;
                reason = StopReason.STOP_TOKEN;
                break;
            }
            out[produced++] = token;
            history[historyLength++] = token;
            if (!more) {
                reason = StopReason.LISTENER;
                break;
            }
            if (produced == maxTokens) break;
            long t1 = System.nanoTime();
            logits = session.decode(token);
            decodeNanos += System.nanoTime() - t1;
            decodeSteps++;
        }
        return new Result(Arrays.copyOf(out, produced), reason, stopToken, prompt.length, promptNanos, decodeSteps,
                decodeNanos);
    }

    private static boolean contains(int[] values, int v) {
        if (values == null) return false;
        for (int x : values) if (x == v) return true;
        return false;
    }
}
