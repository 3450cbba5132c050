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
 * Eight 16-bit floats (IEEE half or bfloat16) from memory into one 256-bit float vector, with integer lane
 * operations only, so both convert without per-element scalar code.
 */
final class HalfFloats {
    private HalfFloats() {}

    private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;

    private static IntVector widen(MemorySegment seg, long offset) {
        return (IntVector) ShortVector.fromMemorySegment(S128, seg, offset, ByteOrder.LITTLE_ENDIAN).castShape(I, 0);
    }

    /**
     * IEEE half → float. The exponent+mantissa bits shifted into float position and scaled by 2^112 give the exact
     * value of every normal and subnormal half (the rebias is a power-of-two multiply); infinities and NaNs
     * (exponent all ones) get the float exponent all ones instead; the sign is put back last.
     */
    static FloatVector f16(MemorySegment seg, long offset) {
        IntVector h = widen(seg, offset);
        IntVector magnitude = h.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00);
        IntVector bits = finite.blend(shifted.or(0x7F800000), special);
        return bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /** bfloat16 → float: the bf16 bits are the float's upper half. */
    static FloatVector bf16(MemorySegment seg, long offset) {
        return widen(seg, offset).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
