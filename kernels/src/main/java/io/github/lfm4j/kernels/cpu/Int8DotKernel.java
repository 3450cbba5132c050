package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Shared frame of the quantized types' matvec: the activation vector is rounded to int8 once per call and thread
 * ({@link Int8Activations}), then each row's encoded blocks are dotted with it in integer lanes by the subclass.
 * <p>
 * The row loop stays in the subclass ({@link #dotRows}): its call to its own private per-row dot product is then
 * monomorphic and can be inlined by C2; the only virtual call is the one to {@code dotRows}, once per matvec.
 */
abstract class Int8DotKernel extends RowDecodingKernel {
    // Species at VectorWidth's width. The kernels were designed for 256 bits, where 16 weights (half a block of
    // 32) fill one vector of 16-bit lanes; at 128 bits such a vector is PARTS = 2 vectors of 8 lanes, and the kernels
    // loop over the parts with that constant trip count. Where that loop goes was measured (Zen 4, best of 3+
    // interleaved runs): for Q8_0, Q4_0 and Q4_1 a loop over parts around the block loop (two passes over the row
    // at 128 bits, the second from L1) keeps the 256-bit speed, where a parts loop inside the block loop, even of
    // one iteration, cost 10-17% (C2 then optimises the block loop less well) and a single loop of PARTS steps per
    // block cost 60% at 128 bits (its indices are no longer linear in the loop variable, so bounds checks stay).
    // Types with more per-block work (Q5_0, Q5_1, the K-quants) keep the parts inside, where that measured no
    // slower at 256 bits and shares that work between the parts at 128.
    // Each part's products are converted and accumulated on their own, so at 256 bits the arithmetic is exactly
    // the original's, and at 128 bits only the grouping of lanes (the float summation order) differs.

    /** Bytes that widen lane for lane into {@link #S}: 16 at 256 bits, 8 at 128. */
    static final VectorSpecies<Byte> B = VectorWidth.B_FOR_S;
    /** The 16-bit lanes the int8 products are computed in: 16 at 256 bits, 8 at 128. */
    static final VectorSpecies<Short> S = VectorWidth.S;
    static final int SL = VectorWidth.SL;
    /** {@code 16 / SL}: the vectors of {@link #S} that cover 16 weights. */
    static final int PARTS = VectorWidth.SHORT_PARTS;
    /** Pairs of 16-bit lanes as one 32-bit lane each, then as floats: {@code SL / 2} lanes. */
    static final VectorSpecies<Integer> I = VectorWidth.I;
    static final VectorSpecies<Float> F = VectorWidth.F;
    static final int FL = VectorWidth.FL;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /**
     * Sums the two 16-bit halves of each 32-bit lane: {@code (p · 0x10001) >> 16} (arithmetic shift) is
     * {@code hi + lo} when that sum fits a signed 16-bit value, because the product adds {@code p << 16} to
     * {@code p} (mod 2^32), putting {@code hi + lo} plus the borrow of a negative {@code lo} in the upper half, and
     * the shift's floor takes that borrow back. One multiply and one shift: two instructions fewer than widening
     * both halves, and one fewer than {@code p + (p << 16)}; worth ~7 % of the Q4_0 matvec (measured on Zen 4).
     */
    static final int PAIR_SUM = 0x10001;

    /**
     * For the 5-bit types: lane j multiplies by 2^(15−j), so bit j of a broadcast 16-bit mask lands in bit 15
     * (higher bits overflow out). The first {@link #SL} lanes serve every part: part k broadcasts the mask shifted
     * right by {@code k·SL}.
     */
    static final short[] BIT_TO_TOP = new short[16];

    static {
        for (int j = 0; j < 16; j++) BIT_TO_TOP[j] = (short) (1 << (15 - j));
    }

    private final ThreadLocal<Int8Activations> activations;

    Int8DotKernel(Tensor w) {
        this(w, w.data());
    }

    Int8DotKernel(Tensor w, MemorySegment data) {
        super(w, data);
        this.activations = ThreadLocal.withInitial(() -> new Int8Activations(cols));
    }

    @Override
    public final void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        checkArguments(x, 1, out, rowStart, rowEnd);
        if (rowStart == rowEnd) return;
        Int8Activations xq = activations.get();
        xq.quantize(x, 0);
        dotRows(xq, out, rowStart, rowEnd);
    }

    @Override
    public final boolean roundsInputToInt8() {
        return true;
    }

    @Override
    public final void matvec(Int8Activations xq, float[] out, int rowStart, int rowEnd) {
        if (xq.cols() != cols) {
            throw new IllegalArgumentException("input of " + xq.cols() + " values for a matrix of " + cols + " columns");
        }
        checkArguments(null, 1, out, rowStart, rowEnd);
        if (rowStart == rowEnd) return;
        dotRows(xq, out, rowStart, rowEnd);
    }

    /** {@code out[r] = row r · xq} for {@code r ∈ [rowStart, rowEnd)}, a non-empty range already checked. */
    abstract void dotRows(Int8Activations xq, float[] out, int rowStart, int rowEnd);
}
