package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.github.lfm4j.kernels.cpu.VectorWidth.B64;
import static io.github.lfm4j.kernels.cpu.VectorWidth.B64_PARTS;
import static io.github.lfm4j.kernels.cpu.VectorWidth.F;
import static io.github.lfm4j.kernels.cpu.VectorWidth.FL;
import static io.github.lfm4j.kernels.cpu.VectorWidth.I;

/**
 * Q2_K: super-blocks of 256 stored as {@code {uint8 scales[16]; uint8 qs[64]; f16 d; f16 dmin}} (84 bytes): sixteen
 * sub-blocks of 16, each with a 4-bit scale (low nibble of its {@code scales} byte) and 4-bit min (high nibble);
 * weight = d·scale·q − dmin·min with q in 0..3. Each 128-value half has 32 {@code qs} bytes: its values
 * {@code 32j + l} (j = 0..3, l = 0..31) are bits {@code 2j..2j+1} of byte l, in sub-block {@code 2j + l/16}.
 * <p>
 * Only the row decoding is specific (vectorized): matvec and matmul are {@link RowDecodingKernel}'s decode-then-dot.
 * A rarely used type, kept simple: a 2048×8192 matvec takes ~8 ms on one core of the build machine (AMD EPYC)
 * against Q4_K's fused int8 dot's ~5 ms (measured while other builds ran); a fused dot like Q4_K's would be the
 * next step if Q2_K files matter.
 */
final class Q2_KMatrixKernel extends RowDecodingKernel {
    private static final int BLOCK = 256, BLOCK_BYTES = 84;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    Q2_KMatrixKernel(Tensor w) {
        super(w);
    }

    // Eight bytes per load (one int vector at 256 bits; at 128 bits two conversion parts, one pass over the row
    // each, as Q4_0MatrixKernel.decodeBlocks does), each load serving the four 2-bit fields of those bytes. Same
    // float operations as ggml's dequantize_row_q2_K: (d·scale)·q − dmin·min.
    @Override
    void decodeRow(int row, float[] dst, int off) {
        long base = row * rowBytes;
        for (int part = 0; part < B64_PARTS; part++) for (int b = 0; b < cols / BLOCK; b++) {
            long o = base + (long) BLOCK_BYTES * b;
            float d = f16(o + 80), dmin = f16(o + 82);
            int p = off + BLOCK * b + FL * part;
            for (int half = 0; half < 2; half++) {
                long qs = o + 16 + 32L * half;
                for (int g = 0; g < 4; g++) { // bytes l = 8g .. 8g+7 of the half's 32
                    IntVector q = (IntVector) ByteVector.fromMemorySegment(B64, data, qs + 8 * g, LE).castShape(I, part);
                    for (int j = 0; j < 4; j++) {
                        int sc = u8(o + 8 * half + 2 * j + g / 2);
                        float dl = d * (sc & 0x0F), ml = dmin * (sc >>> 4);
                        // bytes were sign-extended: an arithmetic shift still leaves bits 2j..2j+1 at the bottom
                        ((FloatVector) q.lanewise(VectorOperators.ASHR, 2 * j).and(3).castShape(F, 0)).mul(dl).sub(ml)
                                .intoArray(dst, p + 128 * half + 32 * j + 8 * g);
                    }
                }
            }
        }
    }

    private int u8(long at) {
        return data.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }
}
