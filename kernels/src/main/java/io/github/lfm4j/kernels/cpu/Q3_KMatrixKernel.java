package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.nio.ByteOrder;

import static io.github.lfm4j.kernels.cpu.VectorWidth.B64;
import static io.github.lfm4j.kernels.cpu.VectorWidth.B64_PARTS;
import static io.github.lfm4j.kernels.cpu.VectorWidth.F;
import static io.github.lfm4j.kernels.cpu.VectorWidth.FL;
import static io.github.lfm4j.kernels.cpu.VectorWidth.I;

/**
 * Q3_K: super-blocks of 256 stored as {@code {uint8 hmask[32]; uint8 qs[64]; uint8 scales[12]; f16 d}} (110 bytes):
 * sixteen sub-blocks of 16, each with a signed 6-bit scale (stored + 32); weight = d·(scale − 32)·(q − 4) with q a
 * 3-bit value whose top bit is in {@code hmask}. Value {@code 32j + l} of half h (j = 0..3, l = 0..31) has its low
 * two bits in bits {@code 2j..2j+1} of {@code qs[32h + l]} and its top bit in bit {@code 4h + j} of
 * {@code hmask[l]}; its sub-block is {@code 8h + 2j + l/16}. Scale s keeps its low 4 bits in the low nibble of
 * byte s (s < 8) or the high nibble of byte s − 8, and its top 2 bits in bits {@code 2(s/4)..} of byte
 * {@code 8 + s%4}.
 * <p>
 * Only the row decoding is specific (vectorized): matvec and matmul are {@link RowDecodingKernel}'s decode-then-dot.
 * A rarely used type, kept simple: a 2048×8192 matvec takes ~11 ms on one core of the build machine (AMD EPYC)
 * against Q4_K's fused int8 dot's ~5 ms (measured while other builds ran); a fused dot like Q4_K's would be the
 * next step if Q3_K files matter.
 */
final class Q3_KMatrixKernel extends RowDecodingKernel {
    private static final int BLOCK = 256, BLOCK_BYTES = 110;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    Q3_KMatrixKernel(Tensor w) {
        super(w);
    }

    // Eight bytes per load (one int vector at 256 bits; at 128 bits two conversion parts, one pass over the row
    // each, as Q4_0MatrixKernel.decodeBlocks does): one hmask load serves both halves' eight top bits, one qs load
    // the four 2-bit fields. Same float operations as ggml's dequantize_row_q3_K: (d·(scale − 32))·(q − 4·!top).
    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        float[] dl = new float[16];
        for (int part = 0; part < B64_PARTS; part++) for (int b = 0; b < cols / BLOCK; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            float d = f16(o + 108);
            // the 12 scale bytes in two reads and no branches: a per-byte loop with a branch kept C2 recompiling
            // this method (a failing loop predicate, seen with -Xlog:deoptimization), 25x slower
            long low = data.get(LE_LONG, o + 96);
            int high = data.get(LE_INT, o + 104);
            for (int s = 0; s < 16; s++) {
                int sc = (int) (low >>> (8 * (s % 8) + 4 * (s / 8))) & 0x0F | ((high >>> (8 * (s % 4) + 2 * (s / 4))) & 3) << 4;
                dl[s] = d * (sc - 32);
            }
            int p = off + BLOCK * b + FL * part;
            for (int g = 0; g < 4; g++) { // bytes l = 8g .. 8g+7 of hmask and of each half's 32 qs bytes
                IntVector h = (IntVector) ByteVector.fromMemorySegment(B64, data, o + 8 * g, LE).castShape(I, part);
                for (int half = 0; half < 2; half++) {
                    IntVector q = (IntVector) ByteVector.fromMemorySegment(B64, data, o + 32 + 32L * half + 8 * g, LE)
                            .castShape(I, part);
                    for (int j = 0; j < 4; j++) {
                        // sign-extended bytes: arithmetic shifts still bring bits 2j..2j+1 and 4·half + j down intact
                        IntVector top = h.lanewise(VectorOperators.ASHR, 4 * half + j).and(1).lanewise(VectorOperators.LSHL, 2);
                        IntVector level = q.lanewise(VectorOperators.ASHR, 2 * j).and(3).add(top).sub(4);
                        ((FloatVector) level.castShape(F, 0)).mul(dl[8 * half + 2 * j + g / 2])
                                .intoArray(dst, p + 128 * half + 32 * j + 8 * g);
                    }
                }
            }
        }
    }
}
