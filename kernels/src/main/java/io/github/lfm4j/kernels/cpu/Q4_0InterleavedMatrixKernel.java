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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Q4_0 weights repacked so that eight rows are read together: for each group of eight rows and each block column b,
 * the eight rows' f16 scales (16 bytes), then their eight 16-byte quant runs, 144 bytes in all
 * ({@code group·8·rowBytes + 144·b}). The same bytes as the file's layout, in another order (llama.cpp's CPU backend
 * repacks Q4_0 for the same reason).
 * <p>
 * Why: the plain kernel spends about a quarter of its vector operations per block on the scale (load, f16 to float,
 * times the activation scale, broadcast). Here one vector converts the eight rows' scales at once and each row takes
 * its lane from memory as a broadcast load, and the block's two activation vectors are loaded once for eight rows;
 * the rows' weights still stream from memory as one sequential run. Measured on one thread (Zen 4 EPYC, 75 MB
 * matrix from DRAM): 95 ns per 2048-wide row against 113 for the plain kernel; two threads 50 against 59; with
 * C2 limited to AVX2 ({@code -XX:UseAVX=2}) 104 against 132. Reading eight rows of the file's own layout at once
 * (eight streams, no repacking) was slower than one row at a time from DRAM (142-220 ns).
 * <p>
 * Numerics: every row's arithmetic is the plain kernel's, in the same order ({@link Q4_0MatrixKernel}): the scales
 * are converted exactly (see {@link #SCALE_BIAS}), so results are bit for bit the same.
 * <p>
 * Only at 256-bit vectors (16 short lanes, one block half per vector) and for row counts divisible by eight; {@link
 * #interleave} decides.
 */
final class Q4_0InterleavedMatrixKernel extends Int8DotKernel {
    static final int GROUP = 8;
    private static final int BLOCK = Q4_0MatrixKernel.BLOCK, BLOCK_BYTES = Q4_0MatrixKernel.BLOCK_BYTES;
    /** Bytes of one block column of a group: eight scales, then eight quant runs. */
    static final int GROUP_BLOCK_BYTES = GROUP * BLOCK_BYTES;
    private static final int SCALES_BYTES = 2 * GROUP;
    /**
     * f16 to float by bits: the f16's exponent and mantissa shifted into a float's places read as a float whose
     * exponent is 112 too small (exactly, subnormal halves included: those become float subnormals), so multiplying
     * by 2^112 is exact. Infinities and NaNs would come out finite, which is why {@link #interleave} keeps tensors
     * holding such scales in the plain layout.
     */
    private static final float SCALE_BIAS = 0x1p112f;

    /**
     * Where a thread's scratch starts in its array: the used floats (a group's scales, a partial group's results)
     * sit 64 bytes from either end of the array, so no other object shares their cache lines: this kernel stores to
     * memory every block, and the garbage collector may compact two threads' arrays next to each other. (Suspected
     * of, but not the cause of, the slow processes described in docs/bench/README.md, fourth session.)
     */
    private static final int SCRATCH = 16;
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[SCRATCH + 2 * GROUP + 16]);

    private Q4_0InterleavedMatrixKernel(Tensor w, MemorySegment interleaved) {
        super(w, interleaved);
    }

    /**
     * The interleaved kernel for {@code w}, its weights copied to memory from {@code arena} in the interleaved order
     * by the threads of {@code parallel}; empty when the layout does not apply: vectors narrower than 256 bits, a row
     * count not divisible by eight, or a scale that is infinite or NaN.
     */
    static Optional<MatrixKernel> interleave(Tensor w, Arena arena, Parallel parallel) {
        if (VectorWidth.SL != 16 || w.rows() % GROUP != 0 || w.cols() % BLOCK != 0) return Optional.empty();
        MemorySegment src = w.data();
        int rows = Math.toIntExact(w.rows()), blocks = Math.toIntExact(w.cols() / BLOCK);
        int groupBytes = Math.toIntExact(GROUP * w.rowBytes()), rowBytes = groupBytes / GROUP;
        if (src.byteSize() < (long) rowBytes * rows) {
            throw new IllegalArgumentException("tensor " + w.name() + " has " + src.byteSize() + " bytes, its shape "
                    + w.info().shape() + " needs " + (long) rowBytes * rows);
        }
        // A group at a time through heap arrays: bulk copies in and out, plain array code between, which is fast
        // from the first call (per-element segment accesses are slow until C2 has compiled the loop: ~1 s more).
        // Scales are checked on the way; a file with an infinite or NaN one leaves its copy unused in the arena.
        MemorySegment dst = arena.allocate((long) rowBytes * rows, 64);
        AtomicBoolean finite = new AtomicBoolean(true);
        parallel.forRange(rows / GROUP, (g0, g1) -> {
            byte[] in = new byte[groupBytes], out = new byte[groupBytes];
            for (int g = g0; g < g1 && finite.get(); g++) {
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, (long) g * groupBytes, in, 0, groupBytes);
                for (int b = 0; b < blocks; b++) {
                    int to = GROUP_BLOCK_BYTES * b;
                    for (int k = 0; k < GROUP; k++) {
                        int from = k * rowBytes + BLOCK_BYTES * b;
                        if ((in[from + 1] & 0x7C) == 0x7C) finite.set(false); // exponent all ones (little endian)
                        out[to + 2 * k] = in[from];
                        out[to + 2 * k + 1] = in[from + 1];
                        System.arraycopy(in, from + 2, out, to + SCALES_BYTES + 16 * k, 16);
                    }
                }
                MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, (long) g * groupBytes, groupBytes);
            }
        });
        return finite.get() ? Optional.of(new Q4_0InterleavedMatrixKernel(w, dst)) : Optional.empty();
    }

    @Override
    public boolean readsOwnCopy() {
        return true;
    }

    @Override
    void dotRows(Int8Activations xq, float[] out, int rowStart, int rowEnd) {
        float[] s = scratch.get(); // from SCRATCH: the group's scales for one block, then a partial group's results
        for (int r = rowStart; r < rowEnd; ) {
            int first = r - r % GROUP, end = Math.min(rowEnd, first + GROUP);
            if (r == first && end == first + GROUP) {
                dotGroup(first / GROUP, xq.q, xq.scale, s, out, first);
            } else { // the ends of an unaligned range: the whole group, keeping the rows asked for
                dotGroup(first / GROUP, xq.q, xq.scale, s, s, SCRATCH + GROUP);
                System.arraycopy(s, SCRATCH + GROUP + r - first, out, r, end - r);
            }
            r = end;
        }
    }

    /**
     * {@code out[off + k]} = row {@code 8·group + k} · x for k < 8. Each row's block is the plain kernel's
     * arithmetic, written out eight times rather than called: a helper returning a vector that C2 compiles on its own
     * first may then be too big to inline, and a vector crossing a call is boxed on the heap.
     */
    private void dotGroup(int group, short[] xq, float[] xd, float[] s, float[] out, int off) {
        long base = group * GROUP * rowBytes;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int b = 0; b < xd.length; b++) {
            long o = base + (long) GROUP_BLOCK_BYTES * b, q = o + SCALES_BYTES;
            IntVector h = (IntVector) ShortVector.fromMemorySegment(ShortVector.SPECIES_128, data, o, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(SCALE_BIAS);
            d = d.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
            d.mul(xd[b]).intoArray(s, SCRATCH);
            ShortVector xl = ShortVector.fromArray(S, xq, BLOCK * b), xh = ShortVector.fromArray(S, xq, BLOCK * b + 16);
            ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(B, data, q + 0, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            IntVector p0 = w0.and((short) 0x0F).sub((short) 8).mul(xl).add(w0.lanewise(VectorOperators.LSHR, 4).sub((short) 8).mul(xh)).reinterpretAsInts();
            a0 = ((FloatVector) p0.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).castShape(F, 0)).fma(FloatVector.broadcast(F, s[SCRATCH + 0]), a0);
            ShortVector w1 = (ShortVector) ByteVector.fromMemorySegment(B, data, q + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            IntVector p1 = w1.and((short) 0x0F).sub((short) 8).mul(xl).add(w1.lanewise(VectorOperators.LSHR, 4).sub((short) 8).mul(xh)).reinterpretAsInts();
            a1 = ((FloatVector) p1.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).castShape(F, 0)).fma(FloatVector.broadcast(F, s[SCRATCH + 1]), a1);
            ShortVector w2 = (ShortVector) ByteVector.fromMemorySegment(B, data, q + 32, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            IntVector p2 = w2.and((short) 0x0F).sub((short) 8).mul(xl).add(w2.lanewise(VectorOperators.LSHR, 4).sub((short) 8).mul(xh)).reinterpretAsInts();
            a2 = ((FloatVector) p2.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).castShape(F, 0)).fma(FloatVector.broadcast(F, s[SCRATCH + 2]), a2);
            ShortVector w3 = (ShortVector) ByteVector.fromMemorySegment(B, data, q + 48, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            IntVector p3 = w3.and((short) 0x0F).sub((short) 8).mul(xl).add(w3.lanewise(VectorOperators.LSHR, 4).sub((short) 8).mul(xh)).reinterpretAsInts();
            a3 = ((FloatVector) p3.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).castShape(F, 0)).fma(FloatVector.broadcast(F, s[SCRATCH + 3]), a3);
            ShortVector w4 = (ShortVector) ByteVector.fromMemorySegment(B, data, q + 64, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            IntVector p4 = w4.and((short) 0x0F).sub((short) 8).mul(xl).add(w4.lanewise(VectorOperators.LSHR, 4).sub((short) 8).mul(xh)).reinterpretAsInts();
            a4 = ((FloatVector) p4.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).castShape(F, 0)).fma(FloatVector.broadcast(F, s[SCRATCH + 4]), a4);
            ShortVector w5 = (ShortVector) ByteVector.fromMemorySegment(B, data, q + 80, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            IntVector p5 = w5.and((short) 0x0F).sub((short) 8).mul(xl).add(w5.lanewise(VectorOperators.LSHR, 4).sub((short) 8).mul(xh)).reinterpretAsInts();
            a5 = ((FloatVector) p5.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).castShape(F, 0)).fma(FloatVector.broadcast(F, s[SCRATCH + 5]), a5);
            ShortVector w6 = (ShortVector) ByteVector.fromMemorySegment(B, data, q + 96, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            IntVector p6 = w6.and((short) 0x0F).sub((short) 8).mul(xl).add(w6.lanewise(VectorOperators.LSHR, 4).sub((short) 8).mul(xh)).reinterpretAsInts();
            a6 = ((FloatVector) p6.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).castShape(F, 0)).fma(FloatVector.broadcast(F, s[SCRATCH + 6]), a6);
            ShortVector w7 = (ShortVector) ByteVector.fromMemorySegment(B, data, q + 112, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            IntVector p7 = w7.and((short) 0x0F).sub((short) 8).mul(xl).add(w7.lanewise(VectorOperators.LSHR, 4).sub((short) 8).mul(xh)).reinterpretAsInts();
            a7 = ((FloatVector) p7.mul(PAIR_SUM).lanewise(VectorOperators.ASHR, 16).castShape(F, 0)).fma(FloatVector.broadcast(F, s[SCRATCH + 7]), a7);
        }
        out[off] = a0.reduceLanes(VectorOperators.ADD);
        out[off + 1] = a1.reduceLanes(VectorOperators.ADD);
        out[off + 2] = a2.reduceLanes(VectorOperators.ADD);
        out[off + 3] = a3.reduceLanes(VectorOperators.ADD);
        out[off + 4] = a4.reduceLanes(VectorOperators.ADD);
        out[off + 5] = a5.reduceLanes(VectorOperators.ADD);
        out[off + 6] = a6.reduceLanes(VectorOperators.ADD);
        out[off + 7] = a7.reduceLanes(VectorOperators.ADD);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long group = (long) (row / GROUP) * GROUP * rowBytes;
        int k = row % GROUP;
        Q4_0MatrixKernel.decodeBlocks(data, group + 2L * k, group + SCALES_BYTES + 16L * k, GROUP_BLOCK_BYTES,
                cols / BLOCK, dst, off);
    }
}
