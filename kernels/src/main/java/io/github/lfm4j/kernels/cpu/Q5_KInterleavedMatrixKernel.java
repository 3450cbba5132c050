package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

import static io.github.lfm4j.kernels.cpu.VectorWidth.B64;

/**
 * Q5_K repacked at load for eight rows at a time ({@link KQuantInterleavedKernel}): {@link Q4_KInterleavedMatrixKernel}'s
 * layout with each sub-block's fifth bits after its nibbles. Per group of eight rows and super-block of 256 columns,
 * {@value #SB_BYTES} bytes (the file's 8 × 176 plus 2.3 %):
 * <pre>
 *   0  d[8], dmin[8], sc[8][8], mn[8][8]   as Q4_K's
 * 160  per sub-block j, 160 bytes:
 *        0  lo[8][16]   row k's 32 low nibbles in Q4_0's order (byte i: weight i low, weight i+16 high)
 *      128  hi[8][4]    row k's fifth bits: byte m, nibble n for 16-bit lane 2m + n of the row (bits = positions)
 * </pre>
 * In a two-row load, 32-bit lane m holds the row's 16-bit lanes 2m and 2m+1, whose fifth bits are the two nibbles of
 * one byte: the eight bytes of a pair widen to the eight 32-bit lanes, {@code b | b << 12} puts the second nibble in
 * the upper half, and per position one shift and mask move each bit to bit 4 of its 16-bit lane.
 * <p>
 * Numerics: as Q4_K's: the plain kernel's terms ({@link Q5_KMatrixKernel}), grouped differently in the float sums,
 * so equal to float rounding (16-bit halves: at most 4·31·127 each, 31,496 summed, below 2^15).
 */
final class Q5_KInterleavedMatrixKernel extends KQuantInterleavedKernel {
    static final int SB_BYTES = 160 + 8 * 160;
    private static final int FILE_SB_BYTES = 176, SUB_BYTES = 160;
    private static final int NIBBLES = 0x000F000F, FIFTH = 0x00100010;
    /** Shift counts that bring weight n's fifth bit (bit 4·((n%16)/2) + (n ≥ 16) + 2·(n%2) of a row's word) to bit 0. */
    private static final int[] FIFTH_BIT_SHIFTS = new int[32];

    static {
        for (int n = 0; n < 32; n++) FIFTH_BIT_SHIFTS[n] = 4 * ((n % 16) / 2) + (n >= 16 ? 1 : 0) + 2 * (n % 2);
    }

    private Q5_KInterleavedMatrixKernel(Tensor w, MemorySegment copy) {
        super(w, copy, (long) SB_BYTES * (w.cols() / SUPER_BLOCK), Int8PairLayout.NIBBLE_PAIRS);
    }

    /** The interleaved kernel for {@code w} (copied from {@code arena}), or empty where it does not apply. */
    static Optional<MatrixKernel> interleave(Tensor w, Arena arena, Parallel parallel) {
        if (!applies(w)) return Optional.empty();
        int superBlocks = Math.toIntExact(w.cols() / SUPER_BLOCK), rowBytes = Math.toIntExact(w.rowBytes());
        return repack(w, arena, parallel, (long) SB_BYTES * superBlocks, (in, out) -> {
            MemorySegment src = MemorySegment.ofArray(in);
            int[] q = new int[32];
            for (int sb = 0; sb < superBlocks; sb++) {
                int to = SB_BYTES * sb;
                for (int k = 0; k < GROUP; k++) {
                    int from = k * rowBytes + FILE_SB_BYTES * sb;
                    if (!finiteHalf(in, from) || !finiteHalf(in, from + 2)) return false;
                    out[to + 2 * k] = in[from];
                    out[to + 2 * k + 1] = in[from + 1];
                    out[to + 16 + 2 * k] = in[from + 2];
                    out[to + 17 + 2 * k] = in[from + 3];
                    for (int j = 0; j < 8; j++) {
                        out[to + 32 + 8 * j + k] = (byte) KQuantScales.scale(src, from + 4, j);
                        out[to + 96 + 8 * j + k] = (byte) KQuantScales.min(src, from + 4, j);
                        // sub-block j = 2p + h: weight l is nibble h of qs[32p + l] plus bit j of qh[l], times 16
                        int qs = from + 48 + 32 * (j / 2), shift = 4 * (j % 2);
                        for (int l = 0; l < 32; l++) q[l] = ((in[qs + l] >> shift) & 0x0F) | ((in[from + 16 + l] >> j) & 1) << 4;
                        int sub = to + 160 + SUB_BYTES * j;
                        for (int i = 0; i < 16; i++) out[sub + 16 * k + i] = (byte) ((q[i] & 0x0F) | (q[i + 16] & 0x0F) << 4);
                        int fifth = 0; // bit FIFTH_BIT_SHIFTS[n] = fifth bit of weight n
                        for (int n = 0; n < 32; n++) fifth |= (q[n] >>> 4) << FIFTH_BIT_SHIFTS[n];
                        for (int m = 0; m < 4; m++) out[sub + 128 + 4 * k + m] = (byte) (fifth >>> (8 * m));
                    }
                }
            }
            return true;
        }).map(copy -> new Q5_KInterleavedMatrixKernel(w, copy).warmUp());
    }

