package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.runner.engine.spi.GpuSession;

/**
 * The one conversation held on the device by a {@link TornadoLfm2Engine}, with the CPU {@code Session}'s shape:
 * {@link #decode}/{@link #prefill} return the logits after the last token (a session-owned buffer, valid until the
 * next call), {@link #decodeGreedy}/{@link #prefillGreedy} return only the argmax token (4 bytes from the device).
 * Prefill runs the tokens in chunks of up to {@code engine.prefillBatch()} through the layer graphs' matrix-matrix
 * tasks (float activations, as the CPU engine's prefill) and computes logits for the last token only; the session
 * owns the position, so a later turn's prefill continues the device state where the conversation stands. Rewinding
 * is possible to 0 and to the current position (the conv state is not checkpointed on the device). Not
 * thread-safe.
 */
public final class TornadoSession implements GpuSession {
    private final TornadoLfm2Engine engine;
    private final int context, vocab;
    private final float[] logits;
    private int position;

    TornadoSession(TornadoLfm2Engine engine, int context, int vocab) {
        this.engine = engine;
        this.context = context;
        this.vocab = vocab;
        this.logits = new float[vocab];
    }

    /** Number of tokens processed so far (the position the next token takes). */
    @Override
    public int position() {
        return position;
    }

    /** Maximum number of tokens this session holds. */
    @Override
    public int context() {
        return context;
    }

    /** Forgets the conversation. Free: the kernels treat position 0 as an empty conv state and KV cache. */
    @Override
    public void reset() {
        position = 0;
    }

    @Override
    public boolean canRewindTo(int pos) {
        return pos == 0 || pos == position;
    }

    @Override
    public int rewindPointAtOrBefore(int pos) {
        return pos >= position ? position : 0;
    }

    /** Moves back to {@code pos}: only 0 or the current position; otherwise an IllegalArgumentException. */
    @Override
    public void rewind(int pos) {
        if (pos == position) return;
        if (pos != 0) {
            throw new IllegalArgumentException("cannot rewind the GPU session to position " + pos
                    + ": only to 0 or the current position " + position);
        }
        reset();
    }

    /** Throws an IllegalArgumentException when {@code promptTokens + toGenerate} more tokens do not fit. */
    @Override
    public void checkCapacity(int promptTokens, int toGenerate) {
        long needed = (long) position + promptTokens + toGenerate;
        if (needed > context) {
            throw new IllegalArgumentException("prompt of " + promptTokens + " tokens + " + toGenerate
                    + " to generate" + (position > 0 ? " at position " + position : "") + " exceeds the context of "
                    + context + " tokens");
        }
    }

    /** Processes one token and returns the logits for the next (session-owned buffer). */
    @Override
    public float[] decode(int token) {
        step(token);
        engine.fetchLogits(engine.runHead(), logits);
        return logits;
    }

    /** Processes one token and returns the most likely next token (first on ties), computed on the device. */
    @Override
    public int decodeGreedy(int token) {
        step(token);
        engine.runHead();
        return engine.argmaxResult();
    }

    /** Processes {@code tokens} and returns the logits after the last one (session-owned buffer). */
    @Override
    public float[] prefill(int[] tokens) {
        chunks(tokens);
        engine.fetchLogits(engine.runHead(), logits);
        return logits;
    }

    /** Processes {@code tokens} and returns the most likely token after the last one. */
    @Override
    public int prefillGreedy(int[] tokens) {
        chunks(tokens);
        engine.runHead();
        return engine.argmaxResult();
    }

    /** Runs all tokens through the layers in chunks; the last chunk leaves the last token's state for the head. */
    private void chunks(int[] tokens) {
        engine.checkOpen();
        if (tokens.length == 0) throw new IllegalArgumentException("cannot prefill an empty token sequence");
        for (int t : tokens) checkToken(t);
        checkCapacity(tokens.length, 0);
        int batch = engine.prefillBatch();
        for (int from = 0; from < tokens.length; from += batch) {
            int n = Math.min(batch, tokens.length - from);
            engine.runChunk(tokens, from, n, position);
            position += n;
        }
    }

    private void step(int token) {
        engine.checkOpen();
        if (position >= context) throw new IllegalStateException("the context of " + context + " tokens is full");
        checkToken(token);
        engine.runLayers(token, position);
        position++;
    }

    private void checkToken(int t) {
        if (t < 0 || t >= vocab) {
            throw new IllegalArgumentException("token id " + t + " is out of range [0, " + vocab + ")");
        }
    }
}
