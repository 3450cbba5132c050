package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Shared frame of the K-quant kernels that read eight rows at once from a copy of the weights made at load
 * ({@link Q4_KInterleavedMatrixKernel}, {@link Q5_KInterleavedMatrixKernel}, {@link Q6_KInterleavedMatrixKernel}),
 * the way {@link Q4_0InterleavedMatrixKernel} reads Q4_0: per group of eight rows and super-block of 256 columns,
 * the eight rows' scales side by side, then per block of 32 columns the eight rows' quants, two rows per 32-byte
 * load. The copy holds the same information in about the file's size (the subclasses give their exact layouts).
 * <p>
 * This class owns what does not depend on the type: the copy ({@link #repack}, a group at a time through heap
 * arrays, checking the scales), the row range split into whole groups ({@link #dotRows}), the per-thread scratch and
 * activation layout, and the first run at load ({@link #warmUp}). Only at 256-bit vectors and for row counts
 * divisible by eight; the subclasses' {@code interleave} decide.
 */
abstract class KQuantInterleavedKernel extends Int8DotKernel {
    static final int GROUP = 8, SUPER_BLOCK = 256;
    /**
     * f16 to float by bits, as {@link Q4_0InterleavedMatrixKernel} does: exponent and mantissa shifted into a float's
     * places read as a float 2^112 too small, times 2^112, exactly (subnormal halves included). Infinite and NaN
     * halves would come out finite, so {@link #repack} refuses them.
     */
    static final float SCALE_BIAS = 0x1p112f;
    private static final int SCRATCH = Int8PairLayout.SCRATCH, RESULTS = Int8PairLayout.RESULTS;

    final int superBlocks;
    /** Bytes of one group of eight rows in the copy. */
    final long groupBytes;
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(Int8PairLayout::scratch);
    private final ThreadLocal<Int8PairLayout> pairLayout;

    KQuantInterleavedKernel(Tensor w, MemorySegment copy, long groupBytes, Int8PairLayout.Order order) {
        super(w, copy);
        this.superBlocks = cols / SUPER_BLOCK;
        this.groupBytes = groupBytes;
        this.pairLayout = ThreadLocal.withInitial(() -> new Int8PairLayout(cols, order));
    }

    /** Whether the interleaved layout applies to {@code w}: 256-bit vectors, rows a multiple of eight. */
    static boolean applies(Tensor w) {
        return VectorWidth.SL == 16 && w.rows() % GROUP == 0 && w.cols() % SUPER_BLOCK == 0;
    }

    /** Rearranges one group: eight rows of the file's bytes in {@code in}, the copy's bytes into {@code out}. */
    interface GroupRepacker {
        /** False when a scale is infinite or NaN (the kernel's f16 conversion would not keep it). */
        boolean repack(byte[] in, byte[] out);
    }

    /**
     * The copy of {@code w} in memory from {@code arena}, {@code groupBytes} per group of eight rows, made by the
     * threads of {@code parallel}; empty when a group has a scale the kernel cannot convert exactly (the memory then
     * stays unused in the arena). A group at a time through heap arrays: bulk copies in and out, plain array code
     * between, which is fast from the first call (per-element segment accesses are slow until C2 compiles the loop).
     */
    static Optional<MemorySegment> repack(Tensor w, Arena arena, Parallel parallel, long groupBytes, GroupRepacker repacker) {
        MemorySegment src = w.data();
        long rows = w.rows();
        int inBytes = Math.toIntExact(GROUP * w.rowBytes());
        if (src.byteSize() < w.rowBytes() * rows) {
            throw new IllegalArgumentException("tensor " + w.name() + " has " + src.byteSize() + " bytes, its shape "
                    + w.info().shape() + " needs " + w.rowBytes() * rows);
        }
        int outBytes = Math.toIntExact(groupBytes);
        MemorySegment dst = arena.allocate(groupBytes * (rows / GROUP), 64);
        AtomicBoolean finite = new AtomicBoolean(true);
        parallel.forRange(Math.toIntExact(rows / GROUP), (g0, g1) -> {
            byte[] in = new byte[inBytes], out = new byte[outBytes];
            for (int g = g0; g < g1 && finite.get(); g++) {
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, (long) g * inBytes, in, 0, inBytes);
                if (!repacker.repack(in, out)) finite.set(false);
                MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, (long) g * outBytes, outBytes);
            }
        });
        return finite.get() ? Optional.of(dst) : Optional.empty();
    }

    /** Whether the little-endian half at {@code in[at]} is finite (its exponent is not all ones). */
    static boolean finiteHalf(byte[] in, int at) {
        return (in[at + 1] & 0x7C) != 0x7C;
    }

    @Override
    public final boolean readsOwnCopy() {
        return true;
    }

    @Override
    final void dotRows(Int8Activations xq, float[] out, int rowStart, int rowEnd) {
        byte[] x = pairLayout.get().of(xq).x;
        float[] s = scratch.get(); // a partial group's results
        for (int r = rowStart; r < rowEnd; ) {
            int first = r - r % GROUP, end = Math.min(rowEnd, first + GROUP);
            if (r == first && end == first + GROUP) {
                dotGroup(first / GROUP, xq, x, out, first);
            } else { // the ends of an unaligned range: the whole group, keeping the rows asked for
                dotGroup(first / GROUP, xq, x, s, SCRATCH + RESULTS);
                System.arraycopy(s, SCRATCH + RESULTS + r - first, out, r, end - r);
            }
            r = end;
        }
    }

    /**
     * {@code out[off + k]} = row {@code 8·group + k} · x for k < 8, {@code x} being {@code xq} in the subclass's
     * {@link Int8PairLayout} order.
     */
    abstract void dotGroup(int group, Int8Activations xq, byte[] x, float[] out, int off);

    private static final Set<Class<?>> RAN = ConcurrentHashMap.newKeySet();

    /**
     * The first kernel of each class runs itself on two groups when it is made, at load, before anything else of the
     * engine has run: for the reason {@link Q4_0InterleavedMatrixKernel} gives (C2 compiled its loop into half-speed
     * code in about half the processes when its first run came after the prompt's matrix code). Returns this.
     */
    final MatrixKernel warmUp() {
        if (!RAN.add(getClass())) return this;
        int n = Math.min(rows, 2 * GROUP);
        float[] x = new float[cols], out = new float[n];
        for (int i = 0; i < cols; i++) x[i] = (i % 7) - 3;
        Int8Activations xq = new Int8Activations(cols);
        xq.quantize(x, 0);
        dotRows(xq, out, 0, n);
        return this;
    }
}