    /**
     * Eight rows, two per 32-byte load as in {@link Q4_KInterleavedMatrixKernel#dotGroup}, the fifth bits or-ed in
     * per position. Written out for each pair: a vector crossing a call that is not inlined is boxed.
     */
    @Override
    void dotGroup(int group, Int8Activations xq, byte[] x, float[] out, int off) {
        float[] xd = xq.scale, xsd = xq.scaledSum;
        long base = group * groupBytes;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, mins = a0;
        for (int sb = 0; sb < superBlocks; sb++) {
            long o = base + (long) SB_BYTES * sb;
            IntVector h = (IntVector) ShortVector.fromMemorySegment(ShortVector.SPECIES_128, data, o, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(SCALE_BIAS);
            d = d.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
            IntVector hm = (IntVector) ShortVector.fromMemorySegment(ShortVector.SPECIES_128, data, o + 16, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector dmin = hm.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(SCALE_BIAS);
            dmin = dmin.reinterpretAsInts().or(hm.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
            for (int j = 0; j < 8; j++) {
                int b = 8 * sb + j;
                FloatVector sc = (FloatVector) ByteVector.fromMemorySegment(B64, data, o + 32 + 8 * j, LE).castShape(F, 0);
                FloatVector mn = (FloatVector) ByteVector.fromMemorySegment(B64, data, o + 96 + 8 * j, LE).castShape(F, 0);
                FloatVector scale = sc.mul(d.mul(xd[b]));
                mins = mn.fma(dmin.mul(xsd[b]), mins);
                int xo = Int8PairLayout.BYTES * b;
                ShortVector x0 = (ShortVector) ByteVector.fromArray(B, x, xo).convertShape(VectorOperators.B2S, S, 0);
                ShortVector x1 = (ShortVector) ByteVector.fromArray(B, x, xo + 16).convertShape(VectorOperators.B2S, S, 0);
                ShortVector x2 = (ShortVector) ByteVector.fromArray(B, x, xo + 32).convertShape(VectorOperators.B2S, S, 0);
                ShortVector x3 = (ShortVector) ByteVector.fromArray(B, x, xo + 48).convertShape(VectorOperators.B2S, S, 0);
                long q = o + 160 + (long) SUB_BYTES * j, hi = q + 128;
                // four 5-bit quants × |x| ≤ 127 per 16-bit lane: at most 4·31·127, no overflow
                IntVector w0 = IntVector.fromMemorySegment(I, data, q, LE);
                IntVector f0 = (IntVector) ByteVector.fromMemorySegment(B64, data, hi, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                f0 = f0.or(f0.lanewise(VectorOperators.LSHL, 12));
                IntVector p0 = w0.and(NIBBLES).or(f0.lanewise(VectorOperators.LSHL, 4).and(FIFTH)).reinterpretAsShorts().mul(x0)
                        .add(w0.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).or(f0.lanewise(VectorOperators.LSHL, 3).and(FIFTH)).reinterpretAsShorts().mul(x1))
                        .add(w0.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).or(f0.lanewise(VectorOperators.LSHL, 2).and(FIFTH)).reinterpretAsShorts().mul(x2))
                        .add(w0.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).or(f0.lanewise(VectorOperators.LSHL, 1).and(FIFTH)).reinterpretAsShorts().mul(x3)).reinterpretAsInts();
                FloatVector d0 = scale.rearrange(Int8PairLayout.ROW_SCALES_0);
                a0 = ((FloatVector) p0.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d0, a0);
                IntVector w1 = IntVector.fromMemorySegment(I, data, q + 32, LE);
                IntVector f1 = (IntVector) ByteVector.fromMemorySegment(B64, data, hi + 8, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                f1 = f1.or(f1.lanewise(VectorOperators.LSHL, 12));
                IntVector p1 = w1.and(NIBBLES).or(f1.lanewise(VectorOperators.LSHL, 4).and(FIFTH)).reinterpretAsShorts().mul(x0)
                        .add(w1.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).or(f1.lanewise(VectorOperators.LSHL, 3).and(FIFTH)).reinterpretAsShorts().mul(x1))
                        .add(w1.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).or(f1.lanewise(VectorOperators.LSHL, 2).and(FIFTH)).reinterpretAsShorts().mul(x2))
                        .add(w1.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).or(f1.lanewise(VectorOperators.LSHL, 1).and(FIFTH)).reinterpretAsShorts().mul(x3)).reinterpretAsInts();
                FloatVector d1 = scale.rearrange(Int8PairLayout.ROW_SCALES_1);
                a1 = ((FloatVector) p1.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d1, a1);
                IntVector w2 = IntVector.fromMemorySegment(I, data, q + 64, LE);
                IntVector f2 = (IntVector) ByteVector.fromMemorySegment(B64, data, hi + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                f2 = f2.or(f2.lanewise(VectorOperators.LSHL, 12));
                IntVector p2 = w2.and(NIBBLES).or(f2.lanewise(VectorOperators.LSHL, 4).and(FIFTH)).reinterpretAsShorts().mul(x0)
                        .add(w2.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).or(f2.lanewise(VectorOperators.LSHL, 3).and(FIFTH)).reinterpretAsShorts().mul(x1))
                        .add(w2.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).or(f2.lanewise(VectorOperators.LSHL, 2).and(FIFTH)).reinterpretAsShorts().mul(x2))
                        .add(w2.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).or(f2.lanewise(VectorOperators.LSHL, 1).and(FIFTH)).reinterpretAsShorts().mul(x3)).reinterpretAsInts();
                FloatVector d2 = scale.rearrange(Int8PairLayout.ROW_SCALES_2);
                a2 = ((FloatVector) p2.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d2, a2);
                IntVector w3 = IntVector.fromMemorySegment(I, data, q + 96, LE);
                IntVector f3 = (IntVector) ByteVector.fromMemorySegment(B64, data, hi + 24, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                f3 = f3.or(f3.lanewise(VectorOperators.LSHL, 12));
                IntVector p3 = w3.and(NIBBLES).or(f3.lanewise(VectorOperators.LSHL, 4).and(FIFTH)).reinterpretAsShorts().mul(x0)
                        .add(w3.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).or(f3.lanewise(VectorOperators.LSHL, 3).and(FIFTH)).reinterpretAsShorts().mul(x1))
                        .add(w3.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).or(f3.lanewise(VectorOperators.LSHL, 2).and(FIFTH)).reinterpretAsShorts().mul(x2))
                        .add(w3.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).or(f3.lanewise(VectorOperators.LSHL, 1).and(FIFTH)).reinterpretAsShorts().mul(x3)).reinterpretAsInts();
                FloatVector d3 = scale.rearrange(Int8PairLayout.ROW_SCALES_3);
                a3 = ((FloatVector) p3.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d3, a3);
            }
        }
        FloatVector r0 = a0.add(a0.rearrange(Int8PairLayout.SWAP_2)), r1 = a1.add(a1.rearrange(Int8PairLayout.SWAP_2));
        FloatVector r2 = a2.add(a2.rearrange(Int8PairLayout.SWAP_2)), r3 = a3.add(a3.rearrange(Int8PairLayout.SWAP_2));
        r0 = r0.add(r0.rearrange(Int8PairLayout.SWAP_1));
        r1 = r1.add(r1.rearrange(Int8PairLayout.SWAP_1));
        r2 = r2.add(r2.rearrange(Int8PairLayout.SWAP_1));
        r3 = r3.add(r3.rearrange(Int8PairLayout.SWAP_1));
        out[off] = r0.lane(0) - mins.lane(0);
        out[off + 1] = r0.lane(4) - mins.lane(1);
        out[off + 2] = r1.lane(0) - mins.lane(2);
        out[off + 3] = r1.lane(4) - mins.lane(3);
        out[off + 4] = r2.lane(0) - mins.lane(4);
        out[off + 5] = r2.lane(4) - mins.lane(5);
        out[off + 6] = r3.lane(0) - mins.lane(6);
        out[off + 7] = r3.lane(4) - mins.lane(7);
    }

    /** Row {@code row} in the natural order, {@code scale·q − min} per sub-block as the plain decoding computes it. */
    @Override
    void decodeRow(int row, float[] dst, int off) {
        long group = (long) (row / GROUP) * groupBytes;
        int k = row % GROUP;
        IntVector shifts0 = IntVector.fromArray(I, FIFTH_BIT_SHIFTS, 0), shifts1 = IntVector.fromArray(I, FIFTH_BIT_SHIFTS, 8);
        IntVector shifts2 = IntVector.fromArray(I, FIFTH_BIT_SHIFTS, 16), shifts3 = IntVector.fromArray(I, FIFTH_BIT_SHIFTS, 24);
        for (int sb = 0; sb < superBlocks; sb++) {
            long o = group + (long) SB_BYTES * sb;
            float d = f16(o + 2L * k), dmin = f16(o + 16 + 2L * k);
            for (int j = 0; j < 8; j++) {
                FloatVector scale = FloatVector.broadcast(F, d * data.get(ValueLayout.JAVA_BYTE, o + 32 + 8 * j + k));
                FloatVector min = FloatVector.broadcast(F, dmin * data.get(ValueLayout.JAVA_BYTE, o + 96 + 8 * j + k));
                long q = o + 160 + (long) SUB_BYTES * j + 16L * k;
                IntVector fifth = IntVector.broadcast(I, data.get(LE_INT, o + 160 + (long) SUB_BYTES * j + 128 + 4L * k));
                IntVector q0 = (IntVector) ByteVector.fromMemorySegment(B64, data, q, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector q1 = (IntVector) ByteVector.fromMemorySegment(B64, data, q + 8, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                int p = off + SUPER_BLOCK * sb + 32 * j;
                ((FloatVector) q0.and(0x0F).or(fifth.lanewise(VectorOperators.LSHR, shifts0).and(1).lanewise(VectorOperators.LSHL, 4)).castShape(F, 0)).mul(scale).sub(min).intoArray(dst, p);
                ((FloatVector) q1.and(0x0F).or(fifth.lanewise(VectorOperators.LSHR, shifts1).and(1).lanewise(VectorOperators.LSHL, 4)).castShape(F, 0)).mul(scale).sub(min).intoArray(dst, p + 8);
                ((FloatVector) q0.lanewise(VectorOperators.LSHR, 4).or(fifth.lanewise(VectorOperators.LSHR, shifts2).and(1).lanewise(VectorOperators.LSHL, 4)).castShape(F, 0)).mul(scale).sub(min).intoArray(dst, p + 16);
                ((FloatVector) q1.lanewise(VectorOperators.LSHR, 4).or(fifth.lanewise(VectorOperators.LSHR, shifts3).and(1).lanewise(VectorOperators.LSHL, 4)).castShape(F, 0)).mul(scale).sub(min).intoArray(dst, p + 24);
            }
        }
    }
}
