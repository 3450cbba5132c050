package io.github.lfm4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * 16-bit floats (IEEE half or bfloat16) from memory into one float vector of {@link VectorWidth}'s width (8 at
 * 256 bits, 4 at 128), with integer lane operations only, so both convert without per-element scalar code.
 */
final class HalfFloats {
    private HalfFloats() {}

    /** As many 16-bit lanes as the float vector has lanes, so the widening is lane for lane. */
    private static final VectorSpecies<Short> S = VectorWidth.S_FOR_F;
    private static final VectorSpecies<Integer> I = VectorWidth.I;

    private static IntVector widen(MemorySegment seg, long offset) {
        return (IntVector) ShortVector.fromMemorySegment(S, seg, offset, ByteOrder.LITTLE_ENDIAN).castShape(I, 0);
    }

    /**
     * IEEE half → float. The half is sign-extended to 32 bits and shifted left by 13: exponent and mantissa land in
     * float position, the sign in bit 28 and its copies above; masking keeps the sign in bit 31 only. Scaling by
     * 2^112 then rebiases the exponent, exactly, for every normal and subnormal half. Infinities and NaNs (exponent
     * all ones) instead get the float exponent all ones.
     */
    static FloatVector f16(MemorySegment seg, long offset) {
        IntVector bits = widen(seg, offset).lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000);
        FloatVector finite = bits.reinterpretAsFloats().mul(0x1p112f);
        VectorMask<Integer> special = bits.and(0x0F800000).compare(VectorOperators.EQ, 0x0F800000);
        return finite.blend(bits.or(0x7F800000).reinterpretAsFloats(), special.cast(VectorWidth.F));
    }

    /** bfloat16 → float: the bf16 bits are the float's upper half. */
    static FloatVector bf16(MemorySegment seg, long offset) {
        return widen(seg, offset).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
