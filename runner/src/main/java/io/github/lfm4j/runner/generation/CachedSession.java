package io.github.lfm4j.runner.generation;

import io.github.lfm4j.runner.engine.EngineSession;

import java.util.Arrays;

/**
 * An {@link EngineSession} together with the tokens it holds, so that the next prompt can reuse the longest prefix
 * the session already processed: rewind to the last rewind point inside the shared prefix, prefill the rest. Not
 * thread-safe, like the session.
 */
public final class CachedSession {
    private final EngineSession session;
    private int[] tokens = new int[256];
    private int length;

    public CachedSession(EngineSession session) {
        this.session = session;
    }

    public EngineSession session() {
        return session;
    }

    public int context() {
        return session.context();
    }

    /** Tokens the session holds (the position of the next token). */
    public int length() {
        return length;
    }

    /** Token {@code i} of the history. */
    public int token(int i) {
        return tokens[i];
    }

    /** The backing array of the history, valid in {@code [0, length())} (for samplers: do not modify). */
    public int[] historyArray() {
        return tokens;
    }

    /** Number of leading tokens {@code prompt} shares with the history. */
    public int commonPrefix(int[] prompt) {
        int n = Math.min(prompt.length, length), i = 0;
        while (i < n && prompt[i] == tokens[i]) i++;
        return i;
    }

    /** How many tokens of {@code prompt} {@link #rewindFor} would keep (0: the cache is of no use for it). */
    public int reusableFor(int[] prompt) {
        if (prompt.length == 0) return 0;
        return session.rewindPointAtOrBefore(Math.min(commonPrefix(prompt), prompt.length - 1));
    }

    /**
     * Rewinds so that the session holds a prefix of {@code prompt} as long as possible while leaving at least one
     * prompt token to process (its logits start the generation); returns the number of tokens kept.
     */
    public int rewindFor(int[] prompt) {
        int point = reusableFor(prompt);
        session.rewind(point);
        length = point;
        return point;
    }

    /** Processes tokens {@code [from, to)} of {@code src} as one prefill; returns the logits after the last. */
    public float[] prefill(int[] src, int from, int to) {
        int[] batch = Arrays.copyOfRange(src, from, to);
        float[] logits;
        try {
            logits = session.prefill(batch);
        } catch (RuntimeException e) {
            reset(); // a failed prefill may leave the session anywhere: start clean next time
            throw e;
        }
        append(batch);
        return logits;
    }

    /** Processes one token; returns the logits for the next. */
    public float[] decode(int token) {
        float[] logits = session.decode(token);
        append(new int[]{token});
        return logits;
    }

    /** Forgets everything. */
    public void reset() {
        session.reset();
        length = 0;
    }

    private void append(int[] add) {
        if (length + add.length > tokens.length) tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, length + add.length));
        System.arraycopy(add, 0, tokens, length, add.length);
        length += add.length;
    }
}
