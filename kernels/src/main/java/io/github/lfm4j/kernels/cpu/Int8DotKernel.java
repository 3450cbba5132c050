package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

/**
 * Shared frame of the quantized types' matvec: the activation vector is rounded to int8 once per call and thread
 * ({@link Int8Activations}), then each row's encoded blocks are dotted with it in integer lanes by the subclass.
 * <p>
 * The row loop stays in the subclass ({@link #dotRows}): its call to its own private per-row dot product is then
 * monomorphic and can be inlined by C2; the only virtual call is the one to {@code dotRows}, once per matvec.
 */
abstract class Int8DotKernel extends RowDecodingKernel {
    static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /**
     * For the 5-bit types: lane j multiplies by 2^(15−j), so bit j of a broadcast 16-bit mask lands in bit 15
     * (higher bits overflow out).
     */
    static final short[] BIT_TO_TOP = new short[16];

    static {
        for (int j = 0; j < 16; j++) BIT_TO_TOP[j] = (short) (1 << (15 - j));
    }

    private final ThreadLocal<Int8Activations> activations;

    Int8DotKernel(Tensor w) {
        super(w);
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

    /** {@code out[r] = row r · xq} for {@code r ∈ [rowStart, rowEnd)}, a non-empty range already checked. */
    abstract void dotRows(Int8Activations xq, float[] out, int rowStart, int rowEnd);
}
