package io.github.lfm4j.tornadovm.kernels;

/**
 * Slots of the per-step {@code IntArray} that the host writes before each run of the layer graphs. Int kernel
 * arguments are compiled into the kernel as constants, so everything that changes from step to step travels in this
 * array instead. One array serves both modes of the graphs: a decode step ({@link #BATCH} = 0: one token, the decode
 * kernels run and the prefill kernels return at once) and a prefill chunk ({@link #BATCH} = n ≥ 1 tokens from
 * {@link #TOKENS}: the other way round).
 */
public final class Step {
    private Step() {}

    /** The token id being decoded. */
    public static final int TOKEN = 0;
    /**
     * Position of the decoded token, or of the chunk's first token (0 also tells the conv kernels to start from zero
     * state).
     */
    public static final int POSITION = 1;
    /** Tokens in this prefill chunk; 0 for a decode step. */
    public static final int BATCH = 2;
    /** Length of a step array for decode only. */
    public static final int SIZE = 3;
    /** Slot of the chunk's first token id; the chunk's ids follow. */
    public static final int TOKENS = 3;

    /** Length of a step array that carries prefill chunks of up to {@code batch} tokens. */
    public static int size(int batch) {
        return TOKENS + batch;
    }
}
