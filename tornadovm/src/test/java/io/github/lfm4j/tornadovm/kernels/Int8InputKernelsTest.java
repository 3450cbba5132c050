package io.github.lfm4j.tornadovm.kernels;

import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.Random;

import static io.github.lfm4j.tornadovm.kernels.OneTask.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The int8 rounding of activations: the kernel against its twin bit for bit, the twin against a reference written
 * here from the CPU engine's formula ({@code Int8Activations}: d = max|x|/127 in float, q = x·(1/d) rounded half to
 * even, all-zero block → d = 0, q = 0). Includes exact ties of both signs, negative quants and an all-zero block.
 */
class Int8InputKernelsTest {
    private final Random random = new Random();

    /** Blocks: random (varied magnitudes), ties (d = 1: x = ±k.5), all zero, one huge element, random again. */
    private FloatArray input(int blocks) {
        FloatArray x = new FloatArray(32 * blocks);
        for (int b = 0; b < blocks; b++) {
            float mag = (float) Math.pow(10, random.nextInt(7) - 3);
            for (int j = 0; j < 32; j++) {
                int i = 32 * b + j;
                switch (b % 5) {
                    case 1 -> x.set(i, j == 0 ? -127f : (j % 2 == 0 ? 1 : -1) * (random.nextInt(126) + 0.5f));
                    case 2 -> x.set(i, 0f);
                    case 3 -> x.set(i, j == 7 ? 3e4f : (float) random.nextGaussian());
                    default -> x.set(i, (float) random.nextGaussian() * mag);
                }
            }
        }
        return x;
    }

    @Test
    void kernelTwinAndReferenceAgreeExactly() {
        // 405 blocks: the last work-group is partly idle; enough blocks that a 1-ulp float division shows (PoCL's
        // float division was 1 ulp off in about one block of 45, now and then)
        int blocks = 405, n = 32 * blocks;
        FloatArray x = input(blocks);
        Int8Input cpu = Int8InputKernels.quantizeCpu(x);
        IntArray gq = new IntArray(n);
        gq.init(Integer.MIN_VALUE);
        FloatArray gs = nan(blocks);
        run(new Object[]{x, gq, gs}, new Object[]{gq, gs},
                tg -> tg.task("k", Int8InputKernels::quantize, new KernelContext(), x, gq, gs, n), roundUp(blocks, 32),
                32);
        int ties = 0, negative = 0;
        for (int b = 0; b < blocks; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x.get(32 * b + j)));
            float d = amax / 127f, inv = d == 0 ? 0 : 1 / d;
            assertEquals(Float.floatToRawIntBits(d), Float.floatToRawIntBits(cpu.scales().get(b)), "twin scale " + b);
            assertEquals(Float.floatToRawIntBits(d), Float.floatToRawIntBits(gs.get(b)), "kernel scale " + b);
            for (int j = 0; j < 32; j++) {
                int i = 32 * b + j;
                float v = x.get(i) * inv;
                int ref = (int) Math.rint(v);
                if (Math.abs(v - Math.floor(v) - 0.5f) == 0) ties++;
                if (ref < 0) negative++;
                assertEquals(ref, cpu.quants().get(i), "twin quant " + i + " of " + x.get(i));
                assertEquals(ref, gq.get(i), "kernel quant " + i + " of " + x.get(i));
            }
        }
        assertEquals(true, ties > 1000 && negative > 3000, ties + " ties, " + negative + " negative quants");
    }
}
