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
 * Q4_K repacked at load for eight rows at a time ({@link KQuantInterleavedKernel}). Per group of eight rows and
 * super-block of 256 columns ({@value #SB_BYTES} bytes, the file's 8 × 144 plus 2.8 %):
 * <pre>
 *   0  d[8]      the eight rows' f16 super-block scales
 *  16  dmin[8]   their f16 super-block mins
 *  32  sc[8][8]  6-bit sub-block scales, sub-block-major: sc[j][k] for sub-block j of row k, one byte each
 *  96  mn[8][8]  6-bit sub-block mins, likewise
 * 160  qs[8][8][16] per sub-block j and row k the 32 nibbles in Q4_0's order (byte i: weight i low, weight i+16 high)
 * </pre>
 * The scales unpacked from their 12-byte table to bytes cost 16 bytes per row and super-block more than the file;
 * they convert to floats for eight rows in one vector, where unpacking the table costs ~40 scalar operations per row.
 * The quants in Q4_0's nibble order let the two-row loads of {@link Q4_0InterleavedMatrixKernel} work unchanged:
 * unsigned nibbles, so no offset to take off, and weight = d·sc·q − dmin·mn per sub-block of 32.
 * <p>
 * Numerics: the plain kernel's terms ({@link Q4_KMatrixKernel}: exact integer products per sub-block, then per
 * sub-block {@code acc = fma(Σq·xq, sc·(d·xd), acc)} and {@code m = fma(mn, dmin·xsd, m)}, {@code Σacc − m} per
 * row), its float sums grouped differently: each 32-bit lane sums eight products of one row (the two 16-bit halves
 * of a two-row load added with {@link #PAIR_SUM}), four float lanes per row, where the plain kernel keeps eight.
 * So the two agree to float rounding, not bit for bit. Summing the halves rather than keeping them apart (as the
 * bit-for-bit Q4_0 kernel does) saves a shift, a conversion and a multiply-add per load: 2048-wide rows went from
 * 15 to 23 GB/s on two threads.
 */
final class Q4_KInterleavedMatrixKernel extends KQuantInterleavedKernel {
    static final int SB_BYTES = 16 + 16 + 64 + 64 + 8 * 8 * 16;
    private static final int FILE_SB_BYTES = 144;
    private static final int NIBBLES = 0x000F000F;

    private Q4_KInterleavedMatrixKernel(Tensor w, MemorySegment copy) {
        super(w, copy, (long) SB_BYTES * (w.cols() / SUPER_BLOCK), Int8PairLayout.NIBBLE_PAIRS);
    }

    /** The interleaved kernel for {@code w} (copied from {@code arena}), or empty where it does not apply. */
    static Optional<MatrixKernel> interleave(Tensor w, Arena arena, Parallel parallel) {
        if (!applies(w)) return Optional.empty();
        int superBlocks = Math.toIntExact(w.cols() / SUPER_BLOCK), rowBytes = Math.toIntExact(w.rowBytes());
        return repack(w, arena, parallel, (long) SB_BYTES * superBlocks, (in, out) -> {
            MemorySegment src = MemorySegment.ofArray(in);
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
                        // sub-block j = 2p + h: its weight l is nibble h of byte 32p + l of the file's qs
                        int qs = from + 16 + 32 * (j / 2), shift = 4 * (j % 2), q = to + 160 + 128 * j + 16 * k;
                        for (int i = 0; i < 16; i++) {
                            int lo = (in[qs + i] >> shift) & 0x0F, hi = (in[qs + 16 + i] >> shift) & 0x0F;
                            out[q + i] = (byte) (lo | hi << 4);
                        }
                    }
                }
            }
            return true;
        }).map(copy -> new Q4_KInterleavedMatrixKernel(w, copy).warmUp());
    }

    /**
     * Eight rows, two per 32-byte load as in {@link Q4_0InterleavedMatrixKernel#dotGroup} (see there for the lanes),
     * a pair's 32-bit lanes summing both 16-bit halves (four rows' lanes 0-3 the first row, 4-7 the second), with
     * per-sub-block float scales for the eight rows in one vector and the rows' min terms in another. Written out
     * for each pair: a vector crossing a call that is not inlined is boxed.
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
                long q = o + 160 + 128L * j;
                // four unsigned nibbles × |x| ≤ 127 per 16-bit lane: at most 4·15·127, no overflow
                IntVector w0 = IntVector.fromMemorySegment(I, data, q, LE);
                IntVector p0 = w0.and(NIBBLES).reinterpretAsShorts().mul(x0)
                        .add(w0.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).reinterpretAsShorts().mul(x1))
                        .add(w0.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).reinterpretAsShorts().mul(x2))
                        .add(w0.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).reinterpretAsShorts().mul(x3)).reinterpretAsInts();
                FloatVector d0 = scale.rearrange(Int8PairLayout.ROW_SCALES_0);
                a0 = ((FloatVector) p0.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d0, a0);
                IntVector w1 = IntVector.fromMemorySegment(I, data, q + 32, LE);
                IntVector p1 = w1.and(NIBBLES).reinterpretAsShorts().mul(x0)
                        .add(w1.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).reinterpretAsShorts().mul(x1))
                        .add(w1.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).reinterpretAsShorts().mul(x2))
                        .add(w1.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).reinterpretAsShorts().mul(x3)).reinterpretAsInts();
                FloatVector d1 = scale.rearrange(Int8PairLayout.ROW_SCALES_1);
                a1 = ((FloatVector) p1.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d1, a1);
                IntVector w2 = IntVector.fromMemorySegment(I, data, q + 64, LE);
                IntVector p2 = w2.and(NIBBLES).reinterpretAsShorts().mul(x0)
                        .add(w2.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).reinterpretAsShorts().mul(x1))
                        .add(w2.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).reinterpretAsShorts().mul(x2))
                        .add(w2.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).reinterpretAsShorts().mul(x3)).reinterpretAsInts();
                FloatVector d2 = scale.rearrange(Int8PairLayout.ROW_SCALES_2);
                a2 = ((FloatVector) p2.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d2, a2);
                IntVector w3 = IntVector.fromMemorySegment(I, data, q + 96, LE);
                IntVector p3 = w3.and(NIBBLES).reinterpretAsShorts().mul(x0)
                        .add(w3.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).reinterpretAsShorts().mul(x1))
                        .add(w3.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).reinterpretAsShorts().mul(x2))
                        .add(w3.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).reinterpretAsShorts().mul(x3)).reinterpretAsInts();
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

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long group = (long) (row / GROUP) * groupBytes;
        int k = row % GROUP;
        for (int sb = 0; sb < superBlocks; sb++) {
            long o = group + (long) SB_BYTES * sb;
            float d = f16(o + 2L * k), dmin = f16(o + 16 + 2L * k);
            for (int j = 0; j < 8; j++) {
                float scale = d * data.get(ValueLayout.JAVA_BYTE, o + 32 + 8 * j + k);
                float min = dmin * data.get(ValueLayout.JAVA_BYTE, o + 96 + 8 * j + k);
                decodeNibbles( o + 160 + 128L * j + 16L * k, scale, min, dst, off + SUPER_BLOCK * sb + 32 * j);
            }
        }
    }

    /**
     * The 32 weights of one row's sub-block from its 16 bytes at {@code at} (byte i: weight i low, i+16 high):
     * {@code scale·q − min}, as the plain kernel's decoding computes them.
     */
    private void decodeNibbles(long at, float scale, float min, float[] dst, int off) {
        FloatVector s = FloatVector.broadcast(F, scale), m = FloatVector.broadcast(F, min);
        for (int part = 0; part < VectorWidth.B64_PARTS; part++) {
            int p = off + FL * part;
            IntVector q0 = (IntVector) ByteVector.fromMemorySegment(B64, data, at, LE).castShape(I, part);
            IntVector q1 = (IntVector) ByteVector.fromMemorySegment(B64, data, at + 8, LE).castShape(I, part);
            ((FloatVector) q0.and(0x0F).castShape(F, 0)).mul(s).sub(m).intoArray(dst, p);
            ((FloatVector) q1.and(0x0F).castShape(F, 0)).mul(s).sub(m).intoArray(dst, p + 8);
            ((FloatVector) q0.lanewise(VectorOperators.ASHR, 4).and(0x0F).castShape(F, 0)).mul(s).sub(m).intoArray(dst, p + 16);
            ((FloatVector) q1.lanewise(VectorOperators.ASHR, 4).and(0x0F).castShape(F, 0)).mul(s).sub(m).intoArray(dst, p + 24);
        }
    }
}
