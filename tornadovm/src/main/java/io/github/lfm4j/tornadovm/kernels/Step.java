package io.github.lfm4j.tornadovm.kernels;

/**
 * Slots of the per-token {@code IntArray} that the host writes before each step. Int kernel arguments are compiled
 * into the kernel as constants, so everything that changes from token to token travels in this array instead.
 */
public final class Step {
    private Step() {}

    /** The token id being processed. */
    public static final int TOKEN = 0;
    /** Its position in the sequence (0 for the first token; also tells the conv kernel to start from zero state). */
    public static final int POSITION = 1;
    /** Length of the step array. */
    public static final int SIZE = 2;
}
