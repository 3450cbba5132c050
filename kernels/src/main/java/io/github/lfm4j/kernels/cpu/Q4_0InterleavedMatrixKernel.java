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
 * times the activation scale, broadcast), and widens each row's 16 quant bytes to 16-bit lanes. Here one vector
 * converts the eight rows' scales at once, two rows' quant runs are one 32-byte load whose 16-bit lanes hold four
 * weights each (see {@link #dotGroup}), and the activations, rearranged to match once per product ({@link
 * Int8PairLayout}), are loaded once for eight rows; the weights still stream from memory as one sequential run.
 * Measured (Zen 4 EPYC, ns per row, 2048 / 8192 wide, from DRAM): one thread 101 / 466 against the plain kernel's
 * 116 / 540-670; two threads 54 / 226 against 61 / 285. Reading eight rows of the file's own layout at once (eight
 * streams, no repacking) was slower than one row at a time (142-220 ns for 2048).
 * <p>
 * Numerics: every row's integer sums are the plain kernel's, lane for lane, and its float arithmetic is the plain
 * kernel's in the same order ({@link Q4_0MatrixKernel}): the scales are converted exactly (see {@link #SCALE_BIAS}),
 * so results are bit for bit the same.
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

    private static final int SCRATCH = Int8PairLayout.SCRATCH, RESULTS = Int8PairLayout.RESULTS;
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(Int8PairLayout::scratch);
    private final ThreadLocal<Int8PairLayout> pairLayout =
            ThreadLocal.withInitial(() -> new Int8PairLayout(cols, Int8PairLayout.NIBBLE_PAIRS));

    /**
     * The low nibble of each 16-bit half of a 32-bit lane. The nibbles are shifted down in 32-bit lanes (an
     * immediate shift; C2 gives 16-bit lanes' shifts a count register, loaded anew for each) and the bits moved in
     * from the neighbouring half are masked off.
     */
    private static final int NIBBLES = 0x000F000F;

    /**
     * Set once the kernel has run in this JVM. The first interleaved kernel runs itself on {@link #WARM_UP_GROUPS}
     * groups as soon as it is made, at load, before anything else of the engine has run. Why: without that, its
     * first run came at the end of the first prompt, and in about half the {@code lfm4j bench} processes (512-token
     * prompt first) C2 then compiled its loop into code running at half speed (decode 10-20 instead of 30-33 tok/s):
     * compiles that inlined the Vector API's shared methods as virtual calls with type checks, their profiles by then
     * mixed with the prompt's 512-bit matrix code. With this early run: 27 of 27 processes fast (fifth session,
     * docs/bench/README.md). Costs ~0.15 s once, mostly loading the vector classes that the first token would load.
     */
    private static final AtomicBoolean RAN = new AtomicBoolean();
    private static final int WARM_UP_GROUPS = 2;

    private void warmUp() {
        int n = Math.min(rows, WARM_UP_GROUPS * GROUP);
        float[] x = new float[cols], out = new float[n];
        for (int i = 0; i < cols; i++) x[i] = (i % 7) - 3;
        Int8Activations xq = new Int8Activations(cols);
        xq.quantize(x, 0);
        dotRows(xq, out, 0, n);
    }

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
        if (!finite.get()) return Optional.empty();
        Q4_0InterleavedMatrixKernel k = new Q4_0InterleavedMatrixKernel(w, dst);
        if (RAN.compareAndSet(false, true)) k.warmUp();
        return Optional.of(k);
    }

    @Override
    public boolean readsOwnCopy() {
        return true;
    }

    @Override
    void dotRows(Int8Activations xq, float[] out, int rowStart, int rowEnd) {
        Int8PairLayout x = pairLayout.get().of(xq);
        float[] s = scratch.get(); // a partial group's results
        for (int r = rowStart; r < rowEnd; ) {
            int first = r - r % GROUP, end = Math.min(rowEnd, first + GROUP);
            if (r == first && end == first + GROUP) {
                dotGroup(first / GROUP, x.x, xq.scale, out, first);
            } else { // the ends of an unaligned range: the whole group, keeping the rows asked for
                dotGroup(first / GROUP, x.x, xq.scale, s, SCRATCH + RESULTS);
                System.arraycopy(s, SCRATCH + RESULTS + r - first, out, r, end - r);
            }
            r = end;
        }
    }

    /**
     * {@code out[off + k]} = row {@code 8·group + k} · x for k < 8, two rows per 32-byte load: their quant runs lie
     * side by side, and read as sixteen 16-bit lanes each lane holds four weights of one row (bits 0-3, 4-7, 8-11,
     * 12-15: weights 2i, 2i+16, 2i+1, 2i+17 of lane i, see {@link Int8PairLayout}). A lane's four products sum to the
     * plain kernel's 32-bit lane i; even and odd 32-bit lanes split apart by shifts and accumulate separately, and
     * the end adds each row's eight lanes in the plain kernel's order ({@link Int8PairLayout#SWAP_2}). Written out for each pair rather than
     * called: a helper returning a vector that C2 compiles on its own may be too big to inline, and a vector crossing
     * a call is boxed on the heap.
     */
    private void dotGroup(int group, byte[] x, float[] xd, float[] out, int off) {
        long base = group * GROUP * rowBytes;
        FloatVector e0 = FloatVector.zero(F), o0 = e0, e1 = e0, o1 = e0, e2 = e0, o2 = e0, e3 = e0, o3 = e0;
        for (int b = 0; b < xd.length; b++) {
            long o = base + (long) GROUP_BLOCK_BYTES * b, q = o + SCALES_BYTES;
            IntVector h = (IntVector) ShortVector.fromMemorySegment(ShortVector.SPECIES_128, data, o, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(SCALE_BIAS);
            d = d.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats().mul(xd[b]);
            int xo = Int8PairLayout.BYTES * b;
            ShortVector x0 = (ShortVector) ByteVector.fromArray(B, x, xo).convertShape(VectorOperators.B2S, S, 0);
            ShortVector x1 = (ShortVector) ByteVector.fromArray(B, x, xo + 16).convertShape(VectorOperators.B2S, S, 0);
            ShortVector x2 = (ShortVector) ByteVector.fromArray(B, x, xo + 32).convertShape(VectorOperators.B2S, S, 0);
            ShortVector x3 = (ShortVector) ByteVector.fromArray(B, x, xo + 48).convertShape(VectorOperators.B2S, S, 0);
            // takes the 8 off all four quants of a lane at once: Σ (n − 8)·x = Σ n·x − 8·Σ x, exact in 16-bit lanes
            // since the result is at most 4·8·127 in size (the sums on the way may wrap, the result does not)
            ShortVector eightSum = x0.add(x1).add(x2).add(x3).lanewise(VectorOperators.LSHL, 3);
            IntVector w0 = IntVector.fromMemorySegment(I, data, q, LE);
            IntVector p0 = w0.and(NIBBLES).reinterpretAsShorts().mul(x0)
                    .add(w0.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).reinterpretAsShorts().mul(x1))
                    .add(w0.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).reinterpretAsShorts().mul(x2))
                    .add(w0.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).reinterpretAsShorts().mul(x3))
                    .sub(eightSum).reinterpretAsInts();
            FloatVector d0 = d.rearrange(Int8PairLayout.ROW_SCALES_0);
            e0 = ((FloatVector) p0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d0, e0);
            o0 = ((FloatVector) p0.lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d0, o0);
            IntVector w1 = IntVector.fromMemorySegment(I, data, q + 32, LE);
            IntVector p1 = w1.and(NIBBLES).reinterpretAsShorts().mul(x0)
                    .add(w1.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).reinterpretAsShorts().mul(x1))
                    .add(w1.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).reinterpretAsShorts().mul(x2))
                    .add(w1.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).reinterpretAsShorts().mul(x3))
                    .sub(eightSum).reinterpretAsInts();
            FloatVector d1 = d.rearrange(Int8PairLayout.ROW_SCALES_1);
            e1 = ((FloatVector) p1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d1, e1);
            o1 = ((FloatVector) p1.lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d1, o1);
            IntVector w2 = IntVector.fromMemorySegment(I, data, q + 64, LE);
            IntVector p2 = w2.and(NIBBLES).reinterpretAsShorts().mul(x0)
                    .add(w2.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).reinterpretAsShorts().mul(x1))
                    .add(w2.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).reinterpretAsShorts().mul(x2))
                    .add(w2.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).reinterpretAsShorts().mul(x3))
                    .sub(eightSum).reinterpretAsInts();
            FloatVector d2 = d.rearrange(Int8PairLayout.ROW_SCALES_2);
            e2 = ((FloatVector) p2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d2, e2);
            o2 = ((FloatVector) p2.lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d2, o2);
            IntVector w3 = IntVector.fromMemorySegment(I, data, q + 96, LE);
            IntVector p3 = w3.and(NIBBLES).reinterpretAsShorts().mul(x0)
                    .add(w3.lanewise(VectorOperators.LSHR, 4).and(NIBBLES).reinterpretAsShorts().mul(x1))
                    .add(w3.lanewise(VectorOperators.LSHR, 8).and(NIBBLES).reinterpretAsShorts().mul(x2))
                    .add(w3.lanewise(VectorOperators.LSHR, 12).and(NIBBLES).reinterpretAsShorts().mul(x3))
                    .sub(eightSum).reinterpretAsInts();
            FloatVector d3 = d.rearrange(Int8PairLayout.ROW_SCALES_3);
            e3 = ((FloatVector) p3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d3, e3);
            o3 = ((FloatVector) p3.lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2F, F, 0)).fma(d3, o3);
        }
        // Each row's eight lanes added as LaneSums adds the plain kernel's (see Int8PairLayout.SWAP_2), both rows of a
        // pair at once: the first in lane 0, the second in lane 4. Written out: a vector passed to a call that C2
        // does not inline is boxed, and then every vector of the loop above was (measured: a third of the speed).
        e0 = e0.add(e0.rearrange(Int8PairLayout.SWAP_2));
        o0 = o0.add(o0.rearrange(Int8PairLayout.SWAP_2));
        FloatVector r0 = e0.add(e0.rearrange(Int8PairLayout.SWAP_1)).add(o0.add(o0.rearrange(Int8PairLayout.SWAP_1)));
        e1 = e1.add(e1.rearrange(Int8PairLayout.SWAP_2));
        o1 = o1.add(o1.rearrange(Int8PairLayout.SWAP_2));
        FloatVector r1 = e1.add(e1.rearrange(Int8PairLayout.SWAP_1)).add(o1.add(o1.rearrange(Int8PairLayout.SWAP_1)));
        e2 = e2.add(e2.rearrange(Int8PairLayout.SWAP_2));
        o2 = o2.add(o2.rearrange(Int8PairLayout.SWAP_2));
        FloatVector r2 = e2.add(e2.rearrange(Int8PairLayout.SWAP_1)).add(o2.add(o2.rearrange(Int8PairLayout.SWAP_1)));
        e3 = e3.add(e3.rearrange(Int8PairLayout.SWAP_2));
        o3 = o3.add(o3.rearrange(Int8PairLayout.SWAP_2));
        FloatVector r3 = e3.add(e3.rearrange(Int8PairLayout.SWAP_1)).add(o3.add(o3.rearrange(Int8PairLayout.SWAP_1)));
        out[off] = r0.lane(0);
        out[off + 1] = r0.lane(4);
        out[off + 2] = r1.lane(0);
        out[off + 3] = r1.lane(4);
        out[off + 4] = r2.lane(0);
        out[off + 5] = r2.lane(4);
        out[off + 6] = r3.lane(0);
        out[off + 7] = r3.lane(4);
    }

    @Override
    void decodeRow(int row, float[] dst, int off) {
        long group = (long) (row / GROUP) * GROUP * rowBytes;
        int k = row % GROUP;
        Q4_0MatrixKernel.decodeBlocks(data, group + 2L * k, group + SCALES_BYTES + 16L * k, GROUP_BLOCK_BYTES,
                cols / BLOCK, dst, off);
    }
}
